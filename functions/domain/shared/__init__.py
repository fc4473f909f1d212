"""Vocabulary and rules every feature shares: text, signing, contact details, consent."""
