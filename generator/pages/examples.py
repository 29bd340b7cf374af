"""Page examples made valid against the schema they are attached to.

Graph pages show examples with placeholder values (``"String"``, ``"Int32"``), keys the
tables never list and values of the wrong format. An example that does not match its schema
misleads the readers and mock servers of the spec, so each one is fitted: what fits is kept,
placeholders and misfits become deterministic typed samples, keys the tables do not list
stay as the page shows them (a schema that is a placeholder prunes nothing), and a
discriminated value follows its ``@odata.type``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.spec.openapi import SCHEMA_PREFIX

_PLACEHOLDER = re.compile(
    r"^(?:Edm\.)?(?:String|Int16|Int32|Int64|Integer|Byte|Boolean|Bool|Double|Single|Decimal|Number|Float|Guid"
    r"|Binary|Stream|Date|DateTimeOffset|TimeOfDay|Duration|Timestamp|Url)(?:\s*\(.*\))?(?:\s+collection)?$",
    re.IGNORECASE,
)
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$",
    re.IGNORECASE,
)
_FORMATS = {
    "date-time": _DATE_TIME,
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "time": re.compile(r"^\d{2}:\d{2}:\d{2}(?:\.\d+)?$"),
    "uuid": re.compile(
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    ),
    "duration": re.compile(
        r"^-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+[DW])?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
    ),
    "base64url": re.compile(r"^[A-Za-z0-9_\-+/]*={0,2}$"),
}
_SAMPLES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "duration": "PT0S",
    "base64url": "AAAA",
}
_MAX_DEPTH = 12


class _ExampleFitter:
    """Makes a page example fit a schema: keeps what fits, replaces placeholders and misfits
    with deterministic typed samples, keeps the keys the schema does not list.
    """

    def __init__(self, components: Mapping[str, Any]) -> None:
        self.components = components

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 50:
            schema = self.components.get(str(schema["$ref"])[len(SCHEMA_PREFIX) :], {})
            seen += 1
        return schema

    def name_of(self, schema: Mapping[str, Any]) -> str | None:
        ref = schema.get("$ref")
        return str(ref)[len(SCHEMA_PREFIX) :] if isinstance(ref, str) else None

    def view(self, schema: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], dict[str, str]]:
        """An object schema's properties, required names and discriminator mapping, allOf merged."""
        schema = self.resolve(schema)
        props: dict[str, Any] = {}
        required: list[str] = []
        mapping: dict[str, str] = {}
        for part in schema.get("allOf", []):
            p, r, m = self.view(part)
            props.update(p)
            required += [x for x in r if x not in required]
            mapping.update(m)
        props.update(schema.get("properties", {}))
        required += [x for x in schema.get("required", []) if x not in required]
        mapping.update(schema.get("discriminator", {}).get("mapping", {}))
        return props, required, mapping

    def nullable(self, schema: Mapping[str, Any]) -> bool:
        schema = self.resolve(schema)
        if schema.get("nullable"):
            return True
        return any(self.resolve(a).get("nullable") for a in schema.get("anyOf", []))

    def main(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """The non-null alternative of a nullable ``anyOf``/single ``allOf`` wrapper."""
        schema = self.resolve(schema)
        for key in ("anyOf", "allOf"):
            parts = schema.get(key)
            if (
                isinstance(parts, list)
                and parts
                and not schema.get("properties")
                and (key == "anyOf" or len(parts) == 1)
            ):
                return self.main(parts[0])
        return schema

    def kind(self, schema: Mapping[str, Any]) -> str:
        s = self.main(schema)
        if "type" in s:
            return str(s["type"])
        return "object" if "allOf" in s or "properties" in s else "any"

    def sample(self, schema: Mapping[str, Any], depth: int = 0) -> Any:
        s = self.main(schema)
        if s.get("enum"):
            return s["enum"][0]
        kind = self.kind(s)
        if kind == "string":
            return _SAMPLES.get(str(s.get("format")), "string")
        if kind == "integer":
            return min(
                max(0, s.get("minimum", 0)),
                (
                    s.get("maximum", 0)
                    if "maximum" in s and s["maximum"] < 0
                    else max(0, s.get("minimum", 0))
                ),
            )
        if kind == "number":
            return float(max(0, s.get("minimum", 0)))
        if kind == "boolean":
            return False
        if kind == "array":
            return []
        if kind == "object":
            props, required, _ = self.view(s)
            if depth >= _MAX_DEPTH:
                return {}
            return {name: self.sample(props.get(name, {}), depth + 1) for name in required}
        return None if self.nullable(schema) else "string"

    def fit(self, value: Any, schema: Mapping[str, Any], depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            return self.sample(schema, depth)
        if value is None:
            return None if self.nullable(schema) else self.sample(schema, depth)
        s = self.main(schema)
        kind = self.kind(s)
        if isinstance(value, str) and _PLACEHOLDER.match(value.strip()) and kind != "any":
            return self.sample(schema, depth)
        if "enum" in s:
            return value if value in s["enum"] else self.sample(s, depth)
        if kind == "string":
            if not isinstance(value, str):
                return self.sample(s, depth)
            pattern = _FORMATS.get(str(s.get("format")))
            return value if pattern is None or pattern.match(value) else self.sample(s, depth)
        if kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
            ok = ok and s.get("minimum", value) <= value <= s.get("maximum", value)
            return value if ok else self.sample(s, depth)
        if kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return value if ok else self.sample(s, depth)
        if kind == "boolean":
            return value if isinstance(value, bool) else self.sample(s, depth)
        if kind == "array":
            if not isinstance(value, list):
                return self.sample(s, depth)
            return [self.fit(v, s.get("items", {}), depth + 1) for v in value]
        if kind == "object":
            if not isinstance(value, dict):
                return self.sample(s, depth)
            return self.fit_object(value, s, depth)
        return value

    def fit_object(
        self, value: dict[str, Any], schema: Mapping[str, Any], depth: int
    ) -> dict[str, Any]:
        props, required, mapping = self.view(schema)
        odata = value.get("@odata.type")
        if mapping and "@odata.type" in value:
            target = mapping.get(odata) if isinstance(odata, str) else None
            if target is not None and self.components.get(
                target[len(SCHEMA_PREFIX) :]
            ) is not self.resolve(schema):
                return self.fit_object(value, {"$ref": target}, depth + 1)
            if target is None:
                value = {k: v for k, v in value.items() if k != "@odata.type"}
        out: dict[str, Any] = {}
        lower = {k.lower(): k for k in props}
        for key, item in value.items():
            if key in props:
                out[key] = self.fit(item, props[key], depth + 1)
            elif key.lower() in lower and lower[key.lower()] not in value:
                out[lower[key.lower()]] = self.fit(item, props[lower[key.lower()]], depth + 1)
            else:
                out[key] = item  # a key the tables do not list: the page shows it, so it stays
        for name in required:
            if name not in out:
                out[name] = self.sample(props.get(name, {}), depth + 1)
        return out


def conform_example(
    value: Any, schema: Mapping[str, Any], components: Mapping[str, Any]
) -> tuple[bool, Any]:
    """``(True, fitted)`` where fitted is ``value`` made valid against ``schema``."""
    fitter = _ExampleFitter(components)
    fitted = fitter.fit(value, schema)
    return (fitted is not None or fitter.nullable(schema)), fitted
