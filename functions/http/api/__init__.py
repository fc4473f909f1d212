"""The JSON API behind the network's own forms."""
