"""OpenAPI 3.0/3.1 schema constructs typed in the generated SDK, as a user meets them.

One small spec of our own holds every construct (3.1 type arrays, const, enums of other
types than strings, `enum: [null]`, boolean schemas, prefixItems, $defs, oneOf/anyOf with
and without a discriminator, allOf over non-object members, inline objects and enums,
required properties). It is generated once; each test reads the code it became, round
trips data through `from_dict`/`to_dict` and runs the validators; one test runs
`mypy --strict` and ruff over the whole package.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import models_source, run_cli

from generator.sdk import naming

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Zoo", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["pets"],
                                    "properties": {
                                        "pets": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Pet"},
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            },
            "patch": {
                "operationId": "patchOwner",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}
                    }
                },
                "responses": {"204": {"description": "done"}},
            },
        }
    },
    "components": {
        "schemas": {
            "Cat": {
                "type": "object",
                "required": ["kind", "lives"],
                "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}},
            },
            "Dog": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"const": "dog"}, "bark": {"type": ["string", "null"]}},
            },
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"cat": "Cat", "dog": "#/components/schemas/Dog"},
                },
            },
            "Unit": {"type": "string", "enum": ["kg", "lb"]},
            "Mood": {"type": ["string", "null"], "enum": ["happy", None]},
            "Weight": {"allOf": [{"$ref": "#/components/schemas/Unit"}, {"description": "a unit"}]},
            "Shape": {
                "type": "object",
                "properties": {"sides": {"type": "integer"}},
            },
            "Label": {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "str": {"type": "integer"},  # a field hiding a builtin type: still typed
                    "list": {"type": "array", "items": {"type": "string"}},
                    "label": {"type": "string", "enum": ["str", "int"]},
                },
            },
            "Zoo": {
                "type": "object",
                "required": ["name", "pet"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "pet": {"$ref": "#/components/schemas/Pet"},
                    "nickname": {"type": ["string", "null"]},
                    "idOrName": {"type": ["integer", "string"]},
                    "level": {"enum": [1, 2, 3]},
                    "nothing": {"enum": [None]},
                    "anything": True,
                    "size": {"type": "string", "enum": ["small", "large"]},
                    "address": {
                        "type": "object",
                        "required": ["street"],
                        "properties": {"street": {"type": "string"}},
                    },
                    "pair": {
                        "type": "array",
                        "prefixItems": [{"type": "string"}, {"type": "integer"}],
                    },
                    "tags": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                    "either": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/Shape"},
                            {"$ref": "#/components/schemas/Label"},
                        ]
                    },
                    "weight": {"$ref": "#/components/schemas/Weight"},
                    "score": {"$ref": "#/components/schemas/Zoo/$defs/Score"},
                    "ratio": {"type": "number", "exclusiveMinimum": 0},
                    "examples": {"type": "string", "examples": ["a", "b"]},
                    "star": {"$ref": "#/components/schemas/Animal"},
                    "moods": {"type": "array", "items": {"$ref": "#/components/schemas/Mood"}},
                },
                "$defs": {"Score": {"type": "integer", "minimum": 0}},
            },
            "Animal": {
                "type": "object",
                "required": ["petType"],
                "properties": {"petType": {"type": "string"}},
                "discriminator": {"propertyName": "petType", "mapping": {"lion": "Lion"}},
            },
            "Lion": {
                "allOf": [
                    {"$ref": "#/components/schemas/Animal"},
                    {"type": "object", "properties": {"mane": {"type": "boolean"}}},
                ]
            },
            "Tiger": {
                "allOf": [
                    {"$ref": "#/components/schemas/Animal"},
                    {"type": "object", "properties": {"stripes": {"type": "integer"}}},
                ]
            },
            "Owner": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    root = tmp_path_factory.mktemp("zoo")
    spec = root / "zoo.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    result = run_cli("generate", str(spec), "-o", str(root / "sdk"), "--package", "zoo_sdk")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    sys.path.insert(0, str(root / "sdk"))
    try:
        yield importlib.import_module("zoo_sdk"), root / "sdk"
    finally:
        sys.path.remove(str(root / "sdk"))
        for name in [m for m in sys.modules if m == "zoo_sdk" or m.startswith("zoo_sdk.")]:
            del sys.modules[name]


def _models(zoo: tuple[Any, Path]) -> str:
    return models_source(zoo[1] / "zoo_sdk")


def test_the_package_passes_mypy_strict_and_ruff(zoo: tuple[Any, Path], tmp_path: Path) -> None:
    folder = zoo[1]
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={tmp_path}", "zoo_sdk"],
        cwd=folder,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert mypy.returncode == 0, mypy.stdout
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "zoo_sdk"],
        cwd=folder,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ruff.returncode == 0, ruff.stdout


def test_a_discriminated_one_of_is_a_typed_union_decoded_by_its_tag(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    assert "pet: Cat | Dog = _rt.required()" in _models(zoo)
    zoo_obj = sdk.Zoo.from_dict({"name": "z", "pet": {"kind": "dog", "bark": None}})
    assert type(zoo_obj.pet) is sdk.Dog and zoo_obj.pet.bark is None
    assert sdk.Zoo.from_dict({"name": "z", "pet": {"kind": "cat", "lives": 9}}).pet == sdk.Cat(
        kind="cat", lives=9
    )
    assert zoo_obj.to_dict() == {"name": "z", "pet": {"kind": "dog", "bark": None}}
    errors = sdk.validators.validate_zoo({"name": "z", "pet": {"kind": "cow"}})
    assert [(e.path, e.message) for e in errors] == [("/pet/kind", "must be one of ['cat', 'dog']")]
    errors = sdk.validators.validate_zoo({"name": "z", "pet": {"kind": "cat"}})
    assert [(e.path, e.message) for e in errors] == [("/pet/lives", "is required")]


def test_a_base_with_a_discriminator_decodes_its_subclasses(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    assert "class Lion(Animal):" in _models(zoo)
    base = {"name": "z", "pet": {"kind": "dog"}}
    star = sdk.Zoo.from_dict({**base, "star": {"petType": "lion", "mane": True}}).star
    assert type(star) is sdk.Lion and star.mane is True
    assert type(sdk.Zoo.from_dict({**base, "star": {"petType": "Tiger"}}).star) is sdk.Tiger
    assert type(sdk.Animal.from_dict({"petType": "bear"})) is sdk.Animal
    errors = sdk.validators.validate_zoo({**base, "star": {"petType": "lion", "mane": 1}})
    assert [(e.path, e.keyword) for e in errors] == [("/star/mane", "type")]


def test_an_undiscriminated_any_of_takes_the_first_option_that_fits(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    assert "tags: str | list[str] | UnsetType = UNSET" in _models(zoo)
    assert "either: Shape | Label | UnsetType = UNSET" in _models(zoo)
    assert "list: _builtins.list[_builtins.str] | UnsetType = UNSET" in _models(zoo)
    assert sdk.Zoo.from_dict({"name": "z", "pet": {"kind": "dog"}, "tags": ["a"]}).tags == ["a"]
    found = sdk.Zoo.from_dict({"name": "z", "pet": {"kind": "dog"}, "either": {"text": "t"}}).either
    assert type(found) is sdk.Shape  # no required property tells them apart: the first fits
    errors = sdk.validators.validate_zoo({"name": "z", "pet": {"kind": "dog"}, "tags": 5})
    assert [(e.path, e.keyword) for e in errors] == [("/tags", "anyOf")]
    with pytest.raises(sdk.DecodeError):
        sdk.Zoo.from_dict({"name": "z", "pet": {"kind": "dog"}, "tags": 5})


def test_type_arrays_const_and_non_string_enums(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    code = _models(zoo)
    assert "nickname: str | None | UnsetType = UNSET" in code
    assert "id_or_name: int | str | UnsetType = UNSET" in code
    assert "level: Literal[1, 2, 3] | UnsetType = UNSET" in code
    assert "nothing: None | UnsetType = UNSET" in code
    assert 'kind: Literal["cat"] = _rt.required()' in code
    errors = sdk.validators.validate_zoo(
        {
            "name": "z",
            "pet": {"kind": "dog"},
            "level": True,
            "nothing": 0,
            "idOrName": 1.5,
            "nickname": None,
        }
    )
    assert [(e.path, e.keyword) for e in errors] == [
        ("/level", "enum"),
        ("/nothing", "type"),
        ("/idOrName", "anyOf"),
    ]


def test_an_enum_listing_null_makes_its_uses_nullable(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    assert "moods: list[Mood | None] | UnsetType = UNSET" in _models(zoo)
    zoo_obj = sdk.Zoo.from_dict({"name": "z", "pet": {"kind": "dog"}, "moods": ["happy", None]})
    assert zoo_obj.moods == [sdk.Mood.HAPPY, None]
    assert zoo_obj.to_dict()["moods"] == ["happy", None]
    errors = sdk.validators.validate_zoo({"name": "z", "pet": {"kind": "dog"}, "moods": [None, 1]})
    assert [(e.path, e.keyword) for e in errors] == [("/moods/1", "type")]


def test_inline_objects_and_enums_are_classes_named_from_their_place(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    code = _models(zoo)
    assert "address: ZooAddress | UnsetType = UNSET" in code
    assert "size: ZooSize | UnsetType = UNSET" in code
    assert "pets: list[Cat | Dog] = _rt.required()" in code  # ListPetsResponse, an answer
    zoo_obj = sdk.Zoo.from_dict(
        {"name": "z", "pet": {"kind": "dog"}, "address": {"street": "s"}, "size": "large"}
    )
    assert zoo_obj.address == sdk.ZooAddress(street="s")
    assert zoo_obj.size is sdk.ZooSize.LARGE
    assert sdk.ListPetsResponse.from_dict({"pets": [{"kind": "dog"}]}).pets == [sdk.Dog(kind="dog")]
    errors = sdk.validators.validate_zoo(
        {"name": "z", "pet": {"kind": "dog"}, "address": {}, "size": "huge"}
    )
    assert [(e.path, e.keyword) for e in errors] == [
        ("/address/street", "required"),
        ("/size", "enum"),
    ]


def test_boolean_schemas_prefix_items_defs_and_all_of_over_an_enum(zoo: tuple[Any, Path]) -> None:
    sdk, _ = zoo
    code = _models(zoo)
    assert "anything: object | UnsetType = UNSET" in code  # `true`: any value, said so
    assert "pair: list[str | int] | UnsetType = UNSET" in code
    assert "score: int | UnsetType = UNSET" in code
    assert "weight: Unit | UnsetType = UNSET" in code
    assert "examples: str | UnsetType = UNSET" in code
    zoo_obj = sdk.Zoo.from_dict(
        {"name": "z", "pet": {"kind": "dog"}, "weight": "kg", "pair": ["a", 1]}
    )
    assert zoo_obj.weight is sdk.Unit.KG and zoo_obj.to_dict()["weight"] == "kg"
    errors = sdk.validators.validate_zoo(
        {"name": "z", "pet": {"kind": "dog"}, "score": -1, "ratio": 0, "pair": [None]}
    )
    assert [(e.path, e.keyword) for e in errors] == [
        ("/score", "range"),
        ("/ratio", "range"),
        ("/pair/0", "anyOf"),
    ]


def test_required_properties_are_constructor_keywords_except_on_patch_bodies(
    zoo: tuple[Any, Path],
) -> None:
    sdk, _ = zoo
    code = _models(zoo)
    assert "name: str = _rt.required()" in code  # Zoo: an answer's model
    assert "street: str = _rt.required()" in code
    assert "name: str | UnsetType = UNSET" in code  # Owner: a PATCH body, sent partially
    owner = sdk.Owner(age=3)
    assert owner.to_patch_dict() == {"age": 3}
    unread = sdk.Zoo.from_dict({"pet": {"kind": "dog"}})
    assert unread.name is sdk.UNSET  # left out by the service: UNSET, and the validator says so
    assert [e.path for e in sdk.validators.validate_zoo({"pet": {"kind": "dog"}})] == ["/name"]


# -- what cannot be typed is said -----------------------------------------------------------


def _generate(
    tmp_path: Path, schemas: dict[str, Any], *options: str
) -> subprocess.CompletedProcess[str]:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return run_cli(
        "generate", str(path), "-o", str(tmp_path / "out"), "--package", "t_sdk", *options
    )


def test_a_false_schema_is_a_warning_naming_its_pointer_and_strict_fails(tmp_path: Path) -> None:
    schemas = {
        "Thing": {"type": "object", "properties": {"never": False, "ok": {"type": "string"}}}
    }
    result = _generate(tmp_path, schemas)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warning = "at /components/schemas/Thing/properties/never: a `false` schema admits no value"
    assert warning in result.stderr
    (tmp_path / "strict").mkdir()
    strict = _generate(tmp_path / "strict", schemas, "--strict")
    assert strict.returncode == 1 and warning in strict.stderr
    assert not (tmp_path / "strict" / "out").exists()


def test_an_all_of_entry_that_is_not_an_object_is_a_warning_not_a_refusal(tmp_path: Path) -> None:
    schemas = {
        "State": {"type": "string", "enum": ["on", "off"]},
        "Thing": {
            "allOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"$ref": "#/components/schemas/State"},
            ]
        },
    }
    result = _generate(tmp_path, schemas)
    assert result.returncode == 0, result.stderr
    assert (
        "at /components/schemas/Thing/allOf/1: allOf entry 'State' is not an object"
        in result.stderr
    )


def test_inline_class_names_never_take_a_component_name() -> None:
    places = {"/b": ("Pet", "owner"), "/a": ("Pet", "owner"), "/c": ("class",)}
    assert naming.place_names(places, {"PetOwner"}) == {
        "/a": "PetOwner_2",
        "/b": "PetOwner_3",
        "/c": "Class",
    }


def test_a_union_listing_itself_is_its_other_members_with_a_warning(tmp_path: Path) -> None:
    item = {"$ref": "#/components/schemas/Item"}
    schemas = {
        "Ref": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Item": {"oneOf": [item, {"$ref": "#/components/schemas/Ref"}]},
        "Box": {"type": "object", "properties": {"item": item}},
    }
    result = _generate(tmp_path, schemas)
    assert result.returncode == 0, result.stderr
    assert "at /components/schemas/Item/oneOf/0: this oneOf member is the union itself" in (
        result.stderr
    )
    models = models_source(tmp_path / "out" / "t_sdk")
    assert "    item: Ref | UnsetType = UNSET" in models
    (tmp_path / "only").mkdir()
    alone = _generate(tmp_path / "only", {**schemas, "Item": {"anyOf": [item, item]}})
    assert alone.returncode == 2 and "Traceback" not in alone.stderr  # nothing left: refused
    assert "at /components/schemas/Item: every anyOf member is the union itself" in alone.stderr


def _load(tmp_path: Path, package: str = "t_sdk") -> Any:
    """The generated package under ``tmp_path/out``, imported afresh."""
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp_path / "out"))


def _models_warning(
    tmp_path: Path, schemas: dict[str, Any], warnings: list[str]
) -> tuple[str, str]:
    """Generate ``schemas``, check each warning is printed; the models module's text and
    the warnings."""
    result = _generate(tmp_path, schemas)
    assert result.returncode == 0, result.stderr
    for warning in warnings:
        assert warning in result.stderr
    return models_source(tmp_path / "out" / "t_sdk"), result.stderr


def test_a_constraint_only_refinement_keeps_the_type_and_adds_the_constraint(
    tmp_path: Path,
) -> None:
    # `code` is a string in the mixin; a later allOf part only adds `minLength`.
    schemas = {
        "Base": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "Coded": {"type": "object", "properties": {"code": {"type": "string"}}},
        "Item": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"$ref": "#/components/schemas/Coded"},
                {"properties": {"code": {"minLength": 1, "description": "short"}}},
            ]
        },
    }
    result = _generate(tmp_path, schemas)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    models = models_source(tmp_path / "out" / "t_sdk")
    item = models[models.index("class Item(") :]
    assert "code: str | UnsetType" in item and "object" not in item.split("\n\n\n")[0]
    sdk = _load(tmp_path)
    assert [e.path for e in sdk.validators.validate_item({"code": ""})] == ["/code"]
    assert sdk.validators.validate_item({"code": "a"}) == []


def test_refining_an_inherited_field_is_a_warning_and_makes_no_class(tmp_path: Path) -> None:
    schemas = {
        "Detail": {"type": "object", "properties": {"code": {"type": "string"}}},
        "Base": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"$ref": "#/components/schemas/Detail"},
            },
        },
        "Derived": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "properties": {
                        "code": {"minLength": 1},
                        "detail": {"properties": {"code": {"minLength": 1}}},
                    }
                },
            ]
        },
        # The same schema again, or text only, refines nothing: no warning.
        "Same": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"properties": {"code": {"type": "string"}, "detail": {"description": "d"}}},
            ]
        },
    }
    models, stderr = _models_warning(
        tmp_path,
        schemas,
        [
            f"at /components/schemas/Derived/allOf/1/properties/{prop}: property {prop!r} is "
            "inherited from 'Base'; this part's refinement of it is not applied"
            for prop in ("code", "detail")
        ],
    )
    assert "Same" not in stderr
    # No inline model for the refinement of `detail`, and no field typed `object`.
    assert "class DerivedDetail" not in models and ": object" not in models
    assert _load(tmp_path).models.Derived(code="x").code == "x"


def test_a_const_object_or_array_is_typed_by_the_json_types_of_its_values(tmp_path: Path) -> None:
    schemas = {
        "Settings": {
            "type": "object",
            "properties": {
                "settings": {"const": {"enabled": True, "limit": 3}},
                "choices": {"const": [1, "two", None]},
            },
        }
    }
    # Which one value it must be is not checked: still a warning at each pointer.
    models, _ = _models_warning(
        tmp_path,
        schemas,
        [
            f"at /components/schemas/Settings/properties/{prop}: a `const` array or object is "
            "typed by its JSON type only"
            for prop in ("settings", "choices")
        ],
    )
    assert "settings: dict[str, bool | int] | UnsetType" in models
    assert "choices: list[int | str | None] | UnsetType" in models
    sdk = _load(tmp_path)
    data = {"settings": {"enabled": True, "limit": 3}, "choices": [1, "two", None]}
    assert sdk.models.Settings.from_dict(data).to_dict() == data
    assert sdk.validators.validate_settings(data) == []
