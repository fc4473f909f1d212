"""Use cases on existing cases."""
