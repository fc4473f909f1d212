"""The directory's use cases: import a file (dry run, then apply), edit one centre, and hand
back the open cases of people who leave."""
