"""Deployed entry points. Each name is one Cloud Function; nothing else lives here.

This is the one list: infra/terraform/functions.tf and cloudbuild.yaml deploy exactly the
names in __all__ but LOCAL_ONLY (tests/unit/test_infra_files.py fails when they differ), and
functions/devtools, where the local-only ones live, is never deployed.

Every deployed function imports this module, so each entry point's code is imported only
when that entry point is looked up (PEP 562 module __getattr__): a cold start of one
function never pays for the others' modules, and heavy clients load on first use through
functions.wiring.
"""

from importlib import import_module

_ENTRY_POINTS = {
    # Parents
    "feedback_form": "functions.http.parent.feedback_form",
    "case_status": "functions.http.parent.case_status",
    "unsubscribe": "functions.http.parent.unsubscribe",
    "privacy": "functions.http.parent.privacy",
    "case_reply": "functions.http.parent.case_reply",
    "rate_case": "functions.http.parent.rate_case",
    "charter": "functions.http.parent.charter_page",  # a centre's public service charter
    # Centre staff, from the signed links in their mail (no login)
    "case_action": "functions.http.staff.case_action",
    # Administrators (a Google identity on the allow-list)
    "admin": "functions.http.admin.pages",
    "admin_api": "functions.http.admin.api",
    # Other systems
    "submit_feedback": "functions.http.api.submit_feedback",
    "intake_google_form": "functions.http.integrations.intake_google_form",
    "email_events": "functions.http.integrations.email_events",
    # Cloud Tasks and Cloud Scheduler
    "deliver_email": "functions.tasks.deliver_email",
    "sweep_outbox": "functions.jobs.sweep_outbox",
    "run_nudges": "functions.jobs.run_nudges",
    "send_digests": "functions.jobs.send_digests",
    "send_nudge": "functions.tasks.send_nudge",
    "send_digest": "functions.tasks.send_digest",
    # Monthly forums: setup (the scheduler on the 1st, or an administrator) and invitations
    "setup_monthly_forums": "functions.jobs.setup_monthly_forums",
    "invite_to_forums": "functions.tasks.invite_to_forums",
    # Monthly forums: attendance (an administrator's upload) and the post-forum survey
    "import_attendance": "functions.http.admin.forum_attendance_import",
    "forum_survey": "functions.http.parent.forum_survey",
    "run_forum_followups": "functions.jobs.run_forum_followups",
    "send_forum_surveys": "functions.tasks.send_forum_surveys",
    "compile_forum_summaries": "functions.jobs.compile_forum_summaries",  # issue 11, daily
    "forum_report": "functions.http.admin.forum_report_entry",  # issue 11, administrators
    # Monthly forums: the public list, registration (and its cancel link), reminders
    "forums": "functions.http.parent.forums",
    "forum_registration": "functions.http.parent.forum_registration",
    "send_forum_reminders": "functions.tasks.send_forum_reminders",
    "tell_forum_change": "functions.tasks.tell_forum_change",
    # The regional advisory network: an administrator runs a selection; a nominee answers
    "select_advisory_network": "functions.http.admin.select_advisory_network",
    "advisory_response": "functions.http.parent.advisory_response",
    "send_advisory_notices": "functions.tasks.send_advisory_notices",
    # Service charters: distribution (an administrator), the principal's confirmation link,
    # the reminders of those not confirmed (daily)
    "distribute_charters": "functions.http.admin.distribute_charters",
    "send_charter": "functions.tasks.send_charter",
    "confirm_charter": "functions.http.staff.confirm_charter",
    "remind_charters": "functions.jobs.remind_charters",
    # POPIA: de-identifies what has been kept long enough, keeping the figures (daily)
    "retain_records": "functions.jobs.retain_records",
    # `make run` only (404 unless LOCAL_DEV; its module is not deployed)
    "dev_mailbox": "functions.devtools.dev_mailbox",
}
LOCAL_ONLY = frozenset({"dev_mailbox"})

__all__ = list(_ENTRY_POINTS)


def __getattr__(name: str):
    if name not in _ENTRY_POINTS:
        raise AttributeError(f"module 'main' has no entry point {name!r}")
    entry_point = getattr(import_module(_ENTRY_POINTS[name]), name)
    globals()[name] = entry_point
    return entry_point


def __dir__() -> list[str]:
    return sorted(__all__)
