"""Specs split over files (relative `$ref`s) and YAML anchors and aliases.

A spec may name pieces in files beside it: they are bundled into one document (components
placed under their names, other pieces copied in place), inside the spec's folder tree only.
YAML anchors, aliases and `<<` merge keys are read as copies, within an expansion budget.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import models_source, run_cli

from generator.errors import InputError
from generator.sdk.load import load_api
from generator.spec.io import MAX_ALIAS_VALUES, parse_spec_text, read_spec
from generator.spec.refs import bundle

MAIN = """\
openapi: 3.0.3
info: {title: Split, version: "1"}
servers: [{url: "https://example.test/v1"}]
paths:
  /pets:
    $ref: paths/pets.yaml
components:
  schemas:
    Owner:
      type: object
      properties:
        pet: {$ref: "models/pet.yaml"}
"""

PETS = """\
get:
  operationId: listPets
  parameters:
    - $ref: "../common.yaml#/components/parameters/limit"
  responses:
    "200":
      description: the pets
      content:
        application/json:
          schema:
            type: array
            items: {$ref: "../models/pet.yaml"}
"""

PET = """\
type: object
required: [name]
properties:
  name: {type: string}
  owner: {$ref: "../common.yaml#/components/schemas/Person"}
"""

COMMON = """\
components:
  parameters:
    limit: {name: limit, in: query, schema: {type: integer}}
  schemas:
    Person:
      type: object
      properties:
        name: {type: string}
        pets: {type: array, items: {$ref: "models/pet.yaml"}}
        likes: {$ref: "#/components/schemas/Kind"}
    Kind: {type: string, enum: [cat, dog]}
"""


def _write(folder: Path) -> Path:
    (folder / "paths").mkdir()
    (folder / "models").mkdir()
    (folder / "paths" / "pets.yaml").write_text(PETS)
    (folder / "models" / "pet.yaml").write_text(PET)
    (folder / "common.yaml").write_text(COMMON)
    spec = folder / "api.yaml"
    spec.write_text(MAIN)
    return spec


def test_files_beside_the_spec_are_bundled_into_components_and_in_place(tmp_path: Path) -> None:
    bundled = bundle(read_spec(_write(tmp_path)))
    data = bundled.data
    schemas = data["components"]["schemas"]
    assert schemas["Owner"]["properties"]["pet"] == {"$ref": "#/components/schemas/pet"}
    # A schema file is one component however many refs name it, even from other files,
    # and the cycle pet -> Person -> pet ends at the components.
    assert schemas["pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Person"}
    assert schemas["Person"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/pet"}
    # A ref local to another file names a piece of that file.
    assert schemas["Person"]["properties"]["likes"] == {"$ref": "#/components/schemas/Kind"}
    assert schemas["Kind"] == {"type": "string", "enum": ["cat", "dog"]}
    # A path item and a parameter are copied in place (the parameter as a component).
    get = data["paths"]["/pets"]["get"]
    assert get["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert data["components"]["parameters"]["limit"]["name"] == "limit"
    api = load_api(bundled)
    assert {m.name for m in api.models} >= {"Owner", "pet", "Person"}
    (op,) = api.operations
    assert (op.python_name, [p.name for p in op.parameters]) == ("list_pets", ["limit"])


def test_generate_reads_a_split_spec(tmp_path: Path) -> None:
    (tmp_path / "spec").mkdir()
    spec = _write(tmp_path / "spec")
    result = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "split_sdk")
    assert result.returncode == 0, result.stderr
    models = models_source(tmp_path / "out" / "split_sdk")
    assert "class Pet(" in models and "class Person(" in models


def test_a_missing_file_or_pointer_is_refused_with_the_refs_pointer(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    no_paths = MAIN.replace("$ref: paths/pets.yaml", "{}")
    spec.write_text(no_paths.replace("models/pet.yaml", "models/gone.yaml"))
    with pytest.raises(InputError, match="names no file") as caught:
        bundle(read_spec(spec))
    assert caught.value.pointer == "/components/schemas/Owner/properties/pet/$ref"
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "gone.yaml").write_text("a: 1\n")
    spec.write_text(no_paths.replace('"models/pet.yaml"', '"models/gone.yaml#/b"'))
    with pytest.raises(InputError, match="names nothing in its file"):
        bundle(read_spec(spec))


def test_a_spec_without_file_refs_is_left_as_it_is(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    plain = MAIN.replace("$ref: paths/pets.yaml", "{}")
    spec.write_text(plain.replace('{$ref: "models/pet.yaml"}', "{type: string}"))
    read = read_spec(spec)
    assert bundle(read) is read


ANCHORS = """\
openapi: 3.0.3
info: {title: Anchors, version: "1"}
servers: [{url: "https://example.test/v1"}]
x-common:
  name: &name {type: string, maxLength: 40}
  base: &base
    type: object
    properties:
      id: {type: string}
