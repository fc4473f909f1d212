"""Local development tools: emulators, the one-process dev server and `make run`.

Never imported by `main.py` or by deployed code.
"""
