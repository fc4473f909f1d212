"""ECD customer-service backend: Google Cloud HTTP functions over Firestore."""
