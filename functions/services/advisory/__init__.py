"""The regional advisory network: running a selection and its accept/decline answers."""
