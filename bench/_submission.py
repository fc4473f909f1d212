"""The submission the benchmarks send: every field a parent can fill, nothing hostile."""

from functions.domain.shared.consent import CURRENT_CONSENT_VERSION

SUBMISSION = {
    "centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
    "description": "The gate latch is broken", "urgent": False, "anonymous": False,
    "reporter": {"name": "Bench Parent", "email": "bench@example.org", "phone": "082 123 4567",
                 "role": "parent", "preferred_language": "en"},
    "consent": {"given": True, "version": CURRENT_CONSENT_VERSION},
    "child": {"first_name": "T", "age_group": "toddler"},
}  # fmt: skip
