"""Loads demo centres and regions, their administrators, the Google Forms field mappings and
the service-level policy, idempotently.

`python -m functions.devtools.seed` loads them all into the Firestore that the environment
points at (the emulator under `make run`); `--form-mappings-only` loads just the mappings,
`--service-levels-only` just infra/service_levels.json and `--forum-plan-only` just
infra/forum_plan.json, which is also how an administrator installs a new form's mapping, a
changed policy or a changed forum plan in production. `--administrator EMAIL --name NAME`
puts the first network administrator on an empty production allow-list (everyone after
them is added by an administrator, through the directory import).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from functions import wiring
from functions.domain.cases.google_forms import FormMapping
from functions.domain.directory.models import Centre, Region

INFRA = Path(__file__).resolve().parents[2] / "infra"
DEMO_DATA = INFRA / "demo" / "demo_data.json"
MAPPINGS_DIR = INFRA / "google_forms" / "mappings"


def load_form_mappings(directory: Path = MAPPINGS_DIR) -> list[str]:
    """Save every mapping file under infra/google_forms/mappings; returns their form ids."""
    store = wiring.form_mappings()
    loaded = []
    for path in sorted(directory.glob("*.json")):
        mapping = FormMapping.model_validate_json(path.read_text(encoding="utf-8"))
        store.save(mapping)
        loaded.append(mapping.form_id)
    return loaded


def load_service_levels() -> str:
    """Save infra/service_levels.json as the policy in force; returns its version."""
    from functions.adapters.firestore.service_levels import policy_from_file

    policy = policy_from_file()
    wiring.service_levels().save(policy, wiring.utc_now().year)
    return policy.version


def load_forum_plan() -> str:
    """Save infra/forum_plan.json as the standing forum plan; returns its version."""
    from functions.adapters.firestore.forum_plan import plan_from_file

    return wiring.forum_plan().save(plan_from_file()).version


def seed_demo_administrators(regions: list[dict]) -> int:
    """The demo allow-list: the local administrator (LOCAL_ADMIN_EMAIL, whom the development
    token stands for) over the whole network, and each demo region's administrator over
    their region. One already listed (perhaps changed or deactivated by an import) is left
    as it is. Returns how many the demo lists."""
    from functions.config import get_settings
    from functions.domain.directory.administrators import Administrator

    store = wiring.administrators()
    listed = [Administrator(email=get_settings().local_admin_email,
                            name="Demo network administrator")]  # fmt: skip
    for region in map(Region.model_validate, regions):
        listed.append(Administrator(email=region.administrator.email,
                                    name=region.administrator.name,
                                    region_id=region.region_id))  # fmt: skip
    known = {administrator.key for administrator in store.list()}
    for administrator in listed:
        if administrator.key not in known:
            store.save(administrator)
    store.publish_contacts()  # data saved by a run before there was a copy gets one
    return len(listed)


def add_network_administrator(email: str, name: str) -> bool:
    """Put a network administrator on the allow-list: how a new deployment gets its first
    one (the directory import that adds the others needs an administrator to run it).
    Returns False, changing nothing on the allow-list, when the address is listed already
    (deactivated or not: that is the administrators' own decision); the copy of the active
    administrators' addresses (administrator_contacts) is written either way."""
    from functions.domain.directory.administrators import Administrator

    administrator = Administrator(email=email.strip(), name=name.strip())
    store = wiring.administrators()
    if administrator.key in {known.key for known in store.list()}:
        store.publish_contacts()  # a deployment upgraded to the copy gets one
        return False
    store.save(administrator)
    return True


def seed_demo_data(path: Path = DEMO_DATA, forums: bool = False) -> dict[str, int | str]:
    """Write the demo regions, centres, form mappings and service levels (set by id, so
    re-running is safe). A region or centre already there is left as it is: what an
    administrator imported or edited under `make run` survives the next start. `forums`:
    the demo forums too (seed_forums; `make run` wants them, most tests start without)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    directory = wiring.centre_directory()
    for region in data["regions"]:
        if directory.get_region(region["region_id"]) is None:
            directory.save_region(Region.model_validate(region))
    for centre in data["centres"]:
        if directory.get_centre(centre["centre_id"]) is None:
            directory.save_centre(Centre.model_validate(centre))
    mappings = load_form_mappings()
    administrators = seed_demo_administrators(data["regions"])
    return {
        "regions": len(data["regions"]),
        "centres": len(data["centres"]),
        "administrators": administrators,
        "forms": len(mappings),
        "service_levels": load_service_levels(),
        "forum_plan": load_forum_plan(),
    } | (
        {"forum_records": seed_forums([c["centre_id"] for c in data["centres"]])} if forums else {}
    )


def compile_demo_month(deps) -> dict[str, int]:
    """The March 2025 month's summaries, compiled as the daily job would have the morning
    after its surveys closed (their emails go to the network's administrators once: compiled
    again, the same figures write and send nothing)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from functions.services.reports.compile import compile_due

    return compile_due(deps, datetime(2025, 4, 3, 6, 0, tzinfo=ZoneInfo("Africa/Johannesburg")))


def seed_forums(centre_ids: list[str]) -> int:
    """The seed report's March 2025 forums with their registrations, attendance and survey
    answers (functions/devtools/demo_forums.py), the cases the demo centres received that
    month (demo_cases.py) and the month's compiled summaries, and this
    month's and the next month's forums from the standing plan, open for registration. No
    invitation goes out: an administrator's setup of the month sends them.
    Returns how many records were written (0 on a re-run)."""
    from functions.devtools.demo_cases import seed_demo_cases
    from functions.devtools.demo_forums import seed_demo_forums
    from functions.domain.forums.plan import forums_for_month, month_of, next_month

    deps, now = wiring.dependencies(), wiring.utc_now()
    written = seed_demo_forums(wiring.firestore_client(), centre_ids)
    centres = [c for c in deps.directory.list_centres() if c.centre_id in centre_ids]
    written += seed_demo_cases(wiring.firestore_client(), centres, deps.service_levels.current())
    compile_demo_month(deps)
    plan = deps.forum_plan.current()
    for month in (month_of(now, plan.timezone), next_month(now, plan.timezone)):
        coming = [forum for forum in forums_for_month(plan, month, now) if forum.starts_at > now]

        def work(uow, coming=coming) -> int:
            missing = [forum for forum in coming if uow.forums.get(forum.forum_id) is None]
            for forum in missing:
                uow.forums.add(forum)
            return len(missing)

        written += deps.transactions.run(work)[0]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--form-mappings-only", action="store_true")
    parser.add_argument("--service-levels-only", action="store_true")
    parser.add_argument("--forum-plan-only", action="store_true")
    parser.add_argument("--administrator", metavar="EMAIL", help="add this network "
                        "administrator (with --name) and nothing else")  # fmt: skip
    parser.add_argument("--name", default="", help="the administrator's name")
    args = parser.parse_args()
    if args.administrator:
        if not args.name.strip():
            parser.error("--administrator needs --name")
        added = add_network_administrator(args.administrator, args.name)
        print("added" if added else "already listed, unchanged:", args.administrator,
              "(the administrators' contacts copied)")  # fmt: skip
    elif args.form_mappings_only:
        print("loaded form mappings:", ", ".join(load_form_mappings()))
    elif args.forum_plan_only:
        print("loaded the forum plan, version", load_forum_plan())
    elif args.service_levels_only:
        print("loaded service levels, version", load_service_levels())
    else:
        print("seeded:", seed_demo_data(forums=True))


if __name__ == "__main__":
    main()
