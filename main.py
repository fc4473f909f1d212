"""Deployed entry points. Each name is one Cloud Function; nothing else lives here.

Importing this module must stay light (see README, "Cold start"): heavy clients load on
first use through functions.wiring.
"""

from functions.http.case_status import case_status
from functions.http.feedback_form import feedback_form
from functions.http.intake_google_form import intake_google_form
from functions.http.submit_feedback import submit_feedback

__all__ = ["feedback_form", "submit_feedback", "intake_google_form", "case_status"]
