"""The JSON API answers as docs/openapi.json says, for parameters generated from that description."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "openapi.json").read_text(encoding="utf-8"))
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}


def resolve(schema):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return SCHEMA["components"]["schemas"][name]
    return schema


def check(value, schema, where="$"):
    """A small structural validator: required keys, types, enums, nested arrays and objects."""
    schema = resolve(schema)
    if value is None:
        assert schema.get("nullable"), f"{where} is null"
        return
    expected = schema.get("type")
    if expected:
        assert isinstance(value, TYPES[expected]) and not (expected == "integer" and isinstance(value, bool)), f"{where}: {value!r} is not {expected}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    for key in schema.get("required", []):
        assert key in value, f"{where} lacks {key}"
    for key, sub in schema.get("properties", {}).items():
        if isinstance(value, dict) and key in value:
            check(value[key], sub, f"{where}.{key}")
    if expected == "array" and "items" in schema:
        for i, item in enumerate(value):
            check(item, schema["items"], f"{where}[{i}]")


def value_for(parameter):
    schema = parameter["schema"]
    garbage = st.text(max_size=8)
    if schema.get("enum"):
        return st.one_of(st.sampled_from(schema["enum"]), garbage)
    if schema["type"] == "integer":
        return st.one_of(st.integers(min_value=schema.get("minimum", 0), max_value=schema.get("maximum", 200)), st.integers(-5, 10**12), garbage).map(str)
    if schema["type"] == "boolean":
        return st.sampled_from(["true", "false", "1", "0", "maybe"])
    if schema.get("format") == "date":
        return st.one_of(st.dates().map(str), garbage)
    return st.one_of(st.sampled_from(["株洲", "芦淞", "渌口 项目", "lukou", "tou-ban", "邹怡敏"]), garbage)


SEARCH = SCHEMA["paths"]["/api/search"]["get"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=st.fixed_dictionaries({}, optional={p["name"]: value_for(p) for p in SEARCH["parameters"]}))
def test_search_api_follows_its_description(client, imported_seeds, params):
    response = client.get("/api/search", params)
    documented = SEARCH["responses"]
    assert str(response.status_code) in documented, (params, response.status_code)
    check(response.json(), documented[str(response.status_code)]["content"]["application/json"]["schema"])


def test_article_and_issue_endpoints_follow_their_description(client, imported_seeds):
    from articles.models import Article

    article_op = SCHEMA["paths"]["/api/articles/{id}.json"]["get"]["responses"]
    for pk in [*Article.objects.values_list("pk", flat=True)[:10], 999999]:
        response = client.get(f"/api/articles/{pk}.json")
        check(response.json(), article_op[str(response.status_code)]["content"]["application/json"]["schema"])
    issue_op = SCHEMA["paths"]["/api/issues/{date}.json"]["get"]["responses"]
    for day in ["2023-02-09", "2025-02-06", "2023-02-30", "1999-01-01"]:
        response = client.get(f"/api/issues/{day}.json")
        assert str(response.status_code) in issue_op
        check(response.json(), issue_op[str(response.status_code)]["content"]["application/json"]["schema"])


def test_the_description_is_served(client, db):
    assert client.get("/api/openapi.json").json()["openapi"].startswith("3.")
