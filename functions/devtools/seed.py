"""Loads demo centres and regions and the Google Forms field mappings, idempotently.

`python -m functions.devtools.seed` loads both into the Firestore that the environment
points at (the emulator under `make run`); `--form-mappings-only` loads just the mappings,
which is also how an administrator installs a new form's mapping in production.
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


def seed_demo_data(path: Path = DEMO_DATA) -> dict[str, int]:
    """Write the demo regions, centres and form mappings (set by id, so re-running is safe)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    directory = wiring.centre_directory()
    for region in data["regions"]:
        directory.save_region(Region.model_validate(region))
    for centre in data["centres"]:
        directory.save_centre(Centre.model_validate(centre))
    mappings = load_form_mappings()
    return {
        "regions": len(data["regions"]),
        "centres": len(data["centres"]),
        "forms": len(mappings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--form-mappings-only", action="store_true")
    args = parser.parse_args()
    if args.form_mappings_only:
        print("loaded form mappings:", ", ".join(load_form_mappings()))
    else:
        print("seeded:", seed_demo_data())


if __name__ == "__main__":
    main()
