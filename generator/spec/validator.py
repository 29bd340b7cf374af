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

import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

__all__ = ["explain", "message_of", "validator_for", "without_instance"]


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
    line (the failing schema and the instance, which the JSON pointer already locates), and
    without the dump of the value it starts with."""
    return without_instance(str(error.message), error.instance)


# Explaining a failure walks the document again with jsonschema's own Python validator,
# which keeps every oneOf/anyOf alternative's errors (the fast backend keeps none): only
# for documents up to this size, the rest are told the fast backend's first line.
_EXPLAIN_MAX_CHARS = 4 * 2**20


def explain(data: Any, version: str, size: int) -> tuple[list[str | int], str] | None:
    """The deepest reason ``data`` is not a valid OpenAPI ``version`` document: its JSON
    path and one line saying what is wrong there, without a dump of the value (None when
    the document is too large to explain, or valid after all)."""
    if size > _EXPLAIN_MAX_CHARS:
        return None
    import jsonschema
    from jsonschema.exceptions import best_match
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    schema = dict(schema_v31 if version.startswith("3.1") else schema_v30)
    validator = jsonschema.validators.validator_for(schema)(schema)
    plain = _plain(data)
    error = best_match(validator.iter_errors(plain))
    if error is None:
        return None
    while error.context:
        # Of `oneOf [Schema, Reference]` the Reference branch says only "'$ref' is a
        # required property": the other branch holds the reason.
        others = [e for e in error.context if not _wants_ref(e)]
        error = best_match(others or error.context)
    message = without_instance(str(error.message), error.instance)
    unknown = _UNKNOWN_KEY.fullmatch(message)
    if unknown is not None:
        message = f"unknown key {unknown.group(1)} (only `x-` extension keys may be added)"
    elif error.validator in _BOUNDS:
        message += f" (at most {error.validator_value})" if "max" in str(error.validator) else ""
    return absolute_path(plain, list(error.absolute_path), error.instance), message


_UNKNOWN_KEY = re.compile(r"('.*') does not match any of the regexes: '\^x-'")
_BOUNDS = frozenset({"maxProperties", "maxItems", "minProperties", "minItems"})
_TOP_LEVEL = frozenset(
    {"openapi", "info", "servers", "paths", "components", "security", "tags"}
    | {"externalDocs", "webhooks", "jsonSchemaDialect"}
)


def absolute_path(data: Any, path: list[str | int], instance: Any) -> list[str | int]:
    """The path from the document's root of a validator error. Errors inside a 3.1 schema
    object come relative to that schema (``properties/a/items``): its place is the node
    from which ``path`` reaches the very ``instance`` the error names."""
    if not path or path[0] in _TOP_LEVEL:
        return path
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        where, node = stack.pop()
        here: Any = node
        for token in path:
            here = _child(here, token)
            if here is _MISSING:
                break
        if here is instance:
            return where + path
        if isinstance(node, Mapping):
            stack.extend(([*where, k], v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(([*where, i], v) for i, v in reversed(list(enumerate(node))))
    return path


_MISSING = object()


def _child(node: Any, token: str | int) -> Any:
    """``node[token]`` along a JSON path, or `_MISSING`."""
    if isinstance(node, Mapping):
        return node.get(token, _MISSING) if isinstance(token, str) else _MISSING
    if isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node):
        return node[token]
    return _MISSING


def _wants_ref(error: Any) -> bool:
    return error.validator == "required" and "'$ref'" in str(error.message)


def _plain(value: Any) -> Any:
    """``value`` with YAML dates and times as the ISO strings JSON would hold."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat") and not isinstance(value, (str, int, float)):
        return value.isoformat()
    return value


def without_instance(message: str, instance: Any) -> str:
    """A validator message without the dump of the offending value it starts with (the
    pointer locates the value); short scalar values are kept, as they say what is wrong."""
    message = message.split("\n\n", 1)[0]
    import json

    dumps = {repr(instance)}
    for sort in (False, True):
        try:
            dumps.add(json.dumps(instance, separators=(",", ":"), sort_keys=sort))
        except (TypeError, ValueError):
            pass
    for dump in sorted(dumps, key=len, reverse=True):
        if message.startswith(dump) and (len(dump) > 40 or isinstance(instance, (dict, list))):
            return "the value" + message[len(dump) :]
    return message
