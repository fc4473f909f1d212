"""Mail transports (SES, SMTP, the local mailbox) and MIME."""
