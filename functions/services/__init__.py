"""Use cases. Each receives its adapters as arguments; none builds a client itself."""
