"""POPIA: the retention of personal information, and a person's export and erasure."""
