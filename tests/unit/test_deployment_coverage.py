"""Every entry point, job, task handler and query has what it needs deployed, read off the code.

tests/unit/test_infra_files.py holds main.py, functions.tf and cloudbuild.yaml to one list of
functions; this module reads each entry point's decorator (functions/entrypoints.py) to know
its kind, so that a scheduled job without its Cloud Scheduler job, or a task handler anyone may
call, fails here before a deploy. The queries: tests/integration/test_query_indexes.py checks
the shapes the adapters record while they run against the emulator; here the shapes written
out in the adapters' source are checked against infra/firestore.indexes.json without one, and
no query may bypass the recording (functions/adapters/firestore/base.py query()).

No Terraform here: the files are read as text, the code as Python syntax (nothing imported
but main.py's list and the collection names).
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from importlib import import_module
from pathlib import Path

import pytest

import main
from functions.adapters.firestore import base
from tests.unit.test_infra_files import _hcl_block, _strip_hcl_comments, _terraform_functions

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "infra" / "terraform"
ADAPTERS = ROOT / "functions" / "adapters" / "firestore"

# The decorators of functions/entrypoints.py (and the admin ones built on them).
KINDS = {"page", "json_api", "task", "job", "admin_page", "admin_api", "admin_endpoint",
         "admin_upload"}  # fmt: skip


# --- entry points, by kind ------------------------------------------------------------------


def _module_path(name: str) -> Path:
    return ROOT / (main._ENTRY_POINTS[name].replace(".", "/") + ".py")


@cache
def _decorator(name: str) -> tuple[str, str]:
    """(kind, declared name) of the entry point's decorator, e.g. ("job", "run_nudges")."""
    tree = ast.parse(_module_path(name).read_text())
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        kind = _called_name(decorator)
        if kind in KINDS:
            (first, *_) = decorator.args
            if isinstance(first, ast.Constant):
                return kind, first.value
            # A constant (NAME = "...", or imported): its value, from the loaded module.
            return kind, getattr(import_module(main._ENTRY_POINTS[name]), first.id)
    raise AssertionError(f"{name} has none of the entry-point decorators {sorted(KINDS)}")


def _deployable() -> set[str]:
    return set(main.__all__) - set(main.LOCAL_ONLY)


def _of_kind(kind: str) -> set[str]:
    return {name for name in _deployable() if _decorator(name)[0] == kind}


def _schedule_targets() -> list[str]:
    """The function each Cloud Scheduler job in scheduler.tf calls, one entry per job."""
    text = _strip_hcl_comments((TERRAFORM / "scheduler.tf").read_text())
    return re.findall(r'function\s*=\s*"(\w+)"', _hcl_block(text, "schedules"))


@pytest.mark.parametrize("name", sorted(_deployable()))
def test_each_entry_point_is_declared_under_its_own_name(name):
    # The decorator's name is the URL a caller's token must be for (Settings.url_for) and
    # the name in the logs: another name would refuse every scheduler or task call.
    assert _decorator(name)[1] == name


def test_the_job_and_task_kinds_are_found():
    # The tests below would pass vacuously if the decorators were renamed.
    assert {"sweep_outbox", "run_nudges"} <= _of_kind("job")
    assert {"deliver_email", "send_nudge"} <= _of_kind("task")


def test_each_scheduled_entry_point_has_exactly_one_scheduler_job():
    targets = _schedule_targets()
    for name in sorted(_of_kind("job")):
        assert targets.count(name) == 1, (
            f"{name} is a scheduled job (@job) with {targets.count(name)} Cloud Scheduler jobs "
            "in infra/terraform/scheduler.tf (`schedules`): give it one"
        )


def test_only_scheduled_entry_points_are_scheduled():
    jobs = _of_kind("job")
    for name in _schedule_targets():
        assert name in jobs, f"scheduler.tf calls {name}, which is not a deployed @job"


