"""Amazon: SNS message verification and SES event formats."""
