"""The Digital Customer Service Charter (issue 12): building, distributing, confirming."""
