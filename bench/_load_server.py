"""What bench/load.py serves: every entry point of main.py on one port (as `make run` mounts
them, functions/devtools/serve.py), under the gunicorn settings functions-framework itself
runs a deployed function with (one worker, THREADS threads: 4 per CPU by default).

    python bench/_load_server.py PORT

A helper, not a benchmark (`make bench` skips bench/_*.py). The environment (emulators,
project, mail transport) is the caller's.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def main(port: int) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    from functions_framework._http.gunicorn import GunicornApplication

    from functions.devtools.serve import build_dev_app

    app = build_dev_app(str(REPO_ROOT / "main.py"))
    GunicornApplication(app, "127.0.0.1", port, debug=False).run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
