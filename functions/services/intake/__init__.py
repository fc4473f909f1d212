"""Intake: a submission or a form response becomes a case, once."""