def test_scheduled_jobs_take_the_scheduler_account():
    functions = _terraform_functions()
    for name in sorted(_of_kind("job")):
        assert functions[name].get("invoker") == "scheduler", name
    for name, settings in functions.items():
        if settings.get("invoker") == "scheduler":
            assert name in _of_kind("job"), f"{name}: invoker = scheduler, but not a @job"


def test_task_handlers_are_private_to_the_tasks_account():
    functions = _terraform_functions()
    for name in sorted(_of_kind("task")):
        # Cloud Tasks carries the tasks account's OIDC token; nobody else may call a handler.
        assert functions[name]["public"] == "false", name
        assert functions[name].get("invoker") == "tasks", name
    for name, settings in functions.items():
        if settings.get("invoker") == "tasks":
            assert name in _of_kind("task"), f"{name}: invoker = tasks, but not a @task"


# --- runtime identities (infra/terraform/iam.tf) -----------------------------------------------

# The mail provider's credentials go to these alone (the `mail` identity).
MAIL_FUNCTIONS = {"deliver_email", "sweep_outbox", "email_events"}
# The parents' intake (the `intake` identity): the forms, the JSON API and the Google Forms
# script's posts. Its account alone holds the Google Forms secret, and it has no role on the
# administrators' database (iam.tf).
INTAKE_FUNCTIONS = {"feedback_form", "submit_feedback", "intake_google_form"}
# Run as the administrators' account though not administrators' decorators: a @job that
# administrators start too, and a @page that takes an administrator's Bearer token.
ADMIN_BY_ROLE = {"setup_monthly_forums", "forum_report"}
ADMIN_KINDS = {"admin_page", "admin_api", "admin_endpoint", "admin_upload"}


def _identity(name: str) -> str:
    identity = _terraform_functions()[name].get("identity")
    assert identity, f'{name} has no identity = "..." in local.functions (functions.tf)'
    return identity


@pytest.mark.parametrize("name", sorted(_deployable()))
def test_each_function_runs_as_its_group_s_own_account(name):
    kind, _ = _decorator(name)
    identity = _identity(name)
    if name in MAIL_FUNCTIONS:
        expected = {"mail"}
    elif name in INTAKE_FUNCTIONS:
        expected = {"intake"}
    elif name in ADMIN_BY_ROLE or kind in ADMIN_KINDS:
        expected = {"admin"}
    elif kind == "task":
        expected = {"tasks"}
    elif kind == "job":
        expected = {"jobs"}
    else:  # page, json_api: parents, or staff from their signed links
        expected = {"parent", "staff"}
    assert identity in expected, f"{name} (@{kind}) runs as {identity}, not one of {expected}"


def test_the_administrators_account_never_serves_a_parent_or_staff_page():
    for name in sorted(_deployable()):
        if _identity(name) == "admin":
            assert _decorator(name)[0] in ADMIN_KINDS or name in ADMIN_BY_ROLE, name
        if _identity(name) in {"parent", "intake", "staff"}:
            assert _decorator(name)[0] in {"page", "json_api"}, name
            assert _terraform_functions()[name]["public"] == "true", name


def test_the_intake_account_runs_the_intake_functions_alone():
    assert {n for n in _deployable() if _identity(n) == "intake"} == INTAKE_FUNCTIONS
    # They are the ones kept warm (warm = true in functions.tf).
    warm = {n for n, s in _terraform_functions().items() if s.get("warm") == "true"}
    assert warm == INTAKE_FUNCTIONS


def test_the_mail_account_runs_the_mail_functions_alone():
    assert {n for n in _deployable() if _identity(n) == "mail"} == MAIL_FUNCTIONS
    # They are the ones that send or account for mail: the transport is used by one service.
    users = [p for p in (ROOT / "functions" / "services").rglob("*.py")
             if "deps.transport" in p.read_text()]  # fmt: skip
    assert [p.name for p in users] == ["deliver.py"]


