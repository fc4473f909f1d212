"""The administrators' own data lives in a Firestore database of its own, and IAM keeps the
accounts that need none of it out of it (infra/terraform/firestore.tf and iam.tf).

Firestore's IAM grants on whole databases (IAM Conditions can name a database by
resource.name, never a collection), so a project-level grant without a condition would reach
every database of the project. Here: every Firestore grant names its one database, the
administrators' database is reached only by the accounts that read it, the Terraform list of
its collections is the code's, and both tools tell every function its id.

No Terraform here, as in test_infra_files.py: the files are read as text.
"""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from functions.adapters.firestore.base import ADMIN_COLLECTIONS
from functions.config import Settings
from tests.unit.test_infra_files import (
    INFRA,
    TERRAFORM,
    _cloudbuild,
    _cloudbuild_env_file,
    _deploy_steps,
    _hcl_block,
    _resource,
    _script,
    _strip_hcl_comments,
    _terraform_environment,
    _terraform_identities,
    _terraform_variable_defaults,
)

# Each runtime account's role on the administrators' database, and why (iam.tf says it too).
ADMIN_DATABASE_ROLES = {
    "admin": "user",  # the allow-list, action points, erasures are theirs
    # Not even to read: the mail of compile_forum_summaries (jobs) and forum_registration
    # (parent) to administrators is addressed from administrator_contacts, in "(default)".
    "jobs": None,
    "parent": None,
    "intake": None,
    "staff": None,
    "tasks": None,
    "mail": None,
}
# The condition on each Firestore grant: the form Firestore documents for per-database access
# (resource.name == "projects/PROJECT_ID/databases/DATABASE_ID").
DATABASE_CONDITION = (
    'expression = "resource.name == \\"projects/${var.project_id}/databases/'
    '${each.value.database}\\""'
)


def _code(name: str) -> str:
    """A .tf file without comments."""
    return _strip_hcl_comments((TERRAFORM / name).read_text())


def _text(name: str) -> str:
    """A .tf file without comments, every run of white space (newlines too) one space."""
    return re.sub(r"\s+", " ", _code(name))


def _flat_resource(name: str, kind: str, resource: str) -> str:
    """A resource's body in that file, every run of white space one space."""
    return re.sub(r"\s+", " ", _resource(_code(name), kind, resource))


def _resources() -> list[tuple[str, str, str, str]]:
    """(file, type, name, body) of every resource in infra/terraform (comment-free HCL)."""
    found = []
    for tf in sorted(TERRAFORM.glob("*.tf")):
        text = _strip_hcl_comments(tf.read_text())
        for kind, name, body in re.findall(r'^resource "(\w+)" "(\w+)" \{\n(.*?)^\}', text,
                                           re.M | re.S):  # fmt: skip
            found.append((tf.name, kind, name, body))
    return found


def _terraform_admin_collections() -> set[str]:
    text = _strip_hcl_comments((TERRAFORM / "firestore.tf").read_text())
    listed = re.search(r"^\s*admin_collections\s*=\s*\[(.*?)\]", text, re.M | re.S)
    assert listed, "firestore.tf has no local.admin_collections list"
    return set(re.findall(r'"(\w+)"', listed.group(1)))


# --- the database and its collections --------------------------------------------------------


def test_terraform_s_admin_collections_are_the_code_s():
    # The code looks each collection up in its database by ADMIN_COLLECTIONS; Terraform puts
    # their indexes in the administrators' database by its own list.
    assert _terraform_admin_collections() == set(ADMIN_COLLECTIONS)
    assert {"administrators", "action_points", "privacy_erasures"} <= set(ADMIN_COLLECTIONS)


def test_the_admin_database_has_the_main_database_s_settings():
    text = _strip_hcl_comments((TERRAFORM / "firestore.tf").read_text())

    def settings(name: str) -> dict[str, str]:
        body = _resource(text, "google_firestore_database", name)
        return dict(re.findall(r"^\s*(\w+)\s*=\s*(.+?)\s*$", body, re.M))

    main, admin = settings("main"), settings("admin")
    assert main.pop("name") == '"(default)"'
    assert admin.pop("name") == "var.firestore_admin_database"
    assert admin == main
    # What must hold for both: in South Africa, recoverable, never deleted by Terraform.
    assert admin["location_id"] == "var.firestore_location"
    assert admin["point_in_time_recovery_enablement"] == '"POINT_IN_TIME_RECOVERY_ENABLED"'
    assert admin["delete_protection_state"] == '"DELETE_PROTECTION_ENABLED"'
    assert admin["deletion_policy"] == '"ABANDON"'
    assert admin["concurrency_mode"] == '"PESSIMISTIC"'


