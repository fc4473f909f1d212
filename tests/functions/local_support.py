"""What the entry-point tests share of `make run`'s ways in: the development token that
stands for the demo network administrator under LOCAL_DEV (the `local_dev` fixture,
conftest.py), and the CSRF token every form of ours carries."""

import re

LOCAL = {"Authorization": "Bearer local-admin-token"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
