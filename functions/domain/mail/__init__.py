"""Outgoing mail: the outbox and its states, emails, suppression and the links mail carries."""
