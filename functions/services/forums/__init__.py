"""Use cases of the monthly digital forums: setting up, registering, reminding, attendance."""
