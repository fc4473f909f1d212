"""Settings, read once from the environment through get_settings().

A plain pydantic model filled from os.environ: every field is the lower-case name of an
environment variable (GOOGLE_CLOUD_PROJECT → google_cloud_project). pydantic-settings would
do the same but costs a cold start ~30 ms of imports.
"""

from __future__ import annotations

import functools
import json
import os

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

LOCAL_INTAKE_SECRET = "local-intake-secret"
LOCAL_SIGNING_SECRET = "local-signing-secret"


class Settings(BaseModel):
    """Deployment settings. Every field maps to an upper-case environment variable."""

    model_config = ConfigDict(frozen=True)

    google_cloud_project: str = "demo-ecd-local"
    # Who parents deal with, as every page, email and the privacy notice name them.
    network_name: str = "SayPro ECD Network"
    network_contact_email: str = "info@ecd.example.org"  # read by a person: replies go here
    network_contact_phone: str = "010 500 0100"
    # POPIA's information officer: whom to ask to see, correct or delete personal information.
    information_officer: str = "The Information Officer"
    information_officer_email: str = "privacy@ecd.example.org"
    # Where links in pages and emails point: the Cloud Functions base URL in production.
    public_base_url: str = "http://127.0.0.1:8080"
    # Shared with the Google Forms Apps Script; signs what it posts to intake_google_form.
    intake_secret: SecretStr = SecretStr(LOCAL_INTAKE_SECRET)
    # Sign what this service hands out (status and unsubscribe links, form tokens): a JSON
    # list or comma-separated, oldest first. The newest signs; all verify, so adding a key
    # breaks no link already sent. SIGNING_SECRET (one key) is read when this is unset.
    signing_secrets: SecretStr | None = None
    signing_secret: SecretStr = SecretStr(LOCAL_SIGNING_SECRET)
    signature_tolerance_seconds: int = 300
    max_body_bytes: int = 64 * 1024
    # A Google Form response is never refused for its content, so a long answer must fit:
    # well under Firestore's 1 MiB document limit, well over any form a parent fills in.
    max_form_response_bytes: int = 512 * 1024
    form_token_max_age_seconds: int = 4 * 60 * 60
    # The flood limit on the feedback form's POST and submit_feedback (functions/http/
    # flood_limit.py, README "Floods"): each client address may send FLOOD_LIMIT_SUBMISSIONS
    # at once, then FLOOD_LIMIT_SUBMISSIONS per FLOOD_LIMIT_WINDOW_SECONDS (by default 60 at
    # once, then one a minute), counted in each instance's memory. 0 turns the limit off.
    flood_limit_submissions: int = Field(default=60, ge=0)
    flood_limit_window_seconds: float = Field(default=3600.0, gt=0)
    # Entries of X-Forwarded-For to pass over from the right to reach the client's address:
    # 0 on the functions' own URLs (Google's front end appends the address it saw); 1 behind
    # an external Application Load Balancer (it appends its own address after the client's).
    forwarded_for_skip: int = Field(default=0, ge=0)
    # The Firestore database of the administrators' own data (the allow-list, action points,
    # the erasure log: ADMIN_COLLECTIONS in functions/adapters/firestore/base.py). A database of
    # its own because IAM grants on databases, not collections: the parents' intake account
    # has no grant on it (infra/terraform/iam.tf). Everything else is in "(default)", where
    # `make run` keeps this too (functions/devtools/run.py).
    firestore_admin_database: str = Field(
        default="ecd-admin", pattern=r"^([a-z][a-z0-9-]{2,61}[a-z0-9]|\(default\))$"
    )
    # Longest a request waits on Firestore (retries included) before answering 503.
    firestore_timeout_seconds: float = 10.0
    # How long an instance keeps a centre or region it read (0: read every time).
    directory_cache_seconds: float = 60.0
    # Longest deliver_email keeps trying to record that a message was sent: losing that write
    # would send it again. Within deliver_email's function timeout (infra/terraform), which is
    # within the sending lease (functions/domain/mail/outbox.py).
    sent_record_timeout_seconds: float = 45.0
    # Origins of the network's own web forms allowed to call the JSON API from a browser:
    # a JSON list or comma-separated.
    allowed_origins: list[str] = Field(default_factory=list)
    # True only under `make run`: enables the local-only entry points.
    local_dev: bool = False
    # Under LOCAL_DEV only: `Authorization: Bearer <this>` (or the admin pages' local sign-in)
    # stands for the demo network administrator, LOCAL_ADMIN_EMAIL.
    local_admin_token: SecretStr = SecretStr("local-admin-token")
    local_admin_email: str = "admin@ecd.example.org"
    # Google-signed ID tokens: where Google publishes its signing certificates, the audiences
    # an administrator's token may carry (the OAuth client id of the admin sign-in, and of
    # any tool that calls the admin API), and the service accounts of the scheduler (whose
    # tokens carry the called function's URL as audience; the tasks one is below).
    google_certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"
    google_oauth_client_id: str | None = None
    admin_audiences: list[str] = Field(default_factory=list)
    scheduler_invoker_email: str | None = None
    # True where the job and task functions are deployed private (Terraform, cloudbuild):
    # Cloud Run then verifies their callers' tokens and removes the signature before the
    # function sees them, so they check the account, audience and expiry that are left.
    # Never true where anyone may call a job or task function (adapters/google_oidc.py).
    cloud_run_invoker_check: bool = False

    # Mail: "ses" (Amazon SES v2), "smtp" (STARTTLS) or "local" (the dev_mailbox sink).
    mail_transport: str = "local"
    # Unset: "<network name> <no-reply@ecd.example.org>" and replies to the contact address.
    mail_from: str | None = None
    mail_reply_to: str | None = None
    ses_region: str = "af-south-1"
    ses_configuration_set: str | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = 10.0
    local_mailbox_dir: str = "build/dev_mailbox"
    # How long sent, failed or suppressed outbox records are kept (Firestore TTL).
    outbox_retention_days: int = 90
    # How long, in months, a closed case (after its last change) and a forum's registrations,
    # attendance and survey responses (after the forum ended) are kept whole before the
    # retain_records job de-identifies them, keeping the figures (README "Privacy (POPIA)").
    record_retention_months: int = Field(default=24, ge=1, le=1200)

    # Cloud Tasks: the one queue for all deferred work, and how its tasks call their handlers.
    tasks_location: str = "local"
    task_queue: str = "deferred"
    # Service account whose OIDC token Cloud Tasks attaches (unset locally: no token).
    tasks_invoker_email: str | None = None
    cloud_tasks_emulator_host: str | None = None
    # The Amazon SNS topics (SES bounces and complaints) whose messages email_events acts on.
    # Empty: none, except under `make run` — anyone can subscribe a URL to a topic of theirs.
    sns_topic_arns: list[str] = Field(default_factory=list)

    def queue_path(self, queue: str) -> str:
        return (
            f"projects/{self.google_cloud_project}/locations/{self.tasks_location}/queues/{queue}"
        )

    def signing_keys(self) -> list[bytes]:
        """The signing keys, oldest first (the last one signs)."""
        if self.signing_secrets is None:
            return [self.signing_secret.get_secret_value().encode()]
        keys = _text_list(self.signing_secrets.get_secret_value())
        return [key.strip().encode() for key in keys if key.strip()]

    @field_validator("intake_secret", "signing_secret", "signing_secrets", mode="before")
    @classmethod
    def _strip_secret(cls, value):
        # Secrets pasted with `echo` into Secret Manager carry a trailing newline.
        return value.strip() if isinstance(value, str) else value

    @field_validator("allowed_origins", "sns_topic_arns", "admin_audiences", mode="before")
    @classmethod
    def _origin_list(cls, value):
        return _text_list(value) if isinstance(value, str) else value

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        names = cls.model_fields
        return cls.model_validate(
            {key.lower(): value for key, value in environ.items() if key.lower() in names}
        )

    def sender(self) -> str:
        """The From of every email: MAIL_FROM, or the network's name at the no-reply address."""
        from email.utils import formataddr

        return self.mail_from or formataddr((self.network_name, "no-reply@ecd.example.org"))

    def reply_to(self) -> str:
        """Where a parent's reply to any email goes: a person, not the no-reply address."""
        return self.mail_reply_to or self.network_contact_email

    def url_for(self, entry_point: str) -> str:
        """The public URL of a deployed entry point (same scheme locally and on Cloud Functions)."""
        return f"{self.public_base_url.rstrip('/')}/{entry_point}"


def _text_list(text: str) -> list:
    """A setting that lists values: a JSON list, or comma-separated (blank values dropped)."""
    text = text.strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.split(",") if part.strip()]


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings.from_environment()
