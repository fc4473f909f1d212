"""Cloud Tasks handlers: HTTP entry points that Cloud Tasks calls, idempotent on their own."""
