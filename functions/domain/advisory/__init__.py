"""The regional advisory network: its seeded, explainable selection."""
