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
from functions.config import Settings

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
TERRAFORM = INFRA / "terraform"
FUNCTIONS = ROOT / "functions"

# Entry points served only by `make run`; never deployed.
LOCAL_ONLY = set(main.LOCAL_ONLY)
# Queries the code issues today, as (collection group, field): none may lose its index.
QUERIED_FIELDS = {("events", "at"), ("centres", "active")}
# Environment variables a function may get that are not Settings fields: boto3's SES
# credentials, the one Cloud Functions sets itself, and functions-framework's THREADS.
EXTRA_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "LOG_EXECUTION_ID", "THREADS"}
# The columns of each entry of the deploy step's `functions=( ... )` list.
CLOUDBUILD_COLUMNS = ("identity", "access", "memory", "timeout", "concurrency", "warm")


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


def _cloudbuild_functions() -> dict[str, dict[str, str]]:
    """The deploy step's list: name -> {identity, access, memory, timeout, concurrency, warm}."""
    (step,) = _deploy_steps()
    block = re.search(r"^\s*functions=\((.*?)^\s*\)", _script(step), re.M | re.S)
    assert block, "the deploy step has no `functions=( ... )` list"
    entries = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, *values = line.split(":")
            assert len(values) == len(CLOUDBUILD_COLUMNS), f"{name}: {CLOUDBUILD_COLUMNS}"
            entries[name] = dict(zip(CLOUDBUILD_COLUMNS, values, strict=True))
    return entries


def _hcl_block(text: str, name: str) -> str:
    """The body of the block opened by the line `name {` or `name = {` (comment-free HCL)."""
    start = re.search(rf"^([ \t]*){name}\b[^\n]*\{{[ \t]*$", text, re.M)
    assert start, f"no `{name} {{` block"
    end = re.search(rf"^{start.group(1)}\}}", text[start.end() :], re.M)
    assert end, f"`{name}` block not closed"
    return text[start.end() : start.end() + end.start()]


def _flat_terraform(name: str) -> str:
    """A .tf file without comments, every run of blanks one space (fmt's alignment aside)."""
    return re.sub(r"[ \t]+", " ", _strip_hcl_comments((TERRAFORM / name).read_text()))


def _resource(text: str, kind: str, name: str) -> str:
    """The body of `resource "kind" "name" { ... }` (comment-free HCL, closed at column 0)."""
    found = re.search(rf'^resource "{kind}" "{name}" \{{\n(.*?)^\}}', text, re.M | re.S)
    assert found, f"no resource {kind}.{name}"
    return found.group(1)


def _terraform_environment() -> set[str]:
    """The environment variable names local.all_environment in functions.tf sets."""
    text = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    return set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s*=", _hcl_block(text, "all_environment"), re.M))


def _terraform_secrets() -> dict[str, str]:
    """Every environment variable => secret id that secrets.tf may mount (any transport)."""
    text = _strip_hcl_comments((TERRAFORM / "secrets.tf").read_text())
    locals_block = _hcl_block(text, "locals")
    return dict(re.findall(r'^\s*([A-Z][A-Z0-9_]*)\s*=\s*"([a-z0-9-]+)"', locals_block, re.M))


def _terraform_secret_ids() -> set[str]:
    """The secret ids secrets.tf creates for some mail transport."""
    return set(_terraform_secrets().values())


def _cloudbuild_env_file() -> dict[str, str]:
    """The env.yaml the deploy step writes: name => value (before substitution)."""
    (step,) = _deploy_steps()
    block = re.search(r"cat > build/env\.yaml <<EOF\n(.*?)^EOF$", _script(step), re.M | re.S)
    assert block, "the deploy step writes no build/env.yaml"
    return {name: value.strip("'\"") for name, value in yaml.safe_load(block.group(1)).items()}


def _cloudbuild_secrets() -> dict[str, str]:
    """Every environment variable => secret id the deploy step may pass to --set-secrets."""
    (step,) = _deploy_steps()
    pairs = re.findall(r"\b([A-Z][A-Z0-9_]*)=([a-z0-9-]+):latest\b", _script(step))
    assert pairs, "the deploy step sets no secrets"
    return dict(pairs)