def test_indexes_and_field_overrides_are_made_in_their_collection_s_database():
    chosen = (
        "database = contains(local.admin_collections, each.value.collectionGroup) ? "
        "google_firestore_database.admin.name : google_firestore_database.main.name"
    )
    for kind, name in (("google_firestore_index", "composite"),
                       ("google_firestore_field", "override")):  # fmt: skip
        body = _flat_resource("firestore.tf", kind, name)
        assert chosen in body, f"{kind}.{name}"
        assert body.count("database =") == 1, f"{kind}.{name}"
    # Not vacuous: infra/firestore.indexes.json has an index on an administrators' collection.
    indexes = json.loads((INFRA / "firestore.indexes.json").read_text())
    groups = {i["collectionGroup"] for i in indexes["indexes"]}
    assert groups & set(ADMIN_COLLECTIONS)
    assert groups - set(ADMIN_COLLECTIONS)


def test_the_deny_all_rules_are_released_to_both_databases():
    ruleset = ('ruleset_name = "projects/${var.project_id}/rulesets/'
               '${google_firebaserules_ruleset.firestore.name}"')  # fmt: skip
    # "cloud.firestore" is the release of "(default)"; a named database's is
    # "cloud.firestore/<database id>".
    releases = {
        "firestore": '"cloud.firestore"',
        "firestore_admin": '"cloud.firestore/${google_firestore_database.admin.name}"',
    }
    for name, release in releases.items():
        body = _flat_resource("firestore.tf", "google_firebaserules_release", name)
        assert f"name = {release}" in body, name
        assert ruleset in body, name
        assert "replace_triggered_by = [google_firebaserules_ruleset.firestore]" in body, name
    releases = [r for _, kind, r, _ in _resources() if kind == "google_firebaserules_release"]
    assert sorted(releases) == ["firestore", "firestore_admin"]


# --- IAM: every grant names its database ---------------------------------------------------


def test_every_firestore_grant_is_conditioned_on_one_database():
    granting = [
        (f"{tf}: {kind}.{name}", body) for tf, kind, name, body in _resources()
        if re.search(r"datastore|firestore_writer|firestore_roles|firestore_grants", body)
        and kind.endswith(("_iam_member", "_iam_binding", "_iam_policy"))
    ]  # fmt: skip
    assert [where for where, _ in granting] == [
        "iam.tf: google_project_iam_member.runtime_firestore"]  # fmt: skip
    for where, body in granting:
        flat = re.sub(r"\s+", " ", body)
        assert re.search(r"\bcondition \{", flat), f"{where} has no condition"
        assert DATABASE_CONDITION in flat, where
        assert "for_each = local.firestore_grants" in flat, where
    # Authoritative project bindings would strip grants Terraform does not know of.
    kinds = {kind for _, kind, _, _ in _resources()}
    assert not kinds & {"google_project_iam_binding", "google_project_iam_policy"}


def test_firestore_roles_are_named_in_one_place():
    text = _strip_hcl_comments((TERRAFORM / "iam.tf").read_text())
    roles = _hcl_block(text, "firestore_roles")
    assert dict(re.findall(r'^\s*(\w+)\s*=\s*("?[\w./]+"?)\s*$', roles, re.M)) == {
        "writer": "google_project_iam_custom_role.firestore_writer.name",
        "user": '"roles/datastore.user"',
    }
    outside = text.replace(roles, "")
    for tf in TERRAFORM.glob("*.tf"):
        code = outside if tf.name == "iam.tf" else _strip_hcl_comments(tf.read_text())
        assert "roles/datastore" not in code, tf.name


def _grants() -> dict[tuple[str, str], str]:
    """(identity, database) -> role, as local.firestore_grants makes them of the identities:
    the main database for each, the administrators' where admin_database is not null."""
    flat = _text("iam.tf")
    assert ('for name, spec in local.identities : "main/${name}" => { identity = name '
            "database = google_firestore_database.main.name "
            "role = local.firestore_roles[spec.firestore] }") in flat  # fmt: skip
    assert ('for name, spec in local.identities : "admin/${name}" => { identity = name '
            "database = google_firestore_database.admin.name "
            "role = local.firestore_roles[spec.admin_database] } "
            "if spec.admin_database != null") in flat  # fmt: skip
    # Nothing else is merged in.
    grants = re.search(r"^(\s*)firestore_grants = merge\((.*?)^\1\)$", _code("iam.tf"),
                       re.M | re.S)  # fmt: skip
    assert grants, "iam.tf has no `firestore_grants = merge( ... )`"
    assert len(re.findall(r"\bfor name, spec in\b", grants.group(2))) == 2
    assert len(re.findall(r"=>", grants.group(2))) == 2
    found = {}
    for identity, spec in _terraform_identities().items():
        found[(identity, "main")] = spec["firestore"]
        if spec["admin_database"] is not None:
            found[(identity, "admin")] = spec["admin_database"]
    return found


