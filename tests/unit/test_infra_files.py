"""The deployment files agree with the code and with each other.

No Terraform, gcloud or network here: the files are parsed as text, JSON and YAML. The point is
to catch drift before a deploy does: a function added to main.py but not deployed (or deployed
by one tool and not the other), a local-only entry point reaching production, a client let into
Firestore, a queue without sane retries.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import main

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
TERRAFORM = INFRA / "terraform"

# Entry points served only by `make run`; never deployed.
LOCAL_ONLY = {"dev_mailbox"}
# Queries the code issues today, as (collection group, field): none may lose its index.
QUERIED_FIELDS = {("cases", "status_token_hash"), ("events", "at"), ("centres", "active")}


def _deployable() -> set[str]:
    return set(main.__all__) - LOCAL_ONLY


def _strip_hcl_comments(text: str) -> str:
    # Good enough for our files: no "#" or "//" inside the strings these tests look at.
    return "\n".join(re.split(r"#|//", line, maxsplit=1)[0] for line in text.splitlines())


def _terraform_functions() -> dict[str, dict[str, str]]:
    """local.functions in functions.tf: name -> its settings, as raw HCL values."""
    text = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    block = re.search(r"^\s*functions\s*=\s*\{\s*\n(.*?)^\s*\}\s*$", text, re.M | re.S)
    assert block, "functions.tf has no `functions = { ... }` map"
    entries = {}
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        entry = re.fullmatch(r"\s*(\w+)\s*=\s*\{(.*)\}\s*", line)
        assert entry, f"one function per line, `name = {{ ... }}`: {line!r}"
        settings = dict(re.findall(r'(\w+)\s*=\s*("[^"]*"|[\w.-]+)', entry.group(2)))
        entries[entry.group(1)] = {key: value.strip('"') for key, value in settings.items()}
    return entries


def _cloudbuild() -> dict:
    return yaml.safe_load((ROOT / "cloudbuild.yaml").read_text())


def _script(step: dict) -> str:
    return "\n".join([*map(str, step.get("args", [])), step.get("script", "")])


def _deploy_steps() -> list[dict]:
    return [s for s in _cloudbuild()["steps"] if "functions deploy" in _script(s)]


def _cloudbuild_functions() -> dict[str, tuple[str, str, str]]:
    """The deploy step's list: name -> (access, memory, timeout)."""
    (step,) = _deploy_steps()
    block = re.search(r"^\s*functions=\((.*?)^\s*\)", _script(step), re.M | re.S)
    assert block, "the deploy step has no `functions=( ... )` list"
    entries = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, access, memory, timeout = line.split(":")
            entries[name] = (access, memory, timeout)
    return entries


# --- functions: main.py, Terraform and Cloud Build agree ------------------------------------


def test_terraform_defines_exactly_the_deployable_entry_points():
    assert set(_terraform_functions()) == _deployable()


def test_cloudbuild_deploys_exactly_the_deployable_entry_points():
    assert set(_cloudbuild_functions()) == _deployable()


def test_local_only_entry_points_are_never_deployed():
    (step,) = _deploy_steps()
    for name in LOCAL_ONLY:
        assert name not in _script(step)
        assert name not in _terraform_functions()
    assert '"dev_mailbox"' in (TERRAFORM / "functions.tf").read_text()  # the precondition's list


def test_cloudbuild_and_terraform_give_each_function_the_same_settings():
    terraform = _terraform_functions()
    for name, (access, memory, timeout) in _cloudbuild_functions().items():
        settings = terraform[name]
        assert access in {"public", "private"}
        assert (access == "public") == (settings["public"] == "true"), name
        assert memory == settings["memory"], name
        assert timeout == f"{settings['timeout']}s", name
        if access == "private":
            assert settings.get("invoker") in {"tasks", "scheduler"}, name


def test_cloudbuild_deploy_flags():
    (step,) = _deploy_steps()
    script = _script(step)
    for flag in (
        "--gen2",
        "--runtime=python311",
        "--trigger-http",
        '--region="${_REGION}"',
        '--entry-point="$$name"',
        "--set-secrets=INTAKE_SECRET=intake-secret:latest,SIGNING_SECRET=signing-secret:latest",
        "--allow-unauthenticated",
        "--no-allow-unauthenticated",
    ):
        assert flag in script, flag
    for variable in ("GOOGLE_CLOUD_PROJECT", "PUBLIC_BASE_URL", "NETWORK_NAME", "ALLOWED_ORIGINS"):
        assert f"{variable}:" in script, variable


def test_cloudbuild_tests_before_it_deploys():
    steps = _cloudbuild()["steps"]
    (deploy,) = _deploy_steps()
    before = " ".join(_script(s) for s in steps[: steps.index(deploy)])
    before = re.sub(r"\s+", " ", before.replace("\\\n", " "))
    assert re.search(r"pip install [^;&|]*-r requirements-dev\.txt", before)
    assert "ruff check ." in before
    assert "pytest tests/unit" in before


def test_cloudbuild_substitutions():
    substitutions = _cloudbuild()["substitutions"]
    assert substitutions["_REGION"] == "africa-south1"
    assert substitutions["_PUBLIC_BASE_URL"].endswith(".cloudfunctions.net")


