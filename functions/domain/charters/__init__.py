"""Each centre's Digital Customer Service Charter (issue 12): what it promises parents
(content.py), which version each centre displays (records.py), and the administrator's local
commitments (commitments.py)."""
