"""Pure rules and models: no I/O, no google.*, boto3 or Flask imports."""
