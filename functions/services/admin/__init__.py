"""The administrators' use cases: the state of their scope (home.py), and the cases waiting
for triage and their placing at a centre (triage.py). Every one takes the calling
administrator (functions/domain/directory/administrators.py) and keeps to their scope: the
whole network, or one region (scope.py)."""
