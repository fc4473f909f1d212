"""The administrators' own data (the allow-list, action points, the erasure log) is kept in a
Firestore database of its own, FIRESTORE_ADMIN_DATABASE, because IAM grants on databases and
never on collections: the parents' intake account, and the staff, task and mail accounts,
have no grant on it (infra/terraform/iam.tf).

Here that database answers those accounts' entry points as IAM would, PermissionDenied on
every call, and their flows still work end to end, from a parent's submission through the
mail to the centre's action on the case: nothing they do reaches it. And the administrators'
own flows keep their data there, never in the main database the others can read."""

from __future__ import annotations

import re

import pytest

from functions import wiring
from functions.adapters.firestore.base import ADMIN_COLLECTIONS
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from tests.builders import delivery, post, submission
from tests.functions.local_support import CSRF, LOCAL
from tests.functions.test_feedback_form import csrf_token, filled

PRINCIPAL = "principal@sunflower.example.org"


class _NoGrant:
    """The administrators' database as an account without a grant on it meets it: IAM
    refuses every call. Each attempt is kept, in case something swallowed the refusal."""

    def __init__(self):
        self.attempts: list[str] = []

    def __getattr__(self, name: str):
        from google.api_core.exceptions import PermissionDenied

        self.attempts.append(name)
        raise PermissionDenied("Missing or insufficient permissions.")


@pytest.fixture
def no_grant(project, monkeypatch) -> _NoGrant:
    """Every adapter built from now on meets a refusing administrators' database."""
    denied = _NoGrant()
    monkeypatch.setattr(wiring, "admin_firestore_client", lambda: denied)
    wiring.reset()
    yield denied
    wiring.reset()


