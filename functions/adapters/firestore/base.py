"""Firestore: the name of every collection, and the helpers every repository shares.

The only module that names collections; the repositories beside it build on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from functions.services.errors import StorageUnavailable

REGIONS = "regions"
CENTRES = "centres"
CASES = "cases"
EVENTS = "events"  # sub-collection of a case: its append-only history
INTAKE_KEYS = "intake_keys"
FORM_MAPPINGS = "form_mappings"
OUTBOX = "outbox"
SUPPRESSIONS = "suppressions"  # keyed by a hash of the address: no address is stored
# Acknowledgements each address was sent within the hour (the cap), by address hash, with a TTL
ACKNOWLEDGEMENT_TALLIES = "acknowledgement_tallies"
ADMINISTRATORS = "administrators"  # the allow-list: id = person key of the address
# Where each active administrator is mailed (address, name, scope; id = person key), copied
# from the allow-list whenever it is written: the mail of flows that may not read the
# administrators' database (a forum's places running low, forum summaries) is sent to them
ADMINISTRATOR_CONTACTS = "administrator_contacts"
SETTINGS = "settings"  # network-wide settings: the service-level policy
ONCE = "once"  # keys of things done once (a used link, a digest sent): hashed, with a TTL
# A centre's figures of a day for its region's digest, id "<centre_id>:<date>", with a TTL
DIGEST_SUMMARIES = "digest_summaries"
# The monthly forums: a forum, and each person's registration for it (id: forum + person)
FORUMS = "forums"
FORUM_REGISTRATIONS = "forum_registrations"
# A month's forum invitations: the month's record, the batches of recipients, one invitation
# per person and month (id: month + address hash), batches and invitations with a TTL
FORUM_MONTHS = "forum_months"
FORUM_INVITATION_BATCHES = "forum_invitation_batches"
FORUM_INVITATIONS = "forum_invitations"
# Who attended a forum (id: forum + person) and their survey answers (id: the attendee's)
FORUM_ATTENDANCE = "forum_attendance"
FORUM_SURVEY_RESPONSES = "forum_survey_responses"
# Compiled forum summaries (id: scope and month, or the forum), each version kept in the
# sub-collection (functions/adapters/firestore/forum_summaries.py)
FORUM_SUMMARIES = "forum_summaries"
SUMMARY_VERSIONS = "versions"
# A regional advisory network selection: inputs, seed, rules, order and answers (id: a hash
# of region, period, seats and seed, so the same selection is run once)
ADVISORY_SELECTIONS = "advisory_selections"
# Action points agreed after a month's forums, with owners and due dates (id: random)
ACTION_POINTS = "action_points"
# Running counts kept in the commit of each record they count (adapters/firestore/tallies.py):
# a centre's cases of a month (id: month and a hash of centre and region), a forum's
# registrations and attendance by role (id: the forum's)
CASE_TALLIES = "case_tallies"
FORUM_TALLIES = "forum_tallies"
# A centre's local commitments on its charter (id: the centre's)
CHARTER_COMMITMENTS = "charter_commitments"
# Each centre's charter: the version sent, to whom, its confirmation, reminders (id: centre's)
CHARTERS = "charters"
# The retention job's place in each kind of record it de-identifies (adapters/firestore/
# retention.py): one document per kind, holding the cursor of the last record done
RETENTION = "retention"
# That an erasure of a person's records was done (adapters/firestore/person_erasure.py): when,
# by which administrator (key), and counts only; nothing of the person (id: random)
PRIVACY_ERASURES = "privacy_erasures"

# The administrators' own data, in a Firestore database of its own (FIRESTORE_ADMIN_DATABASE):
# IAM grants on whole databases, so only there can it keep an account out: no account but
# the administrators' has a grant on it (infra/terraform/iam.tf). Nothing in it shares a
# commit with the main database (a commit is within one database): the allow-list and the
# erasure log are written alone, an action point in a unit of its own.
ADMIN_COLLECTIONS = frozenset({ADMINISTRATORS, ACTION_POINTS, PRIVACY_ERASURES})

# Each query this module issues, as (collection, filtered fields, ordered fields). A test checks
# that every shape needing a composite index is declared in infra/firestore.indexes.json.
QUERY_SHAPES: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn Firestore's transient failures into StorageUnavailable (the caller answers 503)."""
    from google.api_core import exceptions

    try:
        yield
    except (
        exceptions.ServiceUnavailable,
        exceptions.DeadlineExceeded,
        exceptions.InternalServerError,
        exceptions.TooManyRequests,
        exceptions.Aborted,
        exceptions.Unknown,
        exceptions.RetryError,
    ) as error:
        raise StorageUnavailable(type(error).__name__) from error


def query(collection, shape_name: str, filters: dict[str, Any], order_by: tuple[str, ...] = (),
          ranges: dict[str, tuple[str, Any]] | None = None):  # fmt: skip
    """`filters`: field == value; `ranges`: field → (operator, value), e.g. ("<=", now)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    ranges = ranges or {}
    QUERY_SHAPES.add((shape_name, tuple(sorted(filters)) + tuple(sorted(ranges)), order_by))
    query = collection
    for field, value in filters.items():
        query = query.where(filter=FieldFilter(field, "==", value))
    for field, (operator, value) in ranges.items():
        query = query.where(filter=FieldFilter(field, operator, value))
    for field in order_by:
        query = query.order_by(field)
    return query


def dump(model) -> dict[str, Any]:
    # Enums go in as plain strings; datetimes stay datetimes so they can be queried.
    return model.model_dump(mode="python")


_RESERVED_ID = re.compile(r"^(\.\.?|__.*__)$")


def valid_id(doc_id: str) -> bool:
    """Whether a caller-supplied id can name a document (never a path or a reserved name)."""
    return (
        bool(doc_id)
        and "/" not in doc_id
        and not _RESERVED_ID.match(doc_id)
        and len(doc_id.encode()) <= 1500
    )


class Databases:
    """The main database's client and the administrators' (the same one where a test gives
    only one): each collection is found in its own."""

    def __init__(self, client, admin_client=None):
        self._db = client
        self._admin_db = client if admin_client is None else admin_client

    def database_of(self, collection: str):
        """The client of the database holding `collection` (a top-level collection's name)."""
        return self._admin_db if collection in ADMIN_COLLECTIONS else self._db

    def collection(self, name: str):
        return self.database_of(name).collection(name)

    def document(self, path: str):
        """The document at `path` ("collection/id[/sub/id...]"), in its database."""
        return self.database_of(path.split("/", 1)[0]).document(path)


class FirestoreAdapter(Databases):
    def __init__(self, client, timeout: float = 10.0, admin_client=None):
        super().__init__(client, admin_client)
        # Bounds each call, retries included, so an outage answers 503 instead of hanging
        # (the library's default retry keeps trying for minutes).
        self._t = call_options(timeout)


def call_options(deadline: float) -> dict[str, Any]:
    """Firestore call options: transient errors are retried with backoff, and the call with
    its retries ends after `deadline` seconds (api_core gives each attempt what is left)."""
    from google.api_core.retry import Retry, if_transient_error

    retry = Retry(predicate=if_transient_error, initial=0.1, maximum=2.0, timeout=deadline)
    return {"timeout": deadline, "retry": retry}
