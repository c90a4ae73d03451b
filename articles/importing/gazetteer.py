"""Load the shipped gazetteer (articles/data/gazetteer.json) into District and Place.

Adds what is missing and never deletes: places editors added in the admin stay.
"""

from __future__ import annotations

import json
from pathlib import Path

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json"


def read_gazetteer(path: Path = GAZETTEER_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def sync_gazetteer(district_model, place_model, data: dict | None = None) -> dict[str, int]:
    """Create missing districts and places. Works with historical models in migrations."""
    data = data or read_gazetteer()
    counts = {"districts_created": 0, "places_created": 0}
    districts = {}
    for position, row in enumerate(data["districts"]):
        district, created = district_model.objects.get_or_create(
            name=row["name"],
            defaults={
                "short_name": row["short_name"],
                "slug": row["slug"],
                "kind": row["kind"],
                "aliases": row.get("aliases", []),
                "position": position,
            },
        )
        districts[district.name] = district
        counts["districts_created"] += created
    for row in data.get("places", []):
        district = districts.get(row["district"]) or district_model.objects.filter(name=row["district"]).first()
        if district is None:
            continue
        _, created = place_model.objects.get_or_create(
            name=row["name"],
            defaults={"district": district, "kind": row["kind"], "aliases": row.get("aliases", [])},
        )
        counts["places_created"] += created
    return counts
