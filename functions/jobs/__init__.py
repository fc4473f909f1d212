"""Scheduled entry points: Cloud Scheduler calls them over HTTP, at least once."""
