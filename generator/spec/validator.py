"""spec_validator: openapi-spec-validator's validators, with two of their records kept
small and fast.

- Its schema validator remembers which schemas it has checked in two lists and asks `in`
  of them once per schema it meets: quadratic in the size of the spec (at 2,000 schemas
  and 4,000 paths a third of the validation time). Here those lists also keep a set.
- Its path resolver remembers every path prefix it has resolved, without bound: 230 MB
  at 2,000 schemas. Here it keeps the most recent `_PREFIXES` (the walk is depth-first,
  so older prefixes are rarely asked for again); a forgotten one is resolved again.

Everything else, and so the verdict, is the library's own. Imported only where a spec is
validated: the library is slow to import.
"""

from __future__ import annotations

from collections import OrderedDict
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


# 2,000/4,000 validation: unbounded 343 MB, 10.7 s; 512 about 160 MB, the same time;
# 64 148 MB but 13.5 s (measured in this process, jsonschema-path 0.5).
_PREFIXES = 512


class _Recent(OrderedDict[Any, Any]):
    """A mapping that forgets its least recently stored entries beyond `_PREFIXES`."""

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > _PREFIXES:
            self.popitem(last=False)


def _bounded_prefixes(spec_validator: Any) -> None:
    # Replaced only while it is the plain dict this module knows, as above.
    accessor = getattr(getattr(spec_validator, "schema_path", None), "accessor", None)
    cache = getattr(getattr(accessor, "_path_resolver", None), "prefix_cache", None)
    if type(getattr(cache, "_cache", None)) is dict:
        cache._cache = _Recent()  # type: ignore[union-attr]


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


class _BoundedPrefixes:
    """Mixed into the library's spec validator class, before it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bounded_prefixes(self)


def _faster(spec_validator: type[Any]) -> type[Any]:
    """``spec_validator`` with bounded prefixes, and its schema validator class given fast
    records."""
    schema = spec_validator.keyword_validators["schema"]
    fast_schema = type(schema.__name__, (_FastRecords, schema), {})
    keyword_validators = {**spec_validator.keyword_validators, "schema": fast_schema}
    return type(
        spec_validator.__name__,
        (_BoundedPrefixes, spec_validator),
        {"keyword_validators": keyword_validators},
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