def test_who_may_use_the_administrators_database():
    admin = {identity: role for (identity, database), role in _grants().items()
             if database == "admin"}  # fmt: skip
    expected = {i: r for i, r in ADMIN_DATABASE_ROLES.items() if r is not None}
    assert admin == expected
    assert set(_terraform_identities()) == set(ADMIN_DATABASE_ROLES)


@pytest.mark.parametrize("identity", ["intake", "staff", "tasks", "mail"])
def test_the_accounts_that_need_none_of_it_have_no_grant_on_the_administrators_database(
    identity,
):
    assert _terraform_identities()[identity]["admin_database"] is None
    assert (identity, "admin") not in _grants()
    # Their grant on the main database: read and write, no delete.
    assert _grants()[(identity, "main")] == "writer"


def test_every_account_keeps_its_grant_on_the_main_database():
    main = {identity: role for (identity, database), role in _grants().items()
            if database == "main"}  # fmt: skip
    assert main == {"parent": "writer", "intake": "writer", "staff": "writer",
                    "tasks": "writer", "mail": "writer", "admin": "user",
                    "jobs": "user"}  # fmt: skip


def test_the_old_unconditioned_grants_are_replaced_not_left_behind():
    # Each account's grant before the administrators' database (keyed by its name) is moved to
    # its grant on the main database, whose new condition replaces it new-first.
    flat = _text("iam.tf")
    moved = set(re.findall(
        r'moved \{ from = google_project_iam_member\.runtime_firestore\["(\w+)"\] '
        r'to = google_project_iam_member\.runtime_firestore\["main/(\w+)"\] \}', flat))  # fmt: skip
    assert moved == {(i, i) for i in ("parent", "staff", "admin", "jobs", "tasks", "mail")}
    body = _flat_resource("iam.tf", "google_project_iam_member", "runtime_firestore")
    assert "lifecycle { create_before_destroy = true }" in body


# --- every function is told the database's id ------------------------------------------------


def test_every_function_gets_the_admin_database_s_id_from_terraform():
    assert "FIRESTORE_ADMIN_DATABASE" in _terraform_environment()
    flat = _text("functions.tf")
    assert "FIRESTORE_ADMIN_DATABASE = google_firestore_database.admin.name" in flat
    # Every function's environment is local.environment (empty values left out: this one
    # never is, the variable's validation refuses an empty id).
    function = _flat_resource("functions.tf", "google_cloudfunctions2_function", "fn")
    assert "for_each = local.deployed_functions" in function
    assert "environment_variables = merge(local.environment, {" in function


def test_every_function_gets_the_admin_database_s_id_from_cloud_build():
    assert _cloudbuild_env_file()["FIRESTORE_ADMIN_DATABASE"] == "${_FIRESTORE_ADMIN_DATABASE}"
    (step,) = _deploy_steps()
    # Each function's env file is the shared one and its THREADS.
    assert '{ cat build/env.yaml; echo "THREADS: ' in _script(step)


def test_the_admin_database_s_id_has_one_default_everywhere():
    default = Settings().firestore_admin_database
    assert default == "ecd-admin"
    assert _terraform_variable_defaults()["firestore_admin_database"] == default
    assert _cloudbuild()["substitutions"]["_FIRESTORE_ADMIN_DATABASE"] == default


_IDS = ["ecd-admin", "abcd", "a" * 63, "a1-b2", "abc", "a" * 64, "1abc", "-abc", "abc-",
        "Abcd", "ab_cd", "(default)", "ecd admin", ""]  # fmt: skip


@pytest.mark.parametrize("database_id", _IDS)
def test_terraform_cloud_build_and_settings_accept_the_same_database_ids(database_id):
    """Firestore's rule for a named database. Settings takes "(default)" too (`make run`
    keeps everything in one database); a deployment never does, or the administrators'
    data would be back in the database every account reads."""
    # Firestore's rule: 4-63 characters of a-z, 0-9 and -, a letter first, no - last.
    firestore = bool(re.fullmatch(r"[a-z][a-z0-9-]{2,61}[a-z0-9]", database_id))
    text = _strip_hcl_comments((TERRAFORM / "variables.tf").read_text())
    variable = re.search(r'^variable "firestore_admin_database" \{(.*?)^\}', text, re.M | re.S)
    assert variable, "variables.tf has no firestore_admin_database"
    (terraform,) = re.findall(r'can\(regex\("([^"]+)", var\.firestore_admin_database\)\)',
                              variable.group(1))  # fmt: skip
    (step,) = _deploy_steps()
    (bash,) = re.findall(r'\[\[ ! "\$\{_FIRESTORE_ADMIN_DATABASE\}" =~ (\S+) \]\]', _script(step))
    bash = bash.replace("$$", "$")  # Cloud Build's escape of the shell's $
    try:
        Settings(firestore_admin_database=database_id)
        settings = True
    except ValidationError:
        settings = False
    assert bool(re.search(terraform, database_id)) == firestore
    assert bool(re.search(bash, database_id)) == firestore
    assert settings == (firestore or database_id == "(default)")