def test_every_identity_in_the_map_is_an_account_terraform_creates():
    text = _strip_hcl_comments((TERRAFORM / "iam.tf").read_text())
    declared = set(re.findall(r"^\s*(\w+)\s*=\s*\{", _hcl_block(text, "identities"), re.M))
    assert {_identity(name) for name in _deployable()} == declared
    assert 'account_id   = "ecd-fn-${each.key}"' in text
    functions = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    assert re.search(r"service_account_email\s*=\s*google_service_account\.runtime"
                     r"\[each\.value\.identity\]\.email", functions)  # fmt: skip


def test_every_function_in_the_map_is_a_resource_and_a_job_target_url():
    # The map test_infra_files.py compares with main.py is what the resources are made from.
    text = _strip_hcl_comments((TERRAFORM / "functions.tf").read_text())
    function = re.search(r'resource "google_cloudfunctions2_function" "fn" \{(.*?)^\}', text,
                         re.M | re.S)  # fmt: skip
    assert function, "functions.tf has no google_cloudfunctions2_function.fn"
    assert re.search(r"^\s*for_each\s*=\s*local\.deployed_functions\s*$", function[1], re.M)
    assert re.search(r"^\s*entry_point\s*=\s*each\.key\s*$", function[1], re.M)
    assert re.search(r"for name, fn in local\.functions : name =>", text)
    invoker = re.search(r'resource "google_cloud_run_service_iam_member" "invoker" \{(.*?)^\}',
                        text, re.M | re.S)  # fmt: skip
    assert invoker and re.search(r"for_each\s*=\s*local\.deployed_functions", invoker[1])
    scheduler = _strip_hcl_comments((TERRAFORM / "scheduler.tf").read_text())
    assert 'uri         = "${local.public_base_url}/${each.value.function}"' in scheduler
    assert 'audience              = "${local.public_base_url}/${each.value.function}"' in scheduler


# --- queries and their indexes --------------------------------------------------------------


def _indexes() -> dict:
    return json.loads((ROOT / "infra" / "firestore.indexes.json").read_text())


def _composite() -> set[tuple[str, tuple[str, ...]]]:
    return {(i["collectionGroup"], tuple(f["fieldPath"] for f in i["fields"]))
            for i in _indexes()["indexes"]}  # fmt: skip


def _exempted() -> set[tuple[str, str]]:
    return {(o["collectionGroup"], o["fieldPath"])
            for o in _indexes()["fieldOverrides"] if o.get("indexes") == []}  # fmt: skip


def _adapter_trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text())) for path in sorted(ADAPTERS.glob("*.py"))
            if path.name != "base.py"]  # fmt: skip