paths: {}
components:
  schemas:
    Thing:
      <<: *base
      description: a thing
    Other:
      type: object
      properties:
        first: *name
        last: *name
"""


def test_anchors_aliases_and_merge_keys_are_read_as_copies() -> None:
    spec = parse_spec_text(ANCHORS, "anchors.yaml")
    schemas = spec.data["components"]["schemas"]
    assert schemas["Thing"] == {
        "description": "a thing",
        "type": "object",
        "properties": {"id": {"type": "string"}},
    }
    first, last = schemas["Other"]["properties"]["first"], schemas["Other"]["properties"]["last"]
    assert first == last == {"type": "string", "maxLength": 40} and first is not last
    api = load_api(spec)
    assert [f.python_name for f in api.model("Other").fields] == ["first", "last"]


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(InputError, match="anchor complete before them: \\*loop") as caught:
        parse_spec_text("openapi: 3.0.3\na: &loop\n  b: *loop\n", "loop.yaml")
    assert caught.value.line == 3


def test_an_alias_bomb_is_refused_fast_past_the_budget() -> None:
    lines = ["openapi: 3.0.3", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    started = time.monotonic()
    with pytest.raises(InputError, match=f"more than {MAX_ALIAS_VALUES} values"):
        parse_spec_text("\n".join(lines) + "\n", "bomb.yaml")
    assert time.monotonic() - started < 5


MAPPED = """\
openapi: 3.0.3
info: {title: Mapped, version: "1"}
paths: {}
components:
  schemas:
    Item:
      type: object
      required: [kind]
      properties: {kind: {type: string}}
      discriminator:
        propertyName: kind
        mapping:
          bar: "./schemas/bar.yaml#/Bar"
          item: Item
"""

BAR = """\
Bar:
  allOf:
    - $ref: "../api.yaml#/components/schemas/Item"
    - type: object
      properties: {b: {type: string}}
"""


def test_a_discriminator_mapping_to_another_file_is_bundled_as_a_ref(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "bar.yaml").write_text(BAR)
    spec = tmp_path / "api.yaml"
    spec.write_text(MAPPED)
    data = bundle(read_spec(spec)).data
    mapping = data["components"]["schemas"]["Item"]["discriminator"]["mapping"]
    # Reached by no `$ref`, only by the mapping: still bundled, and named locally.
    assert mapping == {"bar": "#/components/schemas/Bar", "item": "Item"}
    api = load_api(bundle(read_spec(spec)))
    assert {(m.name, m.base) for m in api.models} == {("Item", None), ("Bar", "Item")}


def test_a_ref_to_a_whole_openapi_document_is_refused_at_the_ref(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(MAPPED)
    spec = tmp_path / "api.yaml"
    spec.write_text(
        MAIN.replace("$ref: paths/pets.yaml", "{}").replace("models/pet.yaml", "common.yaml")
    )
    with pytest.raises(InputError, match="names a whole OpenAPI document, not a schema") as caught:
        bundle(read_spec(spec))
    assert caught.value.pointer == "/components/schemas/Owner/properties/pet/$ref"
    assert caught.value.line == 12


def test_lint_judges_the_bundled_spec_and_reports_in_the_file_of_the_finding(
    tmp_path: Path,
) -> None:
    import json

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "pet.yaml").write_text(
        "type: object\nproperties:\n  name:\n    type: string\n    pattern: '^(a+)+$'\n"
        "  tag: {type: string, colour: red}\n"
    )
    (tmp_path / "api.yaml").write_text(
        MAIN.replace("$ref: paths/pets.yaml", "{}").replace(
            '"models/pet.yaml"', '"models/pet.yaml"'
        )
    )
    result = run_cli("lint", "api.yaml", "--format", "json", cwd=tmp_path, timeout=120)
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert not [f for f in findings if "not a local #/ pointer" in f["message"]]
    where = {(f["rule"], f["file"], f["line"], f["pointer"]) for f in findings}
    pet = str(Path("models") / "pet.yaml")
    assert any(
        rule == "spec-pattern"
        and file.endswith(pet)
        and (line, ptr) == (5, "/properties/name/pattern")
        for rule, file, line, ptr in where
    ), where
    # The validator's error in the bundled piece (a schema key 3.0 does not know): in that
    # file too, not in the spec.
    valid = [(file, ptr) for rule, file, _, ptr in where if rule == "spec-valid"]
    assert valid == [(pet, "/")], valid
