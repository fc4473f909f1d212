"""Adapters to the outside world. Only this package touches Firestore, Cloud Tasks or mail."""
