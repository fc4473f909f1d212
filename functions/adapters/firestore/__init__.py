"""Firestore: the collections and the repositories over them."""