def _strings(node: ast.AST | None) -> tuple[str, ...] | None:
    """A literal tuple/list of strings, or a dict's literal string keys; None otherwise."""
    if node is None:
        return ()
    if isinstance(node, (ast.Tuple, ast.List)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = node.keys
    else:
        return None
    if all(isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items):
        return tuple(item.value for item in items)
    return None


def _called_name(call: ast.Call) -> str | None:
    called = call.func
    return called.id if isinstance(called, ast.Name) else getattr(called, "attr", None)


def _calls(tree: ast.AST, name: str):
    """Every call of a function or method of that name in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) == name:
            yield node


def _literal_shapes() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(where, collection, filtered fields, ordered fields) of each query() whose shape is
    written out: filters as query() records them (equalities then ranges, each sorted)."""
    shapes = []
    for path, tree in _adapter_trees():
        for call in _calls(tree, "query"):
            if not isinstance(call.func, ast.Name) or len(call.args) < 3:
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            collection = call.args[1]
            order = call.args[3] if len(call.args) > 3 else keywords.get("order_by")
            filters, ranges, ordered = (_strings(call.args[2]), _strings(keywords.get("ranges")),
                                        _strings(order))  # fmt: skip
            if not isinstance(collection, ast.Name) or None in (filters, ranges, ordered):
                continue  # built at run time: the emulator test sees those
            where = f"{path.name}:{call.lineno}"
            shapes.append((where, getattr(base, collection.id),
                           tuple(sorted(filters)) + tuple(sorted(ranges)), ordered))  # fmt: skip
    return shapes


def test_the_literal_query_shapes_are_found():
    assert len(_literal_shapes()) >= 20, "the adapters' query() calls were not recognised"


@pytest.mark.parametrize("shape", _literal_shapes(), ids=lambda shape: shape[0])
def test_each_query_written_in_an_adapter_has_its_index(shape):
    where, collection, filters, order = shape
    # As tests/integration/test_query_indexes.py reads a recorded shape.
    fields = (*filters, *(f for f in order if f not in filters))
    for field in fields:
        assert (collection, field) not in _exempted(), f"{where}: {field} is not indexed"
    if len(fields) > 1:
        assert (collection, fields) in _composite(), (
            f"{where}: a query on {collection} by {fields} needs that composite index in "
            "infra/firestore.indexes.json"
        )


def _enclosing_functions(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_no_query_bypasses_the_recorded_shapes():
    """A .where() or .order_by() outside query() only narrows a field its query() already
    names (a second bound of a range, a descending order): its shape is recorded, so the
    emulator test checks its index."""
    offenders = []
    for path, tree in _adapter_trees():
        for function in _enclosing_functions(tree):
            named = {ast.dump(arg) for call in _calls(function, "query")
                     for arg in ast.walk(call)}  # fmt: skip
            named |= {ast.dump(arg) for call in _calls(function, "add") for arg in ast.walk(call)}
            for method in ("where", "order_by"):
                for call in _calls(function, method):
                    field = call.args[0] if call.args else None
                    if method == "where":
                        condition = next((k.value for k in call.keywords if k.arg == "filter"),
                                         None)  # fmt: skip
                        field = condition.args[0] if isinstance(condition, ast.Call) else None
                    if isinstance(field, ast.Constant) and field.value == "__name__":
                        continue  # document-name order: served by the built-in index
                    if field is None or ast.dump(field) not in named:
                        offenders.append(f"{path.name}:{call.lineno} {ast.unparse(call)}")
    assert not offenders, "queries whose shape query() does not record:\n" + "\n".join(offenders)


def test_only_the_firestore_adapters_query():
    # Elsewhere a query would escape both index tests.
    pattern = re.compile(r"\.(where|order_by|collection_group)\(")
    for path in (ROOT / "functions").rglob("*.py"):
        if ADAPTERS in path.parents or "devtools" in path.parts:
            continue
        assert not pattern.search(path.read_text()), path.relative_to(ROOT)


def _collection_names(node: ast.AST) -> set[str]:
    return {getattr(base, call.args[0].id) for call in _calls(node, "collection")
            if call.args and isinstance(call.args[0], ast.Name)}  # fmt: skip


def _collections_written_with_expires_at() -> set[tuple[str, str]]:
    """(where, collection) for each adapter method that writes an `expires_at` field: the
    collections it names, or its class's when it names none (it writes through a _ref
    helper). Firestore deletes those documents only under a TTL policy."""
    found = set()
    for path, tree in _adapter_trees():
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for method in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
                keys = {k.value for d in ast.walk(method) if isinstance(d, ast.Dict)
                        for k in d.keys if isinstance(k, ast.Constant)}  # fmt: skip
                if "expires_at" in keys:
                    names = _collection_names(method) or _collection_names(cls)
                    found |= {(f"{path.name}:{cls.name}.{method.name}", c) for c in names}
    return found


def test_every_collection_written_with_expires_at_has_its_ttl_policy():
    written = _collections_written_with_expires_at()
    assert len(written) >= 3, "the adapters' expires_at writes were not recognised"
    ttl = {o["collectionGroup"] for o in _indexes()["fieldOverrides"]
           if o.get("ttl") and o["fieldPath"] == "expires_at"}  # fmt: skip
    for where, collection in sorted(written):
        assert collection in ttl, (
            f"{where} writes expires_at on {collection}, which has no TTL policy in "
            "infra/firestore.indexes.json: its documents would never be deleted"
        )
