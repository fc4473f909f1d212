"""Cold start: importing main must not load the heavy client libraries."""

import subprocess
import sys
from pathlib import Path

HEAVY = ("google.cloud.firestore", "google.cloud.tasks_v2", "boto3", "botocore")


def test_importing_main_loads_no_heavy_client():
    script = (
        "import sys, main; [getattr(main, n) for n in main.__all__]; print('\\n'.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    loaded = [m for m in out if m.startswith(HEAVY)]
    assert loaded == []
    assert "main" in out
