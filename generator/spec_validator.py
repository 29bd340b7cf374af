"""spec_validator: openapi-spec-validator's validators, with its visited-schema records
made constant-time.

Its schema validator remembers which schemas it has checked in two lists and asks `in`
of them once per schema it meets: quadratic in the size of the spec (at 2,000 schemas
and 4,000 paths a third of the validation time). Here those lists also keep a set for
`in`. Everything else, and so the verdict, is the library's own. Imported only where a
spec is validated: the library is slow to import.
"""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

__all__ = ["message_of", "validator_for"]


class _SeenIds(list[int]):
    """A list of ids whose `in` is a set lookup (the library only appends and asks `in`)."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set[int] = set()

    def append(self, value: int) -> None:
        super().append(value)
        self._set.add(value)

    def __contains__(self, value: object) -> bool:
        return value in self._set


def _fast_records(validator: Any) -> None:
    # Replaced only while they are the lists this module knows; a later library version
    # that keeps them otherwise runs as it is, only slower.
    for name in ("visited_schema_ids", "meta_checked_schema_ids"):
        if type(getattr(validator, name, None)) is list:
            setattr(validator, name, _SeenIds())


class _FastRecords:
    """Mixed into the library's schema validator class, before it."""

    def __init__(self, registry: Any) -> None:
        super().__init__(registry)  # type: ignore[call-arg]
        _fast_records(self)


def _faster(spec_validator: type[Any]) -> type[Any]:
    """``spec_validator`` with its own schema validator class, given fast records."""
    schema = spec_validator.keyword_validators["schema"]
    fast_schema = type(schema.__name__, (_FastRecords, schema), {})
    keyword_validators = {**spec_validator.keyword_validators, "schema": fast_schema}
    return type(
        spec_validator.__name__, (spec_validator,), {"keyword_validators": keyword_validators}
    )


_V30 = _faster(OpenAPIV30SpecValidator)
_V31 = _faster(OpenAPIV31SpecValidator)


def validator_for(version: str) -> type[Any]:
    """The validator class for an `openapi` version string (3.1.x, else 3.0)."""
    return _V31 if version.startswith("3.1") else _V30


def message_of(error: Any) -> str:
    """An error's message without the detail the jsonschema-rs backend adds after a blank
    line (the failing schema and the instance, which the JSON pointer already locates)."""
    return str(error.message).split("\n\n", 1)[0]
