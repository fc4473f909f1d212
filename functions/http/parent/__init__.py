"""Pages parents use: the feedback form, the case status page, unsubscribe."""
