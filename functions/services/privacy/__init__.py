"""POPIA: the retention of personal information (export and erasure are still to come)."""
