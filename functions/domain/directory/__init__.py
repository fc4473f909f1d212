"""The network's directory: regions, centres and the people who receive mail about cases."""
