"""Cases: their records, how one is opened, references, service levels, intake rules."""
