"""Pages parents use: the feedback form, the case status page, privacy and contact,
unsubscribe."""
