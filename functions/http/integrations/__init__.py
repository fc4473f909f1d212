"""Calls from other systems: Google Forms (Apps Script), Amazon SNS."""
