"""Amazon SES v2 (raw content, so that every header survives), built on first use.

Errors carry the provider's code and a short fixed reason, never the provider's text: it
often quotes the recipient address, and these messages become last_error and logs.
"""

from __future__ import annotations

import functools
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from functions.adapters.mail.mime import build_mime
from functions.services.errors import PermanentDeliveryError, TransientDeliveryError

if TYPE_CHECKING:
    from functions.domain.mail.email import OutgoingEmail

_SES_TRANSIENT = {
    "TooManyRequestsException": "sending rate exceeded",
    "ThrottlingException": "throttled",
    "LimitExceededException": "limit exceeded",
    "ServiceUnavailable": "service unavailable",
    "InternalFailure": "internal failure",
    "InternalServerError": "internal error",
    # Paused sending (account or configuration set) is an operator's reversible decision and
    # the message itself is fine: retrying within the queue's attempts delivers it once sending
    # resumes instead of failing every email written during the pause.
    "SendingPausedException": "sending paused",
}
_SES_PERMANENT = {
    "MessageRejected": "message rejected",
    "MailFromDomainNotVerifiedException": "MAIL FROM domain not verified",
    "AccountSuspendedException": "account suspended",
    "BadRequestException": "bad request",
    "NotFoundException": "configuration set or identity not found",
}


@functools.cache
def ses_client(region: str):
    """A boto3 SES v2 client, built on first use (boto3 costs a cold start about 225 ms)."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5, read_timeout=15, retries={"mode": "standard", "max_attempts": 3}
    )
    return boto3.session.Session().client("sesv2", region_name=region, config=config)


class SesTransport:
    """MailTransport over Amazon SES v2 SendEmail with raw MIME content."""

    def __init__(self, client, configuration_set: str | None = None):
        self._client = client
        self._configuration_set = configuration_set

    def send(self, email: OutgoingEmail) -> str:
        from botocore.exceptions import (
            ClientError,
            ConnectionError,
            HTTPClientError,
            NoCredentialsError,
        )

        request = {
            "FromEmailAddress": formataddr(parseaddr(email.sender)),
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Raw": {"Data": build_mime(email).as_bytes()}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            return self._client.send_email(**request)["MessageId"]
        except ClientError as error:
            raise _ses_error(error) from None
        except (ConnectionError, HTTPClientError) as error:  # connect/read timeouts, resets
            raise TransientDeliveryError(f"SES {type(error).__name__}: no answer") from None
        except NoCredentialsError:
            # Configuration, not the message: keep it queued while someone fixes the secret.
            raise TransientDeliveryError("SES NoCredentials: no AWS credentials") from None


def _ses_error(error) -> Exception:
    code = error.response.get("Error", {}).get("Code", "Unknown")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in _SES_TRANSIENT:
        return TransientDeliveryError(f"SES {code}: {_SES_TRANSIENT[code]}")
    if code in _SES_PERMANENT:
        return PermanentDeliveryError(f"SES {code}: {_SES_PERMANENT[code]}")
    # An unknown code: the HTTP status says whose side it is on.
    if status >= 500 or status == 429:
        return TransientDeliveryError(f"SES {code}: HTTP {status}")
    return PermanentDeliveryError(f"SES {code}: HTTP {status}")