def _deliver_all(client_for, tasks) -> int:
    deliver, sent = client_for("deliver_email"), 0
    for body in tasks.take():
        answer = deliver.post("/", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        sent += len(body["messages"])
    return sent


def test_a_parents_case_reaches_the_centre_and_is_acted_on_without_the_admin_database(
    client_for, tasks, no_grant
):
    # The web form, as a parent's phone sends it: the page, then the post with its token.
    form = client_for("feedback_form")
    token = csrf_token(form.get("/").get_data(as_text=True))
    sent = form.post("/", data=filled(token, **{"reporter.email": "zodwa@example.org"}))
    assert sent.status_code == 303, sent.get_data(as_text=True)
    # The JSON API: an urgent case (a child may be at risk), delivered twice.
    api = client_for("submit_feedback")
    urgent = submission(centre_id="sunflower-soweto", kind="complaint",
                        category="child_wellbeing_and_safety", urgent=True,
                        description="A child was left alone at the gate",
                        reporter={"email": "parent@example.org"})  # fmt: skip
    first = api.post("/", json=urgent, headers={"Idempotency-Key": "k-urgent-1"})
    again = api.post("/", json=urgent, headers={"Idempotency-Key": "k-urgent-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["reference"] == first.get_json()["reference"]
    # The Google Form, signed as the Apps Script signs, delivered twice.
    google = client_for("intake_google_form")
    assert post(google, delivery("resp-apart")).status_code == 201
    assert post(google, delivery("resp-apart")).status_code == 200
    assert sum(1 for _ in wiring.firestore_client().collection("cases").stream()) == 3
    # The mail: acknowledgements, the centre's alerts and the urgent escalation.
    assert _deliver_all(client_for, tasks) >= 6
    mail = LocalMailbox(get_settings().local_mailbox_dir).list()
    to_principal = [m for m in mail if m.to == PRINCIPAL and m.subject.startswith("URGENT")]
    assert to_principal, [(m.to, m.subject, m.text[:300]) for m in mail if "sunflower" in m.to]
    # The centre acts on the case from the link in its mail.
    link = re.search(r"Acknowledge: (\S+)", to_principal[0].text).group(1)
    page, token = client_for("case_action"), link.split("token=", 1)[1]
    opened = page.get(f"/?token={token}")
    assert opened.status_code == 200
    done = page.post(
        f"/?token={token}",
        data={"csrf_token": CSRF.search(opened.get_data(as_text=True)).group(1)},
    )
    assert done.status_code == 303, done.get_data(as_text=True)  # fmt: skip
    # The parent's status page, from the answer's link.
    status_query = first.get_json()["status_url"].split("?", 1)[1]
    status = client_for("case_status").get(f"/?{status_query}")
    assert status.status_code == 200 and "Being looked into" in status.get_data(as_text=True)
    _deliver_all(client_for, tasks)  # the acknowledgement's mail to the parent
    assert no_grant.attempts == []


def test_the_administrators_data_is_kept_in_their_database_alone(client_for, local_dev):
    api = client_for("admin_api")
    point = {
        "text": "Phone every parent back within a day.",
        "owner_name": "Thandiwe Mokoena",
        "owner_email": "thandiwe@example.org",
        "due": "2025-04-09",
        "month": "2025-03",
    }
    assert api.post("/action_points/add", json=point, headers=LOCAL).status_code == 201
    erased = api.post("/privacy/erase", json={"who": "nobody@example.org", "confirm": True},
                      headers=LOCAL)  # fmt: skip
    assert erased.status_code == 200, erased.get_json()
    main = {c.id for c in wiring.firestore_client().collections()}
    admin = {c.id for c in wiring.admin_firestore_client().collections()}
    assert admin == ADMIN_COLLECTIONS, admin
    assert not main & ADMIN_COLLECTIONS and {"regions", "centres"} <= main
    assert wiring.administrators().get(get_settings().local_admin_email) is not None
    # The unit of work refuses work that would write to both: one commit is one database.
    (stored,) = wiring.action_points().action_points(None, "2025-03")

    def both(uow):
        uow.action_points.save(stored.model_copy(update={"text": "Changed"}))
        uow.once.add("apart", stored.created_at, stored.created_at)

    with pytest.raises(RuntimeError, match="two databases"):
        wiring.transactions().run(lambda uow: (uow.action_points.get(stored.point_id), both(uow)))
    assert wiring.action_points().action_points(None, "2025-03")[0].text == point["text"]


def test_a_google_form_registration_tells_the_administrators_without_their_database(
    client_for, no_grant
):
    """A registration form comes through the intake too: the forum's last place taken, its
    administrators are told, from the copy of their addresses in the main database."""
    from tests.forum_builders import forum, store
    from tests.functions.test_forum_google_form import FORM, answers
    from tests.functions.test_forum_google_form import delivery as registration

    last_place = forum(capacity=1)  # a network-wide forum: the network's administrators
    store(wiring.dependencies(), last_place)
    body = registration("resp-last-place", answers(last_place.forum_id), FORM)
    answer = post(client_for("intake_google_form"), body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    outbox = [d.to_dict() for d in wiring.firestore_client().collection("outbox").stream()]
    alerted = {m["to"] for m in outbox if m["template"] == "forum_capacity_alert"}
    assert alerted == {get_settings().local_admin_email}
    assert no_grant.attempts == []


def test_the_copy_of_the_administrators_addresses_follows_the_allow_list(project):
    from functions.domain.directory.administrators import Administrator

    store = wiring.administrators()
    listed = {a.email for a in store.list() if a.active}
    assert {a.email for a in store.contacts()} == listed
    store.save(Administrator(email="Nomsa@ecd.example.org", name="Nomsa", region_id="gauteng"))
    assert "Nomsa@ecd.example.org" in {a.email for a in store.contacts()}
    store.save(Administrator(email="Nomsa@ecd.example.org", name="Nomsa", active=False))
    store.save(Administrator(email=get_settings().local_admin_email, name="Moved",
                             region_id="gauteng"))  # fmt: skip
    contacts = {a.email: a for a in store.contacts()}
    assert "Nomsa@ecd.example.org" not in contacts
    assert contacts[get_settings().local_admin_email].region_id == "gauteng"
    # Only what mail needs, and nobody's but the listed administrators'.
    copied = wiring.firestore_client().collection("administrator_contacts").stream()
    assert all(set(doc.to_dict()) <= {"email", "name", "region_id", "active"} for doc in copied)


def test_the_jobs_run_without_the_admin_database(client_for, local_dev, no_grant):
    """The scheduled jobs' account has no grant there either: the forum summaries are mailed
    to the administrators from the copy of their addresses."""
    from urllib.parse import quote

    from functions.devtools.demo_forums import seed_demo_forums

    seed_demo_forums(wiring.firestore_client(),
                     [c.centre_id for c in wiring.centre_directory().list_centres()])  # fmt: skip
    after = quote("2025-04-05T04:00:00+00:00", safe="")
    compiled = client_for("compile_forum_summaries").post(f"/?now={after}")
    assert compiled.status_code == 200, compiled.get_data(as_text=True)
    assert compiled.get_json()["sent"] >= 1, compiled.get_json()
    for job in ("run_nudges", "send_digests", "run_forum_followups", "remind_charters",
                "retain_records", "sweep_outbox"):  # fmt: skip
        answer = client_for(job).post("/")
        assert answer.status_code in (200, 204), (job, answer.get_data(as_text=True))
    assert no_grant.attempts == []


ZANELE = "zanele.admin@ecd.example.org"
ADD_ZANELE = f"kind,name,region,email,active\nadministrator,Zanele,,{ZANELE},yes\n"


def test_a_copy_that_failed_is_made_by_the_retry(client_for, local_dev, monkeypatch):
    """The allow-list is written, its copy is not (503): the administrator sends the import
    again, which finds nothing left to change on the list, and makes the copy."""
    from functions.adapters.firestore.administrators import FirestoreAdministrators
    from functions.services.errors import StorageUnavailable

    api, real, calls = client_for("admin_api"), FirestoreAdministrators.publish_contacts, []

    def fails_once(self):
        calls.append(1)
        if len(calls) == 2:
            raise StorageUnavailable("DeadlineExceeded")
        return real(self)

    monkeypatch.setattr(FirestoreAdministrators, "publish_contacts", fails_once)
    added = {"csv": ADD_ZANELE, "apply": True, "full": False}
    assert api.post("/directory/import", json=added, headers=LOCAL).status_code == 200
    gone = added | {"csv": ADD_ZANELE.replace(",yes", ",no")}
    assert api.post("/directory/import", json=gone, headers=LOCAL).status_code == 503
    assert ZANELE in {a.email for a in wiring.administrators().contacts()}  # not yet
    again = api.post("/directory/import", json=gone, headers=LOCAL)
    assert again.status_code == 200, again.get_json()
    assert wiring.administrators().get(ZANELE) is None
    assert ZANELE not in {a.email for a in wiring.administrators().contacts()}


def test_a_copy_made_of_a_list_read_before_another_writer_is_made_again(project):
    """Writer A reads the allow-list; writer B deactivates someone and copies; A's copy then
    lands with what A read. A reads the list again after writing and copies what is now."""
    from functions.adapters.firestore.administrators import FirestoreAdministrators
    from functions.domain.directory.administrators import Administrator

    store = wiring.administrators()
    leaving = Administrator(email="leaving.admin@ecd.example.org", name="Leaving")
    store.save(leaving)
    read_by_a = store.list()
    store.save(leaving.model_copy(update={"active": False}))  # B
    writer_a = FirestoreAdministrators(wiring.firestore_client(), 10.0,
                                       wiring.admin_firestore_client())  # fmt: skip
    lists = [read_by_a]
    writer_a.list = lambda: lists.pop() if lists else store.list()
    writer_a.publish_contacts()
    assert leaving.email not in {a.email for a in store.contacts()}
