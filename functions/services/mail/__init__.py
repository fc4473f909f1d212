"""Mail: delivering outbox messages and recovering lost ones."""
