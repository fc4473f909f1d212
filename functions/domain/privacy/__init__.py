"""POPIA: what the network keeps of a person, and for how long (retention; export and erasure
are still to come)."""
