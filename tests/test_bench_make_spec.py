"""The synthetic spec maker: valid OpenAPI, exact sizes, Graph's shapes, same bytes every time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import load_bench
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent


maker = load_bench("make_spec.py")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return maker.make_spec(60, 50, seed=3)  # type: ignore[no-any-return]


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("schemas", "paths", "seed"), [(11, 0, 0), (12, 7, 1), (40, 90, 2), (60, 50, 3)]
)
def test_small_specs_pass_the_validator_with_exact_sizes(
    schemas: int, paths: int, seed: int
) -> None:
    doc = maker.make_spec(schemas, paths, seed)
    reloaded = yaml.safe_load(maker.dump_yaml(doc))
    validate(reloaded)
    assert reloaded == doc
    assert reloaded["openapi"] == "3.0.3"
    assert len(reloaded["components"]["schemas"]) == schemas
    assert len(reloaded["paths"]) == paths


def test_same_arguments_give_the_same_bytes_and_other_seeds_differ(
    tmp_path: Path,
) -> None:
    first, second, other = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    assert maker.main(["--schemas", "30", "--paths", "20", "-o", str(first)]) == 0
    assert maker.main(["--schemas", "30", "--paths", "20", "-o", str(second)]) == 0
    assert maker.main(["--schemas", "30", "--paths", "20", "--seed", "1", "-o", str(other)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert yaml.safe_load(first.read_text()) == maker.make_spec(30, 20)


def test_json_output_holds_the_same_document(tmp_path: Path) -> None:
    out = tmp_path / "spec.json"
    assert maker.main(["--schemas", "15", "--paths", "4", "-o", str(out)]) == 0
    assert yaml.safe_load(out.read_text()) == maker.make_spec(15, 4)


def test_too_few_schemas_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        maker.main(["--schemas", "5", "--paths", "1"])
    assert exc.value.code == 2
    assert "schemas must be at least" in capsys.readouterr().err


def test_names_are_dotted_and_entity_is_the_root_with_a_discriminator(
    doc: dict[str, Any],
) -> None:
    schemas = _schemas(doc)
    assert all(name.startswith("microsoft.graph.") for name in schemas)
    assert any(name.startswith("microsoft.graph.security.") for name in schemas)
    entity = schemas["microsoft.graph.entity"]
    assert set(entity["properties"]) == {"id", "@odata.type"}
    assert entity["discriminator"]["propertyName"] == "@odata.type"
    mapping = entity["discriminator"]["mapping"]
    assert mapping and all(key == "#" + value.rsplit("/", 1)[1] for key, value in mapping.items())


def _depth(schemas: dict[str, Any], name: str) -> int:
    """allOf steps from ``name`` up to microsoft.graph.entity."""
    depth = 0
    while name != "microsoft.graph.entity":
        name = schemas[name]["allOf"][0]["$ref"].rsplit("/", 1)[1]
        depth += 1
    return depth


def test_inheritance_chains_are_one_to_three_deep_and_all_occur() -> None:
    schemas = _schemas(maker.make_spec(200, 10))
    depths = {_depth(schemas, n) for n, s in schemas.items() if "allOf" in s}
    assert depths == {1, 2, 3}
    for name, schema in schemas.items():
        if "allOf" in schema and "discriminator" in schema:  # a base: lists every descendant
            for target in schema["discriminator"]["mapping"].values():
                assert _depth(schemas, target.rsplit("/", 1)[1]) > _depth(schemas, name)


def test_enums_are_strings_ending_in_unknown_future_value(doc: dict[str, Any]) -> None:
    enums = [s for s in _schemas(doc).values() if "enum" in s]
    assert enums
    for schema in enums:
        assert schema["type"] == "string"
        assert schema["enum"][-1] == "unknownFutureValue"
        assert len(set(schema["enum"])) == len(schema["enum"])


def _properties(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for schema in _schemas(doc).values():
        for part in [schema, *schema.get("allOf", [])]:
            out.extend(part.get("properties", {}).values())
    return out


def test_property_shapes_graph_uses_all_appear(doc: dict[str, Any]) -> None:
    props = _properties(doc)
    nullable_refs = [p for p in props if "anyOf" in p]
    assert nullable_refs
    for p in nullable_refs:
        assert p["anyOf"][1] == {"type": "object", "nullable": True}
        assert p["anyOf"][0]["$ref"].startswith("#/components/schemas/microsoft.graph.")
    assert any(p.get("type") == "array" and "$ref" in p["items"] for p in props)
    assert any(p.get("type") == "array" and p["items"].get("type") == "string" for p in props)
    int32 = [p for p in props if p.get("format") == "int32"]
    assert int32 and all(p["minimum"] == -(2**31) and p["maximum"] == 2**31 - 1 for p in int32)
    assert any(p.get("format") == "date-time" for p in props)


def _refs(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["$ref"].rsplit("/", 1)[1]} if "$ref" in schema else set()
        for value in schema.values():
            found |= _refs(value)
        return found
    if isinstance(schema, list):
        return set().union(*(_refs(v) for v in schema)) if schema else set()
    return set()


def test_recursion_a_model_holding_itself_and_a_pair_holding_each_other(
    doc: dict[str, Any],
) -> None:
    schemas = _schemas(doc)
    own = {name: _refs(schema.get("properties", {})) for name, schema in schemas.items()}
    assert any(name in refs for name, refs in own.items())
    assert any(b in own[a] and a in own[b] for a in own for b in own[a] if a != b)


def test_each_entity_set_has_list_create_get_update_delete(doc: dict[str, Any]) -> None:
    paths = doc["paths"]
    top = [p for p in paths if p.count("/") == 1]
    assert top
    for path in top:
        item = next(p for p in paths if p.startswith(path + "/{") and p.count("/") == 2)
        segment = path[1:]
        assert (
            paths[path]["get"]["operationId"] == f"{segment}.List{segment[0].upper()}{segment[1:]}"
        )
        assert set(paths[path]) == {"get", "post"}
        assert {"get", "patch", "delete", "parameters"} == set(paths[item])
        assert paths[item]["parameters"][-1]["in"] == "path"
        listing = paths[path]["get"]
        assert listing["x-ms-pageable"]["nextLinkName"] == "@odata.nextLink"
        page = doc["components"]["responses"][listing["responses"]["200"]["$ref"].rsplit("/", 1)[1]]
        assert set(page["content"]["application/json"]["schema"]["properties"]) == {
            "value",
            "@odata.nextLink",
        }
    ids = [
        op["operationId"] for item in paths.values() for k, op in item.items() if k != "parameters"
    ]
    assert len(ids) == len(set(ids))


def test_errors_and_security_follow_graph(doc: dict[str, Any]) -> None:
    error = doc["components"]["responses"]["error"]
    assert error["content"]["application/json"]["schema"]["$ref"].endswith(
        "microsoft.graph.ODataErrors.ODataError"
    )
    for item in doc["paths"].values():
        for key, op in item.items():
            if key != "parameters":
                assert op["responses"]["4XX"] == {"$ref": "#/components/responses/error"}
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert doc["security"] == [{"bearerAuth": []}]


def test_many_paths_nest_through_navigation_with_unique_parameter_names() -> None:
    doc = maker.make_spec(11, 120)
    assert len(doc["paths"]) == 120
    deepest = max(doc["paths"], key=lambda p: p.count("{"))
    names = [p["name"] for p in doc["paths"][deepest]["parameters"]]
    assert len(names) >= 3 and len(names) == len(set(names))
    validate(doc)