def _read_from_os_environ() -> set[str]:
    """Names the code reads from os.environ itself, outside Settings (e.g. SNS_TOPIC_ARNS)."""
    pattern = re.compile(
        r"""os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
    )
    names = set()
    for path in FUNCTIONS.rglob("*.py"):
        if "devtools" not in path.parts:
            names |= set(pattern.findall(path.read_text()))
    return names


def _terraform_variable_defaults() -> dict[str, object]:
    """Each variable in variables.tf with a one-line default, parsed as JSON."""
    text = _strip_hcl_comments((TERRAFORM / "variables.tf").read_text())
    defaults = {}
    for name, body in re.findall(r'^variable "(\w+)" \{(.*?)^\}', text, re.M | re.S):
        default = re.search(r"^\s*default\s*=\s*(.+?)\s*$", body, re.M)
        if default:
            defaults[name] = json.loads(default.group(1))
    return defaults


# --- functions: main.py, Terraform and Cloud Build agree ------------------------------------


def test_terraform_defines_exactly_the_deployable_entry_points():
    assert set(_terraform_functions()) == _deployable()


def test_cloudbuild_deploys_exactly_the_deployable_entry_points():
    assert set(_cloudbuild_functions()) == _deployable()


def test_local_only_entry_points_are_never_deployed():
    assert set(main.__all__) >= LOCAL_ONLY, "LOCAL_ONLY names an entry point main.py lacks"
    cloudbuild = (ROOT / "cloudbuild.yaml").read_text()
    schedules = (TERRAFORM / "scheduler.tf").read_text()
    for name in LOCAL_ONLY:
        assert name not in cloudbuild
        assert name not in _terraform_functions()
        assert name not in schedules
    # The list the functions' precondition refuses.
    text = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    listed = re.search(r"^\s*local_only_functions\s*=\s*\[(.*?)\]", text, re.M | re.S)
    assert listed, "functions.tf has no local_only_functions list"
    assert set(re.findall(r'"(\w+)"', listed.group(1))) == LOCAL_ONLY


def test_local_only_code_is_not_deployed_and_nothing_deployed_needs_it():
    text = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    assert '!startswith(f, "functions/devtools/")' in text
    (step,) = _deploy_steps()
    assert "rm -rf build/function-source/functions/devtools" in _script(step)
    for module in FUNCTIONS.rglob("*.py"):
        if "devtools" in module.parts:
            continue
        imports = re.findall(r"^\s*(?:from|import)\s+(functions\.devtools\S*)", module.read_text(),
                             re.M)  # fmt: skip
        assert not imports, f"{module.relative_to(ROOT)} imports {imports}"
    for name in _deployable():
        assert "devtools" not in main._ENTRY_POINTS[name], name


def test_cloudbuild_and_terraform_give_each_function_the_same_settings():
    terraform = _terraform_functions()
    for name, built in _cloudbuild_functions().items():
        settings = terraform[name]
        assert built["access"] in {"public", "private"}
        assert (built["access"] == "public") == (settings["public"] == "true"), name
        assert built["identity"] == settings["identity"], name
        assert built["memory"] == settings["memory"], name
        assert built["timeout"] == f"{settings['timeout']}s", name
        assert built["concurrency"] == settings["concurrency"], name
        assert built["warm"] == ("warm" if settings.get("warm") == "true" else "cold"), name
        if built["access"] == "private":
            assert settings.get("invoker") in {"tasks", "scheduler"}, name


def test_every_function_has_a_concurrency_terraform_and_cloudbuild_turn_into_the_same_cpu():
    for name, settings in _terraform_functions().items():
        assert 1 <= int(settings["concurrency"]) <= 80, name
    text = _flat_terraform("functions.tf")
    # Concurrency above 1 needs a whole CPU; 1 keeps the CPU Cloud Functions gives the memory.
    assert 'cpu = fn.concurrency > 1 ? "1" : null' in text
    assert "available_cpu = each.value.cpu" in text
    assert "max_instance_request_concurrency = each.value.concurrency" in text
    assert "THREADS = tostring(each.value.concurrency)" in text
    (step,) = _deploy_steps()
    script = _script(step)
    assert "if (( concurrency > 1 )); then cpu=(--cpu=1); fi" in script
    assert '"$${cpu[@]}"' in script
    assert '--concurrency="$$concurrency"' in script
    assert 'echo "THREADS: \\"$$concurrency\\""' in script


def test_only_the_intake_is_kept_warm_and_by_default_nothing_is():
    warm = {name for name, s in _terraform_functions().items() if s.get("warm") == "true"}
    assert warm == {"feedback_form", "submit_feedback", "intake_google_form"}
    assert _terraform_variable_defaults()["intake_min_instances"] == 0
    assert _cloudbuild()["substitutions"]["_INTAKE_MIN_INSTANCES"] == "0"
    text = _flat_terraform("functions.tf")
    assert "min_instances = try(fn.warm, false) ? var.intake_min_instances : 0" in text
    assert "min_instance_count = each.value.min_instances" in text
    (step,) = _deploy_steps()
    script = _script(step)
    assert 'then min="${_INTAKE_MIN_INSTANCES}"; else min=0; fi' in script
    assert '--min-instances="$$min"' in script


def test_private_functions_take_internal_traffic_only():
    # Cloud Tasks and Cloud Scheduler of the same project count as internal for Cloud Run's
    # ingress; nothing on the internet reaches a private function even before IAM refuses.
    text = _flat_terraform("functions.tf")
    assert 'ingress_settings = each.value.public ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"' in text
    (step,) = _deploy_steps()
    script = _script(step)
    assert "== public ]]; then ingress=all; else ingress=internal-only; fi" in script
    assert '--ingress-settings="$$ingress"' in script
    assert "--ingress-settings=all" not in script


def test_cloudbuild_deploy_flags():
    (step,) = _deploy_steps()
    script = _script(step)
    for flag in (
        "--gen2",
        "--runtime=python311",
        "--trigger-http",
        '--region="${_REGION}"',
        '--entry-point="$$name"',
        '--set-secrets="$$secrets"',
        '--env-vars-file="build/env-$$name.yaml"',
        '--service-account="ecd-fn-$$identity@${PROJECT_ID}.iam.gserviceaccount.com"',
    ):
        assert flag in script, flag
    # Terraform owns who may invoke each function: the deployer cannot change it.
    code = "\n".join(line.split("#", 1)[0] for line in script.splitlines())
    assert "allow-unauthenticated" not in code
    for variable in ("GOOGLE_CLOUD_PROJECT", "PUBLIC_BASE_URL", "NETWORK_NAME", "ALLOWED_ORIGINS"):
        assert f"{variable}:" in script, variable


def test_cloudbuild_runs_make_test_before_it_deploys():
    # The developer's command: ruff, the whole suite against the emulators, checkov, Node.
    steps = _cloudbuild()["steps"]
    (deploy,) = _deploy_steps()
    before = steps[: steps.index(deploy)]
    (test,) = [s for s in before if re.search(r"^\s*make test\s*$", _script(s), re.M)]
    assert test["id"] in deploy["waitFor"], "deploy must wait for the tests"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\bsetup\b", makefile, re.M), "make test sets itself up"
    # What the Makefile expects of the machine and the image may lack.
    script = _script(test)
    for package in ("python3-venv", "openjdk-17-jre-headless",
                    "google-cloud-cli-firestore-emulator", "chromium"):  # fmt: skip
        assert package in script, package
    # terraform (fmt check) and node (tests/node) come from the official images.
    copies = [s for s in before if s is not test and "cp " in _script(s)]
    assert {s["name"].split(":")[0] for s in copies} == {"hashicorp/terraform", "node"}
    assert set(test["waitFor"]) == {s["id"] for s in copies}
    assert 'export PATH="$$PWD/.tools:$$PATH"' in script


def test_cloudbuild_substitutions():
    substitutions = _cloudbuild()["substitutions"]
    assert substitutions["_REGION"] == "africa-south1"
    assert substitutions["_PUBLIC_BASE_URL"].endswith(".cloudfunctions.net")


def test_cloudbuild_defines_every_substitution_it_uses():
    # Cloud Build refuses a build that uses an undefined user substitution.
    defined = set(_cloudbuild()["substitutions"])
    text = (ROOT / "cloudbuild.yaml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{(_[A-Z0-9_]+)\}", text))
    assert used <= defined, used - defined
    assert defined <= used, f"unused: {defined - used}"


def test_cloudbuild_substitution_defaults_match_terraform_variables():
    # The trigger's defaults and Terraform's deploy the same settings out of the box.
    defaults = _terraform_variable_defaults()
    for substitution, value in _cloudbuild()["substitutions"].items():
        variable = substitution.removeprefix("_").lower()
        if variable not in defaults or "${" in str(value):
            continue
        default = defaults[variable]
        if isinstance(default, list):
            expected = {"allowed_origins": json.dumps(default), "sns_topic_arns": ",".join(default)}
            assert str(value) == expected[variable], substitution
        else:
            assert str(value) == str(default), substitution


# --- Settings: what each function is given, by either tool ---------------------------------


def _known_environment() -> set[str]:
    return {name.upper() for name in Settings.model_fields} | EXTRA_ENV | _read_from_os_environ()


def test_terraform_gives_functions_only_real_settings():
    given = _terraform_environment() | set(_terraform_secrets())
    assert given - _known_environment() == set()


def test_cloudbuild_gives_functions_only_real_settings():
    given = set(_cloudbuild_env_file()) | set(_cloudbuild_secrets())
    assert given - _known_environment() == set()


def test_terraform_and_cloudbuild_give_the_same_environment():
    assert set(_cloudbuild_env_file()) == _terraform_environment()
    assert _cloudbuild_secrets() == _terraform_secrets()


def _terraform_identities() -> dict[str, dict[str, str | None]]:
    """local.identities in iam.tf: name -> its settings, as raw HCL text (admin_database:
    its role on the administrators' database, None for none)."""
    text = _strip_hcl_comments((TERRAFORM / "iam.tf").read_text())
    entries = {}
    for line in _hcl_block(text, "identities").splitlines():
        entry = re.fullmatch(r"\s*(\w+)\s*=\s*\{(.*)\}\s*", line)
        if entry:
            admin = re.search(r'\badmin_database\s*=\s*(null|"(\w+)")', entry.group(2))
            assert admin, f'{entry.group(1)}: admin_database = "<role>" or null'
            entries[entry.group(1)] = {
                "firestore": re.search(r'\bfirestore\s*=\s*"(\w+)"', entry.group(2)).group(1),
                "admin_database": admin.group(2),
                "secrets": entry.group(2).split("secrets", 1)[1],
            }
    return entries


def _terraform_identity_secrets(identity: str) -> set[str]:
    """The secret environment variables an identity mounts (mail: the transport's)."""
    secrets = _terraform_identities()[identity]["secrets"]
    names = set(re.findall(r'"([A-Z][A-Z0-9_]*)"', secrets))
    if "local.mail_secrets[var.mail_transport]" in secrets:
        names.add("MAIL")
    return names


def _cloudbuild_identity_secrets() -> dict[str, set[str]]:
    """identity -> the secret variables the deploy step mounts (MAIL: the transport's)."""
    (step,) = _deploy_steps()
    block = re.search(r'case "\$\$identity" in\n(.*?)\n\s*esac', _script(step), re.S)
    assert block, 'the deploy step chooses no secrets by `case "$$identity"`'
    chosen = {}
    for names, value in re.findall(r"^\s*([\w|]+)\) secrets=\"([^\"]*)\"", block[1], re.M):
        variables = set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", value))
        variables |= {"SIGNING_SECRETS"} if "$$signing" in value else set()
        variables |= {"MAIL"} if "$$mail" in value else set()
        for name in names.split("|"):
            chosen[name] = variables
    return chosen


def test_each_identity_gets_only_its_own_secrets_from_either_tool():
    identities = _terraform_identities()
    assert set(identities) == {"parent", "intake", "staff", "admin", "jobs", "tasks", "mail"}
    cloudbuild = _cloudbuild_identity_secrets()
    assert set(cloudbuild) == set(identities)
    for identity in identities:
        assert cloudbuild[identity] == _terraform_identity_secrets(identity), identity
        # Every group signs or verifies links: without the keys it would sign with the
        # local development key.
        assert "SIGNING_SECRETS" in cloudbuild[identity], identity
    # The mail provider's credentials reach the mail functions alone; the Google Forms
    # secret the intake ones (intake_google_form verifies the script's posts with it).
    assert {i for i, s in cloudbuild.items() if "MAIL" in s} == {"mail"}
    assert {i for i, s in cloudbuild.items() if "INTAKE_SECRET" in s} == {"intake"}
    text = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    assert "for variable in local.identities[each.value.identity].secrets" in text
    secrets = _strip_hcl_comments((TERRAFORM / "secrets.tf").read_text())
    assert "for variable in spec.secrets" in secrets
    assert "google_service_account.runtime[each.value.identity].email" in secrets


def test_only_administrators_and_jobs_may_delete_from_firestore():
    # Firestore's IAM is database-wide (iam.tf says what that means): in the main database
    # the other groups get the custom role without delete and without listing; in the
    # administrators' only the administrators' account may write (tests/unit/
    # test_admin_database.py: who may read it).
    identities = _terraform_identities()
    assert {i for i, s in identities.items() if s["firestore"] == "user"} == {"admin", "jobs"}
    assert {s["firestore"] for s in identities.values()} == {"user", "writer"}
    assert {i for i, s in identities.items() if s["admin_database"] == "user"} == {"admin"}
    assert {s["admin_database"] for s in identities.values()} == {"user", None}
    text = _strip_hcl_comments((TERRAFORM / "iam.tf").read_text())
    role = _resource(text, "google_project_iam_custom_role", "firestore_writer")
    permissions = set(re.findall(r'"(datastore\.[\w.]+)"', role))
    assert permissions == {"datastore.databases.get", "datastore.databases.getMetadata",
                           "datastore.entities.create", "datastore.entities.get",
                           "datastore.entities.update"}  # fmt: skip
    assert not re.search(r"roles/(owner|editor|datastore\.owner|run\.admin)", text)


def test_cloudbuild_only_mounts_secrets_terraform_creates():
    assert set(_cloudbuild_secrets().values()) <= _terraform_secret_ids()
    text = _strip_hcl_comments((TERRAFORM / "secrets.tf").read_text())
    assert 'resource "google_secret_manager_secret" "secret"' in text


def test_deployed_functions_are_configured_to_send_email():
    environment = _cloudbuild_env_file()
    for name in ("MAIL_TRANSPORT", "MAIL_FROM", "TASKS_LOCATION", "TASK_QUEUE"):
        assert name in environment, name
        assert name in _terraform_environment(), name
    # Tasks carry the invoker's OIDC token to the private deliver_email.
    assert environment["TASKS_INVOKER_EMAIL"].startswith("ecd-tasks-invoker@")
    assert 'account_id   = "ecd-tasks-invoker"' in (TERRAFORM / "iam.tf").read_text()
    assert environment["TASK_QUEUE"] in {q["name"] for q in _queues()}
    assert _cloudbuild()["substitutions"]["_MAIL_TRANSPORT"] == "ses"
    # boto3's credentials, as secrets, for SES; the SMTP password for SMTP.
    secrets = _terraform_secrets()
    assert secrets["AWS_ACCESS_KEY_ID"] == "ses-access-key-id"
    assert secrets["AWS_SECRET_ACCESS_KEY"] == "ses-secret-access-key"
    assert secrets["SMTP_PASSWORD"] == "smtp-password"


def test_the_accounts_that_queue_may_create_and_withdraw_oidc_tasks_on_the_queue_only():
    text = _strip_hcl_comments((TERRAFORM / "tasks.tf").read_text())
    role = _resource(text, "google_project_iam_custom_role", "task_queuer")
    # cancel() deletes a task by name (services/mail/dispatch.py, forums/reminders.py).
    assert set(re.findall(r'"(cloudtasks\.[\w.]+)"', role)) == {
        "cloudtasks.tasks.create", "cloudtasks.tasks.delete"}  # fmt: skip
    queues = _resource(text, "google_cloud_tasks_queue_iam_member", "runtime_queues")
    assert "google_project_iam_custom_role.task_queuer.name" in queues
    assert "local.queuing_identities" in queues
    acts_as = _resource(text, "google_service_account_iam_member",
                        "runtime_acts_as_tasks_invoker")  # fmt: skip
    assert '"roles/iam.serviceAccountUser"' in acts_as
    assert "google_service_account.tasks_invoker.name" in acts_as
    assert "toset(local.queuing_identities)" in acts_as
    # No project-wide Cloud Tasks role for anyone.
    for tf in TERRAFORM.glob("*.tf"):
        assert "roles/cloudtasks" not in _strip_hcl_comments(tf.read_text()), tf.name


def test_the_deployer_deploys_without_changing_who_may_invoke():
    text = _strip_hcl_comments((TERRAFORM / "iam.tf").read_text())
    deployer = _resource(text, "google_project_iam_member", "deployer")
    assert set(re.findall(r'"(roles/[\w.]+)"', deployer)) == {
        "roles/cloudfunctions.developer", "roles/logging.logWriter"}  # fmt: skip
    acts_as = _resource(text, "google_service_account_iam_member", "deployer_acts_as")
    assert "google_service_account.runtime" in acts_as
    assert "google_service_account.builder.name" in acts_as


SELF_VERIFYING_JOBS = {"setup_monthly_forums"}


def test_every_schedule_calls_a_private_scheduler_function():
    text = _strip_hcl_comments((TERRAFORM / "scheduler.tf").read_text())
    targets = re.findall(r'function\s*=\s*"(\w+)"', _hcl_block(text, "schedules"))
    assert "sweep_outbox" in targets
    functions = _terraform_functions()
    for name in targets:
        assert name in functions, f"schedule for {name}, which is not deployed"
        # setup_monthly_forums is public (administrators call it too) and verifies the
        # scheduler's token in full itself (functions/jobs/setup_monthly_forums.py).
        assert functions[name]["public"] == "false" or name in SELF_VERIFYING_JOBS, name
        assert functions[name].get("invoker") == "scheduler", name


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


@pytest.mark.parametrize("collection", ["intake_keys", "outbox"])
def test_expiring_documents_have_a_ttl_policy(collection):
    # Idempotency markers and sent mail: the code writes `expires_at` on both.
    assert _overrides()[(collection, "expires_at")]["ttl"] is True
    ttl_fields = {field for group, field in _overrides() if group == collection and
                  _overrides()[(group, field)].get("ttl")}  # fmt: skip
    assert ttl_fields == {"expires_at"}, "Firestore allows one TTL field per collection group"


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


def test_the_task_queue_exists():
    # The outbox enqueues deliver_email tasks on it; local runs and tests create it from here.
    assert Settings().task_queue in {q["name"] for q in _queues()}


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def test_the_task_queue_retries_sanely():
    (queue,) = [q for q in _queues() if q["name"] == "deferred"]
    retry = queue["retry_parameters"]
    # Enough attempts to ride out a provider outage, not so many a broken message loops forever.
    assert 3 <= retry["task_retry_limit"] <= 50
    # First retry soon, but not at once; never more than an hour apart.
    assert 1 <= retry["min_backoff_seconds"] <= 60
    assert retry["min_backoff_seconds"] <= retry["max_backoff_seconds"] <= 3600
    assert 0 <= retry.get("max_doublings", 16) <= 16
    # Bounded in time: after that sweep_outbox takes over (every 5 minutes).
    age = re.fullmatch(r"([0-9]+)([smhd])", str(retry["task_age_limit"]))
    assert age
    assert 3600 <= int(age.group(1)) * _SECONDS[age.group(2)] <= 7 * 86400
    # Bounded in rate and concurrency (Amazon SES's default sending rate is 14/s).
    rate = re.fullmatch(r"([0-9.]+)/([smhd])", str(queue["rate"]))
    assert rate
    assert 0 < float(rate.group(1)) / _SECONDS[rate.group(2)] <= 14
    assert 1 <= queue["max_concurrent_requests"] <= 50


def test_a_live_sender_never_loses_its_lease_while_it_records_a_send():
    """deliver_email's timeout covers recording "sent" through an outage, and the sending
    lease outlasts the timeout: a sender still running is never taken over (a duplicate)."""
    from functions.config import Settings
    from functions.domain.mail.outbox import SENDING_LEASE

    timeout = int(_terraform_functions()["deliver_email"]["timeout"])
    recording = Settings().sent_record_timeout_seconds
    sending = Settings().smtp_timeout_seconds * 3  # connect, then reads, at the transport's limit
    assert recording + sending + 2 * Settings().firestore_timeout_seconds < timeout
    assert timeout < SENDING_LEASE.total_seconds()