# --- Terraform -----------------------------------------------------------------------------


def test_terraform_reads_files_that_exist():
    for tf in TERRAFORM.glob("*.tf"):
        for path in re.findall(r'file\("\$\{local\.infra_dir\}/([^"]+)"\)', tf.read_text()):
            assert (INFRA / path).is_file(), f"{tf.name} reads infra/{path}"


def test_personal_data_stays_in_south_africa():
    text = (TERRAFORM / "variables.tf").read_text()
    for variable in ("region", "firestore_location", "tasks_location", "scheduler_region"):
        block = re.search(rf'variable "{variable}" \{{(.*?)^\}}', text, re.M | re.S)
        assert block, variable
        assert re.search(r'default\s*=\s*"africa-south1"', block.group(1)), variable


# --- Firestore -----------------------------------------------------------------------------


def _indexes() -> dict:
    return json.loads((INFRA / "firestore.indexes.json").read_text())


def test_firestore_indexes_file_has_the_firebase_cli_shape():
    config = _indexes()
    assert set(config) == {"indexes", "fieldOverrides"}
    for index in config["indexes"]:
        assert set(index) == {"collectionGroup", "queryScope", "fields"}
        assert index["queryScope"] in {"COLLECTION", "COLLECTION_GROUP"}
        assert len(index["fields"]) >= 2, "one-field indexes are automatic"
        for field in index["fields"]:
            assert "fieldPath" in field
            assert len(set(field) & {"order", "arrayConfig", "vectorConfig"}) == 1
    for override in config["fieldOverrides"]:
        assert set(override) <= {"collectionGroup", "fieldPath", "ttl", "indexes"}
        assert isinstance(override["collectionGroup"], str)
        assert isinstance(override["fieldPath"], str)
        assert isinstance(override.get("ttl", False), bool)
        assert isinstance(override["indexes"], list)
        for index in override["indexes"]:
            assert index.get("queryScope") in {"COLLECTION", "COLLECTION_GROUP"}
            assert len(set(index) & {"order", "arrayConfig"}) == 1
    keys = [(o["collectionGroup"], o["fieldPath"]) for o in config["fieldOverrides"]]
    assert len(keys) == len(set(keys)), "one override per field"


def _overrides() -> dict[tuple[str, str], dict]:
    return {(o["collectionGroup"], o["fieldPath"]): o for o in _indexes()["fieldOverrides"]}


@pytest.mark.parametrize("field", [("cases", "description"), ("cases", "reporter")])
def test_large_free_text_fields_are_not_indexed(field):
    assert _overrides()[field]["indexes"] == []


@pytest.mark.parametrize("field", sorted(QUERIED_FIELDS))
def test_queried_fields_keep_their_single_field_index(field):
    override = _overrides().get(field)
    if override is not None:
        assert {"order": "ASCENDING", "queryScope": "COLLECTION"} in override["indexes"]


def test_idempotency_markers_expire():
    assert _overrides()[("intake_keys", "expires_at")]["ttl"] is True


def test_firestore_rules_deny_every_client():
    text = (INFRA / "firestore.rules").read_text()
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    code = "\n".join(line.split("//", 1)[0] for line in code.splitlines())
    assert "rules_version = '2';" in code
    assert "service cloud.firestore" in code
    assert re.search(r"match\s+/\{document=\*\*\}", code)
    allows = re.findall(r"allow\s+([^:;]+):\s*([^;]*);", code)
    assert allows, "no allow statement"
    for _methods, condition in allows:
        assert re.fullmatch(r"if\s+false", condition.strip()), condition
    assert not re.search(r"\bif\s+true\b", code)
    assert code.count("allow") == len(allows)


# --- Cloud Tasks ---------------------------------------------------------------------------


def _queues() -> list[dict]:
    return yaml.safe_load((INFRA / "queues.yaml").read_text())["queue"]


def test_queues_yaml_defines_named_queues_with_rates_terraform_can_read():
    queues = _queues()
    assert queues
    names = [q["name"] for q in queues]
    assert len(names) == len(set(names))
    for queue in queues:
        assert re.fullmatch(r"[A-Za-z0-9-]{1,100}", queue["name"]), queue["name"]
        assert re.fullmatch(r"[0-9.]+/[smhd]", str(queue["rate"])), queue["rate"]
        if "max_concurrent_requests" in queue:
            assert queue["max_concurrent_requests"] > 0


def test_every_queue_retries_with_backoff():
    for queue in _queues():
        retry = queue["retry_parameters"]
        assert retry["min_backoff_seconds"] > 0, queue["name"]
        assert retry["max_backoff_seconds"] >= retry["min_backoff_seconds"], queue["name"]
        assert retry.get("task_retry_limit", 1) >= 1, queue["name"]
        assert retry.get("max_doublings", 0) >= 0, queue["name"]
        if "task_age_limit" in retry:
            assert re.fullmatch(r"[0-9]+[smhd]", str(retry["task_age_limit"])), queue["name"]


def test_the_email_queue_exists():
    # The outbox enqueues deliver_email tasks on it; local runs and tests create it from here.
    assert "email" in {q["name"] for q in _queues()}
