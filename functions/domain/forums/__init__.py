"""The monthly digital forums: forums, registrations, attendance and the post-forum survey."""
