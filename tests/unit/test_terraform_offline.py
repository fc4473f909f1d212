"""infra/terraform checked offline: it parses, `terraform fmt -check` passes, and so does checkov.

Nothing here reaches a network or a cloud project. `terraform fmt` reads the files alone (no
`init`, no providers; CHECKPOINT_DISABLE turns off its version check). checkov parses the HCL
itself, and `--skip-download` with no API key keeps it from every server (where this machine
can, it runs in a network namespace of its own, with no network at all, to prove it).

A check that does not apply is skipped in place, in the .tf file, with its reason:
`#checkov:skip=CKV_GCP_62:why` inside the resource. Never on the command line or in a
configuration file, where a skip would hide from whoever reads the resource.

checkov pins boto3 and packaging to versions requirements.txt cannot use, so it lives in a
virtualenv of its own, .venv-checkov, built here from requirements-checkov.txt the first time
(PyPI, about 40 s) and again whenever that file changes. Its run takes about 5 s.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "infra" / "terraform"
CHECKOV_REQUIREMENTS = ROOT / "requirements-checkov.txt"
CHECKOV_VENV = ROOT / ".venv-checkov"

# Building the virtualenv the first time takes longer than the suite's default timeout.
pytestmark = pytest.mark.timeout(900)

SKIP_COMMENT = re.compile(r"#\s*checkov:skip=(?P<check>[^:\s]+)(?::(?P<reason>.*))?")


def _offline_env() -> dict[str, str]:
    env = dict(os.environ)
    env["CHECKPOINT_DISABLE"] = "1"  # terraform: no version check against HashiCorp
    env["BC_SKIP_MAPPING"] = "TRUE"  # checkov: no guideline mapping download
    # The machine's TF_CLI_CONFIG_FILE may name a file that is not there (a warning each run).
    env.pop("TF_CLI_CONFIG_FILE", None)
    return env


# --- terraform fmt --------------------------------------------------------------------------


def _terraform() -> str:
    found = os.environ.get("TERRAFORM") or shutil.which("terraform")
    if not found:
        # HashiCorp ships Terraform neither on PyPI nor in Debian, and tests download nothing
        # but from PyPI: without the binary on PATH (as on the project's machines and CI,
        # /usr/local/bin/terraform) the formatting is not checked; checkov still parses.
        pytest.skip("terraform is not on PATH (set TERRAFORM=/path/to/terraform to check fmt)")
    return found


def test_terraform_files_are_formatted():
    result = subprocess.run(
        [_terraform(), f"-chdir={TERRAFORM}", "fmt", "-check", "-diff", "-recursive"],
        capture_output=True, text=True, env=_offline_env(), timeout=120,
    )  # fmt: skip
    # Exit 3: files to reformat (listed, with the diff); 2 and others: a file does not parse.
    assert result.returncode == 0, (
        f"`terraform fmt -check` failed ({result.returncode}); run "
        f"`terraform -chdir=infra/terraform fmt`:\n{result.stdout}\n{result.stderr}"
    )


# --- checkov --------------------------------------------------------------------------------


def _checkov() -> Path:
    """checkov in .venv-checkov, installed from requirements-checkov.txt if it is not yet."""
    checkov = CHECKOV_VENV / "bin" / "checkov"
    digest = hashlib.sha256(CHECKOV_REQUIREMENTS.read_bytes()).hexdigest()[:16]
    stamp = CHECKOV_VENV / f".installed-{digest}"
    if stamp.exists() and checkov.exists():
        return checkov
    CHECKOV_VENV.mkdir(exist_ok=True)
    # Another pytest in the same checkout (make test beside a single test) waits its turn.
    with open(CHECKOV_VENV / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and checkov.exists()):
            for old in CHECKOV_VENV.glob(".installed-*"):
                old.unlink()
            python = CHECKOV_VENV / "bin" / "python"
            if not python.exists():
                base = getattr(sys, "_base_executable", sys.executable)
                subprocess.run([base, "-m", "venv", str(CHECKOV_VENV)], check=True, timeout=300)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "-r", str(CHECKOV_REQUIREMENTS)],
                check=True, timeout=840,
            )  # fmt: skip
            stamp.touch()
    return checkov


def _without_network(command: list[str]) -> list[str]:
    """The command in a network namespace of its own where this machine allows one."""
    unshare = shutil.which("unshare")
    if unshare:
        probe = subprocess.run([unshare, "--net", "true"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [unshare, "--net", *command]
    return command


@pytest.fixture(scope="module")
def checkov_report() -> dict:
    """One checkov run over infra/terraform (every check of the terraform framework)."""
    command = [
        str(_checkov()), "--directory", str(TERRAFORM), "--framework", "terraform",
        "--skip-download", "--download-external-modules", "false", "--compact",
        "--output", "json",
    ]  # fmt: skip
    result = subprocess.run(
        _without_network(command), capture_output=True, text=True, env=_offline_env(),
        cwd=ROOT, timeout=600,
    )  # fmt: skip
    # Exit 1 means failed checks, which the tests below report one by one.
    assert result.returncode in (0, 1), f"checkov could not run:\n{result.stderr[-4000:]}"
    report = json.loads(result.stdout)
    # One framework: a dict (a list when checkov reports several).
    (report,) = report if isinstance(report, list) else [report]
    return report


def test_checkov_parses_every_file(checkov_report):
    summary = checkov_report["summary"]
    assert summary["parsing_errors"] == 0, checkov_report["results"].get("parsing_errors")
    assert summary["resource_count"] > 0, "checkov found no resource in infra/terraform"
    assert summary["passed"] > 0


def test_checkov_finds_no_failed_check(checkov_report):
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path'].lstrip('/')}:"
        f"{c['file_line_range'][0]}): {c['check_name']}"
        for c in checkov_report["results"].get("failed_checks", [])
    ]
    assert not failed, (
        "checkov: fix the resource, or if the check truly does not apply, skip it inside the "
        "resource with `#checkov:skip=CKV_...:the reason`:\n" + "\n".join(failed)
    )


def test_every_skipped_check_is_justified_in_place(checkov_report):
    for check in checkov_report["results"].get("skipped_checks", []):
        reason = (check["check_result"].get("suppress_comment") or "").strip()
        where = f"{check['check_id']} on {check['resource']}"
        assert len(reason) >= 40, f"{where}: say why it does not apply ({reason!r})"


def test_skip_comments_name_a_check_and_give_a_reason(checkov_report):
    # Also the skips checkov did not apply (a typo in the id silently skips nothing).
    comments = [
        (tf.name, number, match)
        for tf in sorted(TERRAFORM.rglob("*.tf"))
        for number, line in enumerate(tf.read_text().splitlines(), 1)
        if (match := SKIP_COMMENT.search(line))
    ]
    for name, number, match in comments:
        assert re.fullmatch(r"CKV2?_[A-Z0-9]+_[0-9]+", match["check"]), f"{name}:{number}"
        assert len((match["reason"] or "").strip()) >= 40, f"{name}:{number}: no real reason"
    skipped = {c["check_id"] for c in checkov_report["results"].get("skipped_checks", [])}
    stale = {match["check"] for _, _, match in comments} - skipped
    assert not stale, f"skip comments that skip nothing (a wrong id, or fixed since): {stale}"


def test_checks_are_skipped_only_in_the_tf_files():
    # A skip in a configuration file applies everywhere, unseen by whoever reads a resource.
    for folder in (ROOT, ROOT / "infra", TERRAFORM):
        for config in (".checkov.yaml", ".checkov.yml"):
            assert not (folder / config).exists(), folder / config
