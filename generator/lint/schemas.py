"""Schema helpers shared by page and spec rules: resolving, describing and validating values.

Values are checked with openapi-schema-validator's OAS 3.0 validator and its format checker
(it rejects int32 overflow and date-times without an offset, as the SDK's validators do).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import extend
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from generator.spec.patterns import search_bounded

REF = "#/components/schemas/"

# Type names that pages write where a real value belongs ("String", "Int32", "String (timestamp)").
PLACEHOLDER = re.compile(
    r"^(?:Edm\.)?(?:String|Int16|Int32|Int64|Integer|Byte|Boolean|Bool|Double|Single|Decimal|Number|Float"
    r"|Guid|Binary|Stream|Date|DateTimeOffset|TimeOfDay|Duration|Timestamp|Url)(?:\s*\(.*\))?(?:\s+collection)?$",
    re.IGNORECASE,
)


def resolve(schema: Any, components: Mapping[str, Any], depth: int = 0) -> Mapping[str, Any]:
    """Follow a local ``$ref`` chain to the schema it names (an unknown ref gives ``{}``)."""
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and depth < 32:
        ref: str = schema["$ref"]
        if not ref.startswith(REF):
            return {}
        schema = components.get(ref[len(REF) :].replace("~1", "/").replace("~0", "~"), {})
        depth += 1
    return schema if isinstance(schema, Mapping) else {}


def properties_of(schema: Any, components: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """All properties of an object schema, through ``$ref`` and ``allOf`` bases."""
    found: dict[str, Any] = {}
    if depth > 32:
        return found
    target = resolve(schema, components)
    for part in target.get("allOf") or []:
        found.update(properties_of(part, components, depth + 1))
    props = target.get("properties")
    if isinstance(props, Mapping):
        found.update(props)
    return found


def item_schema(schema: Any, components: Mapping[str, Any]) -> Any | None:
    """The item schema of a Graph collection response (``{value: [item]}``), else None."""
    value = properties_of(schema, components).get("value")
    if isinstance(value, Mapping) and value.get("type") == "array":
        return value.get("items")
    return None


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    # A hostile `pattern` must not hang lint: unsafe ones are not matched (the spec-pattern
    # rule reports them), and every match runs on a time budget.
    if not isinstance(instance, str) or not isinstance(pattern, str):
        return
    if search_bounded(pattern, instance) is False:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = extend(OAS30Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def errors(value: Any, schema: Any, components: Mapping[str, Any]) -> Iterator[Any]:
    """Validation errors of ``value`` against ``schema`` (local refs resolved in ``components``)."""
    root = dict(schema) if isinstance(schema, Mapping) else {}
    root["components"] = {"schemas": dict(components)}
    validator = _Validator(root, format_checker=oas30_format_checker)
    found: Iterator[Any] = validator.iter_errors(value)
    return found


def first_error(value: Any, schema: Any, components: Mapping[str, Any]) -> Any | None:
    """The first validation error (a jsonschema ``ValidationError``), or None when the value fits."""
    return next(iter(errors(value, schema, components)), None)


def describe(schema: Any, components: Mapping[str, Any], depth: int = 0) -> str:
    """A short phrase for what a schema accepts: "an int32 integer", "one of a, b"."""
    target = resolve(schema, components)
    if depth > 4:
        return "a value of its type"
    branches = [
        b for b in (target.get("anyOf") or target.get("oneOf") or []) if isinstance(b, Mapping)
    ]
    if branches:
        useful = [
            b
            for b in branches
            if not (b.get("type") == "object" and b.get("nullable") and "properties" not in b)
        ]
        return " or ".join(describe(b, components, depth + 1) for b in useful or branches)
    enum = target.get("enum")
    if isinstance(enum, list):
        return "one of " + ", ".join(str(v) for v in enum)
    kind = target.get("type")
    fmt = target.get("format")
    if kind == "integer":
        return f"an {fmt} integer" if fmt else "an integer"
    if kind == "number":
        return "a number"
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        if fmt == "date-time":
            return "an ISO 8601 date-time with offset"
        return f"a {fmt} string" if fmt else "a string"
    if kind == "array":
        return "an array"
    if kind == "object" or "properties" in target or "allOf" in target:
        return "an object"
    return "a value of its type"
