"""generator.spec.validator: the library's verdicts, every one, only faster."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.spec.validator import validator_for
from tests.helpers import ROOT


def _errors(cls: type[Any], data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    return [(tuple(e.absolute_path), e.message) for e in cls(data).iter_errors()]


def _edge() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "tests/golden/edge/spec.yaml").read_text(encoding="utf-8"))


def _broken_variants() -> list[dict[str, Any]]:
    """The edge spec broken in several places at once, each a different kind of error."""
    variants = []
    spec = _edge()
    schemas = spec["components"]["schemas"]
    name = next(iter(schemas))
    first = copy.deepcopy(spec)
    first["components"]["schemas"][name]["type"] = "objekt"
    variants.append(first)
    second = copy.deepcopy(spec)
    for path_item in second["paths"].values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                operation.pop("responses", None)
    variants.append(second)
    third = copy.deepcopy(spec)
    for schema in third["components"]["schemas"].values():
        schema["required"] = "not-a-list"
        schema["default"] = {"unexpected": True} if schema.get("type") == "string" else 7
    variants.append(third)
    return variants


def test_the_edge_spec_is_valid_for_both() -> None:
    spec = _edge()
    assert _errors(validator_for(spec["openapi"]), spec) == []
    assert _errors(OpenAPIV30SpecValidator, spec) == []


@pytest.mark.parametrize("index", range(3))
def test_every_error_is_the_librarys_own_in_the_same_order(index: int) -> None:
    spec = _broken_variants()[index]
    expected = _errors(OpenAPIV30SpecValidator, spec)
    assert expected, "the variant must be invalid"
    assert _errors(validator_for("3.0.3"), spec) == expected


def test_a_31_spec_gets_the_31_validator() -> None:
    spec = _edge()
    spec["openapi"] = "3.1.0"
    cls = validator_for("3.1.0")
    assert issubclass(cls, OpenAPIV31SpecValidator)
    assert _errors(cls, spec) == _errors(OpenAPIV31SpecValidator, spec)


def test_the_schema_validator_keeps_its_records_in_sets() -> None:
    validator = validator_for("3.0.3")(_edge())
    schema_validator = validator.keyword_validators_registry["schema"]
    for name in ("visited_schema_ids", "meta_checked_schema_ids"):
        records = getattr(schema_validator, name)
        assert isinstance(records, list) and type(records) is not list
        records.append(12345)
        assert 12345 in records and 54321 not in records


def test_the_rust_backend_judges_the_json_schema_part() -> None:
    # A dependency of apigen's: openapi-spec-validator picks it up by itself.
    from openapi_spec_validator.schemas import get_validator_backend

    assert get_validator_backend() == "jsonschema-rs"


def test_messages_keep_their_first_paragraph_only() -> None:
    from generator.spec.validator import message_of

    spec = _broken_variants()[1]
    error = next(iter(validator_for("3.0.3")(spec).iter_errors()))
    assert message_of(error) == '"responses" is a required property'
    assert "\n" not in message_of(error) and "\n\n" in error.message


@pytest.mark.parametrize("index", range(3))
def test_a_resolver_that_forgets_prefixes_gives_the_same_errors(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.spec import validator as spec_validator

    monkeypatch.setattr(spec_validator, "_PREFIXES", 3)  # forgets almost everything
    spec = _broken_variants()[index]
    validator = validator_for("3.0.3")(spec)
    found = [(tuple(e.absolute_path), e.message) for e in validator.iter_errors()]
    assert found == _errors(OpenAPIV30SpecValidator, spec)
    prefixes = validator.schema_path.accessor._path_resolver.prefix_cache._cache
    assert 0 < len(prefixes) <= 3


def _invalid_spec_file() -> Any:
    from generator.spec.io import parse_spec_text

    spec = _edge()
    spec["paths"]["/things"]["get"].pop("responses")
    return parse_spec_text(yaml.safe_dump(spec, sort_keys=False), "broken.yaml")


def test_the_judge_process_reports_what_the_thread_reports() -> None:
    from generator.errors import InputError
    from generator.spec.validate import Judge, Verdict

    spec = _invalid_spec_file()
    with pytest.raises(InputError) as in_thread:
        Verdict(spec).wait()
    with Judge() as judge, pytest.raises(InputError) as in_process:
        Verdict(spec, judge).wait()
    assert str(in_process.value) == str(in_thread.value)
    assert in_process.value.pointer == "/paths/~1things/get" and in_process.value.line


def test_a_judge_process_that_dies_is_a_clear_error_not_a_traceback() -> None:
    import os
    import signal
    import sys

    from generator.errors import InputError
    from generator.spec.validate import Judge, Verdict

    if sys.platform != "linux":
        pytest.skip("the judge is a process on Linux only")
    with Judge() as judge:
        assert judge.pool is not None
        judge.pool.submit(os.kill, 0, 0).result()  # the process is up
        for pid in list(judge.pool._processes):
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(InputError, match="stopped unexpectedly|invalid OpenAPI"):
            Verdict(_invalid_spec_file(), judge).wait()


def test_no_judge_process_is_forked_while_other_threads_run() -> None:
    import threading

    from generator.errors import InputError
    from generator.spec.validate import Judge, Verdict

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with Judge() as judge:
            assert judge.pool is None
            with pytest.raises(InputError, match="invalid OpenAPI"):
                Verdict(_invalid_spec_file(), judge).wait()  # judged in a thread instead
    finally:
        release.set()
        other.join()


_REFUSALS = {
    # A key a 3.0 schema object cannot have: the validator says only that the schema is
    # "not valid under any of the schemas listed in 'oneOf'", after a dump of the schema.
    "unknown key": (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Note:\n      type: object\n      properties:\n        comments:\n"
        "          type: array\n          items: {type: string}\n"
        "          default_factory: list\n",
        "/components/schemas/Note/properties/comments",
        10,
        "unknown key 'default_factory' (only `x-` extension keys may be added)",
    ),
    # A YAML date in a document that is invalid for another reason (no `info`): the date
    # must not hide the reason.
    "date": (
        "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n"
        "    D: {type: string, format: date, example: 2023-12-25}\n",
        "/",
        1,
        "'info' is a required property",
    ),
    # An error inside a 3.1 schema object comes relative to the schema: placed absolutely.
    "relative": (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Base:\n      type: object\n      properties:\n        legacy:\n"
        "          type: array\n          items: [{type: string}, {type: integer}]\n",
        "/components/schemas/Base/properties/legacy/items",
        11,
        "the value is not of type 'object', 'boolean'",
    ),
}


@pytest.mark.parametrize("case", sorted(_REFUSALS))
def test_a_refusal_is_one_line_with_the_reason_and_its_place_not_a_dump(case: str) -> None:
    from generator.errors import InputError
    from generator.spec.io import parse_spec_text
    from generator.spec.validate import validate_spec

    text, ptr, line, reason = _REFUSALS[case]
    with pytest.raises(InputError) as caught:
        validate_spec(parse_spec_text(text, "spec.yaml"))
    error = caught.value
    assert (error.pointer, error.line) == (ptr, line)
    assert error.message == f"invalid OpenAPI: {reason}"
