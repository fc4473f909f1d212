"""POPIA: what the network keeps of a person, and for how long (retention), and what an
export and an erasure of a person's records find and change (person, erasure,
summary_quotes, consents)."""
