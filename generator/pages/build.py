"""Build one OpenAPI 3.0.3 document from parsed pages, in Microsoft Graph's own conventions.

API pages give paths and operations; resource pages give schemas (properties, relationships,
inheritance); the enums page gives enum members. A single API page is enough on its own: its
request-body table then defines the schemas. The result is plain dicts and lists with a stable
key order, so the same pages always give byte-identical YAML.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import InputError
from generator.pages.model import Page, PropertyRow, TypeText

__all__ = [
    "BuildDiagnostic",
    "BuildResult",
    "apply_overlay",
    "build",
    "build_spec",
    "conform_example",
    "dump_yaml",
    "select",
]

DEFAULT_NAMESPACE = "microsoft.graph"
ERROR_SCHEMA = "microsoft.graph.ODataErrors.ODataError"
ENTITY = "microsoft.graph.entity"
REF = "#/components/schemas/"

INT_BOUNDS = {
    "int8": (-128, 127),
    "uint8": (0, 255),
    "int16": (-32768, 32767),
    "int32": (-2147483648, 2147483647),
    "int64": (-9223372036854775808, 9223372036854775807),
}

# Graph (EDM) primitive type names, lower-cased, to OpenAPI schemas.
PRIMITIVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "int32": {"type": "integer", "format": "int32"},
    "integer": {"type": "integer", "format": "int32"},
    "int": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "int16": {"type": "integer", "format": "int16"},
    "byte": {"type": "integer", "format": "uint8"},
    "sbyte": {"type": "integer", "format": "int8"},
    "double": {"type": "number", "format": "double"},
    "single": {"type": "number", "format": "float"},
    "decimal": {"type": "number", "format": "decimal"},
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "datetimeoffset": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "timeofday": {"type": "string", "format": "time"},
    "duration": {"type": "string", "format": "duration"},
    "guid": {"type": "string", "format": "uuid"},
    "binary": {"type": "string", "format": "base64url"},
    "stream": {"type": "string", "format": "base64url"},
    "url": {"type": "string"},
}

_VERBS = {
    "add", "assign", "cancel", "check", "copy", "create", "delete", "get", "list", "remove",
    "replace", "restore", "update", "upsert", "send", "accept", "decline", "forward", "move",
}  # fmt: skip
_ARTICLES = {"a", "an", "the"}
_METHOD_VERBS = {
    "GET": "get",
    "POST": "create",
    "PATCH": "update",
    "PUT": "replace",
    "DELETE": "delete",
}
_METHOD_ORDER = ("get", "put", "post", "delete", "options", "head", "patch")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TODO = re.compile(r"\*\*\s*TODO:.*?\*\*", re.IGNORECASE | re.DOTALL)
_INHERITED = re.compile(r"Inherited from\s*\[[^\]]*\]\([^)]*\)\s*\.?", re.IGNORECASE)
_REQ_OPT = re.compile(r"\b(?:Required|Optional)\s*\.", re.IGNORECASE)
_PARAM = re.compile(r"\{([^{}]*)\}")

QUERY_OPTIONS: dict[str, dict[str, Any]] = {
    "$top": {
        "description": "Show only the first n items",
        "schema": {"type": "integer", "minimum": 0},
    },
    "$skip": {
        "description": "Skip the first n items",
        "schema": {"type": "integer", "minimum": 0},
    },
    "$count": {"description": "Include count of items", "schema": {"type": "boolean"}},
    "$search": {
        "description": "Search items by search phrases",
        "schema": {"type": "string"},
    },
    "$filter": {
        "description": "Filter items by property values",
        "schema": {"type": "string"},
    },
    "$orderby": {"description": "Order items by property values", "array": True},
    "$select": {"description": "Select properties to be returned", "array": True},
    "$expand": {"description": "Expand related entities", "array": True},
}


@dataclass(frozen=True)
class BuildDiagnostic:
    """Something the builder had to guess or could not place, with where the page said it."""

    source: str
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class BuildResult:
    spec: dict[str, Any]
    diagnostics: tuple[BuildDiagnostic, ...]


# ---------------------------------------------------------------------------------------
# Text helpers


def plain_text(text: str) -> str:
    """Markdown cell/paragraph text as spec text: links become their text, spaces collapse."""
    return re.sub(r"\s+", " ", _LINK.sub(lambda m: m.group(1), text)).strip()


def property_description(text: str) -> str:
    """A property description without TODO markup, "Inherited from ...", "Required."/"Optional."."""
    text = _TODO.sub(" ", text)
    text = _INHERITED.sub(" ", text)
    text = _REQ_OPT.sub(" ", text)
    return plain_text(text)


def camel(text: str) -> str:
    """``user-id``/``period_value``/``Id`` -> ``userId``/``periodValue``/``id``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    if not parts:
        return "param"
    head = parts[0][0].lower() + parts[0][1:]
    return head + "".join(p[0].upper() + p[1:] for p in parts[1:])


def pascal(text: str) -> str:
    c = camel(text)
    return c[0].upper() + c[1:]


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def qualify(name: str, namespace: str) -> str:
    """A type name as a component name: dotted names are kept as the page writes them."""
    return name if "." in name else f"{namespace}.{name}"


# ---------------------------------------------------------------------------------------
# The type model gathered from pages


@dataclass
class _Prop:
    name: str
    type: TypeText
    description: str
    required: bool
    enum_values: tuple[str, ...]
    namespace: str
    source: str
    line: int
    navigation: bool = False


@dataclass
class _Type:
    name: str
    kind: str  # "object" or "enum"
    source: str
    line: int
    description: str = ""
    base: str | None = None
    props: list[_Prop] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    from_resource_page: bool = False
    from_enum_page: bool = False
    stub: bool = False
    abstract: bool = False  # the resource block says "abstract": true
    open_type: bool = False  # "openType": true: instances may carry undeclared properties


class _Model:
    """Types by lower-cased full name, so differing capitalisation on pages meets in one."""

    def __init__(self) -> None:
        self.types: dict[str, _Type] = {}
        self.diagnostics: list[BuildDiagnostic] = []

    def diag(self, source: str, line: int, code: str, message: str) -> None:
        self.diagnostics.append(BuildDiagnostic(source, line, code, message))

    def get(self, name: str) -> _Type | None:
        return self.types.get(name.lower())

    def ensure(self, name: str, kind: str, source: str, line: int) -> _Type:
        t = self.get(name)
        if t is None:
            t = _Type(name, kind, source, line)
            self.types[name.lower()] = t
        return t

    def add_prop(self, t: _Type, prop: _Prop) -> None:
        if any(p.name.lower() == prop.name.lower() for p in t.props):
            return
        t.props.append(prop)

    def ancestors(self, t: _Type) -> list[_Type]:
        chain: list[_Type] = []
        seen = {t.name.lower()}
        base = t.base
        while base is not None:
            b = self.get(base)
            if b is None or b.name.lower() in seen:
                break
            seen.add(b.name.lower())
            chain.append(b)
            base = b.base
        return chain


def _page_namespace(page: Page) -> str:
    return page.namespace.value if page.namespace and page.namespace.value else DEFAULT_NAMESPACE


def _row_prop(row: PropertyRow, ns: str, source: str, navigation: bool = False) -> _Prop:
    return _Prop(
        row.name,
        row.type,
        row.description,
        bool(row.required),
        row.enum_values,
        ns,
        source,
        row.line,
        navigation,
    )


def _resource_type_name(page: Page) -> str:
    ns = _page_namespace(page)
    if page.resource is not None:
        odata = page.resource.annotation.get("@odata.type")
        if isinstance(odata, str) and odata.strip("#"):
            return odata.strip("#")
    title = page.title.value if page.title else "unknown"
    m = re.match(r"\s*([\w.]+)\s+resource type", title, re.IGNORECASE)
    return qualify(m.group(1) if m else camel(title), ns)


def _collect_resource_page(model: _Model, page: Page) -> None:
    ns = _page_namespace(page)
    name = _resource_type_name(page)
    t = model.ensure(name, "object", page.source, page.title.line if page.title else 1)
    t.kind, t.from_resource_page, t.stub = "object", True, False
    t.source, t.line = page.source, page.title.line if page.title else 1
    if page.description:
        t.description = plain_text(page.description.value)
    base: str | None = None
    if page.base_type:
        base = qualify(page.base_type.value, ns)
    elif page.resource is not None and isinstance(page.resource.annotation.get("baseType"), str):
        base = str(page.resource.annotation["baseType"]).strip("#")
    if base:
        t.base = base
    if page.resource is not None:
        t.abstract = page.resource.annotation.get("abstract") is True
        t.open_type = page.resource.annotation.get("openType") is True
    for row in page.properties:
        if row.name == "@odata.type":
            continue
        if row.inherited_from:
            parent = qualify(row.inherited_from, ns)
            if parent.lower() == ENTITY.lower():
                continue  # entity is Graph's built-in root: its only property is id
            p = model.ensure(parent, "object", page.source, row.line)
            if not p.from_resource_page:
                model.add_prop(p, _row_prop(row, ns, page.source))
            continue
        model.add_prop(t, _row_prop(row, ns, page.source))
    for row in page.relationships:
        model.add_prop(t, _row_prop(row, ns, page.source, navigation=True))


def _body_type_name(page: Page, model: _Model | None = None) -> str | None:
    """The resource an API page works on: the title noun, else the response body type.

    When a resource page defines the title noun's type, that type wins over the
    ``@odata.type`` of a request example: an update page of a base type shows one subtype
    in its example, but the operation takes the base (whose discriminator covers both).
    """
    ns = _page_namespace(page)
    noun = _title_parts(page)[1]
    if model is not None and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", noun):
        known = model.get(qualify(noun[0].lower() + noun[1:], ns))
        if known is not None and known.from_resource_page:
            return known.name
    candidates = []
    if page.response and page.response.body_type:
        candidates.append(page.response.body_type)
    for ex in page.examples_of("request"):
        body = ex.http.body_json if ex.http else None
        if isinstance(body, dict) and isinstance(body.get("@odata.type"), str):
            candidates.append(str(body["@odata.type"]).lstrip("#"))
    for c in candidates:
        if c.split(".")[-1].lower() == noun.lower():
            return qualify(c, ns)
    if candidates:
        return qualify(candidates[0], ns)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", noun):
        return qualify(noun[0].lower() + noun[1:], ns)
    return None


def _example_types(page: Page) -> list[str]:
    """The ``@odata.type`` names the request examples of a page send, in page order."""
    found: list[str] = []
    for ex in page.examples_of("request"):
        body = ex.http.body_json if ex.http else None
        if isinstance(body, dict) and isinstance(body.get("@odata.type"), str):
            name = str(body["@odata.type"]).lstrip("#")
            if name not in found:
                found.append(name)
    return found


def _table_subtype(
    model: _Model, page: Page, intro: str, body: str
) -> tuple[str | None, str | None]:
    """The subtype a request-body table is for, read from the sentence that introduces it.

    Pages write "the properties you can change for ... (**learningAssignment**)". A bold or
    linked name matches a known type exactly, or as the start of one (pages shorten
    ``learningSelfInitiatedCourse`` to ``learningSelfInitiated``). Returns (type, None), or
    (None, the unmatched name) when the sentence names a type nobody defines.
    """
    ns = _page_namespace(page)
    named = re.findall(r"\*\*`?([A-Za-z][\w.]*)`?\*\*", intro)
    if not named:
        return None, None
    known = [t.name for t in model.types.values() if t.kind == "object"]
    known += [qualify(n, ns) for n in _example_types(page)]
    for name in named:
        full = qualify(name, ns).lower()
        if full == body.lower():
            return None, None
        exact = [k for k in known if k.lower() == full]
        prefix = sorted({k for k in known if k.lower().startswith(full)})
        if exact:
            return exact[0], None
        if len(prefix) == 1:
            return prefix[0], None
    return None, named[0]


def _collect_api_page_types(model: _Model, page: Page) -> None:
    """Schemas from an API page's request-body tables, for types no resource page defines.

    A table introduced as being for one subtype of the page's resource goes to that subtype
    (made a subtype of the resource when no page says otherwise).
    """
    ns = _page_namespace(page)
    body = _body_type_name(page, model)
    for table in page.request_body:
        if table.is_parameter_table or body is None:
            continue
        base = model.ensure(body, "object", page.source, table.line)
        t = base
        subtype, unmatched = _table_subtype(model, page, table.intro, body)
        if subtype is not None:
            t = model.ensure(subtype, "object", page.source, table.line)
            if t.base is None and t is not base and not t.from_resource_page:
                t.base = base.name
        elif unmatched is not None:
            model.diag(
                page.source,
                table.line,
                "body-table-type",
                f"request-body table is introduced for {unmatched!r}, which no page "
                f"defines; its rows went to {body}",
            )
        for row in table.rows:
            target = t
            if row.inherited_from:
                target = model.ensure(
                    qualify(row.inherited_from, ns), "object", page.source, row.line
                )
                if t.base is None and target is not t and not t.from_resource_page:
                    t.base = target.name
            if target.from_resource_page:
                continue
            if target is not base and any(
                p.name.lower() == row.name.lower()
                for a in [base, *model.ancestors(base)]
                for p in a.props
            ):
                continue  # a base property the subtype's table repeats
            model.add_prop(target, _row_prop(row, ns, page.source))


# ---------------------------------------------------------------------------------------
# Schemas


class _Schemas:
    """Turns the type model into ``components.schemas``."""

    def __init__(self, model: _Model) -> None:
        self.model = model
        self.out: dict[str, dict[str, Any]] = {}

    def type_schema(
        self,
        type_text: TypeText,
        ns: str,
        enum_values: tuple[str, ...],
        source: str,
        line: int,
    ) -> dict[str, Any]:
        item = self.scalar_schema(type_text.name, ns, enum_values, source, line)
        if type_text.collection:
            return {"type": "array", "items": item}
        return item

    def scalar_schema(
        self, name: str, ns: str, enum_values: tuple[str, ...], source: str, line: int
    ) -> dict[str, Any]:
        prim = PRIMITIVES.get(name.lower())
        if prim is not None:
            schema = dict(prim)
            bounds = INT_BOUNDS.get(str(schema.get("format")))
            if bounds:
                schema["minimum"], schema["maximum"] = bounds
            return schema
        if not name or not re.fullmatch(r"[A-Za-z_][\w.]*", name):
            self.model.diag(
                source,
                line,
                "type-unknown",
                f"type {name!r} not understood; emitted as any value",
            )
            return {}
        full = qualify(name, ns)
        t = self.model.get(full)
        if t is None:
            if enum_values:
                t = self.model.ensure(full, "enum", source, line)
            else:
                t = self.model.ensure(full, "object", source, line)
                t.stub = True
                self.model.diag(
                    source,
                    line,
                    "type-stub",
                    f"type {full} is not defined by any page; emitted as an empty object schema",
                )
        if t.kind == "enum":
            for v in enum_values:
                if v not in t.members:
                    t.members.append(v)
        return {"$ref": REF + t.name}

    def property_schema(self, prop: _Prop) -> dict[str, Any]:
        schema = self.type_schema(
            prop.type, prop.namespace, prop.enum_values, prop.source, prop.line
        )
        nullable = not prop.required and schema.get("type") != "array" and schema != {}
        if "$ref" in schema:
            out: dict[str, Any] = (
                {"anyOf": [schema, {"type": "object", "nullable": True}]}
                if nullable
                else {"allOf": [schema]}
            )
        else:
            out = dict(schema)
            if nullable:
                out["nullable"] = True
        desc = property_description(prop.description)
        if desc:
            out["description"] = desc
        if prop.navigation:
            out["x-ms-navigationProperty"] = True
        if out.get("allOf") and "description" not in out and "x-ms-navigationProperty" not in out:
            return dict(out["allOf"][0])
        return out

    def build(self) -> dict[str, dict[str, Any]]:
        model = self.model
        # Resolve property types first: that may add enum and stub types.
        resolved: dict[str, list[tuple[str, dict[str, Any], bool]]] = {}
        for t in list(model.types.values()):
            if t.base and model.get(t.base) is None and t.base.lower() == ENTITY.lower():
                model.ensure(t.base, "object", t.source, t.line)
                resolved[ENTITY.lower()] = [
                    (
                        "id",
                        {
                            "type": "string",
                            "description": "The unique identifier for an entity. Read-only.",
                        },
                        False,
                    )
                ]
        for key in sorted(model.types):
            if key in resolved:
                continue
            t = model.types[key]
            if t.kind != "object":
                continue
            inherited = {p.name.lower() for a in model.ancestors(t) for p in a.props}
            if any(a.name.lower() == ENTITY.lower() for a in model.ancestors(t)):
                inherited.add("id")
            own = [p for p in t.props if p.name.lower() not in inherited]
            resolved[key] = [(p.name, self.property_schema(p), p.required) for p in own]
        for t in list(model.types.values()):
            if t.base and model.get(t.base) is None:
                b = model.ensure(t.base, "object", t.source, t.line)
                if b.name.lower() == ENTITY.lower():
                    resolved[b.name.lower()] = [
                        (
                            "id",
                            {
                                "type": "string",
                                "description": "The unique identifier for an entity. Read-only.",
                            },
                            False,
                        )
                    ]
                else:
                    b.stub = True
                    model.diag(
                        t.source,
                        t.line,
                        "type-stub",
                        f"base type {b.name} is not defined by any page; emitted as an empty object schema",
                    )
                    resolved[b.name.lower()] = []
        children: dict[str, list[str]] = {}
        for t in model.types.values():
            if t.base and model.get(t.base) is not None:
                children.setdefault(model.get(t.base).name.lower(), []).append(t.name)  # type: ignore[union-attr]
        for key in sorted(model.types):
            t = model.types[key]
            if t.kind == "enum":
                schema: dict[str, Any] = {"type": "string"}
                if t.description:
                    schema["description"] = t.description
                schema["enum"] = list(t.members)
                self.out[t.name] = schema
                continue
            descendants = sorted(self.descendants(key, children))
            props: dict[str, Any] = {}
            required: list[str] = []
            for name, pschema, req in resolved.get(key, []):
                props[name] = pschema
                if req:
                    required.append(name)
            base = model.get(t.base) if t.base else None
            if descendants and base is None:
                props["@odata.type"] = {"type": "string"}
            body: dict[str, Any] = {"type": "object"}
            if props or base is None:
                body["properties"] = props
            if required:
                body["required"] = required
            if descendants:
                body["discriminator"] = {
                    "propertyName": "@odata.type",
                    "mapping": {"#" + d: REF + d for d in descendants},
                }
            if t.open_type:
                body["additionalProperties"] = True
            if base is not None:
                schema = {"allOf": [{"$ref": REF + base.name}, body]}
            else:
                schema = body
            if t.description:
                schema["description"] = t.description
            if t.abstract:
                schema["x-ms-abstract"] = True  # only its subtypes exist as instances
            self.out[t.name] = schema
        return self.out

    def descendants(self, key: str, children: dict[str, list[str]]) -> set[str]:
        found: set[str] = set()
        stack = list(children.get(key, []))
        while stack:
            name = stack.pop()
            if name in found:
                continue
            found.add(name)
            stack.extend(children.get(name.lower(), []))
        return found


def error_schemas() -> dict[str, dict[str, Any]]:
    """Graph's error body: ``{"error": {"code", "message", "target", "details", "innerError"}}``."""
    nullable_string = {"type": "string", "nullable": True}
    return {
        "microsoft.graph.ODataErrors.ErrorDetails": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": dict(nullable_string),
            },
            "required": ["code", "message"],
        },
        "microsoft.graph.ODataErrors.InnerError": {
            "type": "object",
            "properties": {
                "request-id": {
                    **nullable_string,
                    "description": "Request Id as tracked internally by the service",
                },
                "client-request-id": {
                    **nullable_string,
                    "description": "Client request Id as sent by the client application.",
                },
                "date": {
                    "type": "string",
                    "format": "date-time",
                    "nullable": True,
                    "description": "Date when the error occured.",
                },
            },
            "description": "The structure of this object is service-specific",
        },
        "microsoft.graph.ODataErrors.MainError": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": dict(nullable_string),
                "details": {
                    "type": "array",
                    "items": {"$ref": REF + "microsoft.graph.ODataErrors.ErrorDetails"},
                },
                "innerError": {
                    "anyOf": [
                        {"$ref": REF + "microsoft.graph.ODataErrors.InnerError"},
                        {"type": "object", "nullable": True},
                    ]
                },
            },
            "required": ["code", "message"],
        },
        ERROR_SCHEMA: {
            "type": "object",
            "properties": {"error": {"$ref": REF + "microsoft.graph.ODataErrors.MainError"}},
            "required": ["error"],
        },
    }


# ---------------------------------------------------------------------------------------
# Paths and operations


@dataclass(frozen=True)
class _PathParam:
    name: str
    original: str
    type: TypeText | None
    description: str


def _title_parts(page: Page) -> tuple[str, str]:
    """(verb, noun) from the title: "Update learningSelfInitiatedCourse", "event: accept"."""
    title = page.title.value if page.title else ""
    title = re.sub(r"\s+-\s+Microsoft Graph.*$", "", title).strip()
    method = page.http_requests[0].method if page.http_requests else "GET"
    if ":" in title:
        res, action = title.split(":", 1)
        return camel(action), camel(res)
    words = [w for w in re.split(r"\s+", title) if w]
    verb = _METHOD_VERBS.get(method, "call")
    if words and words[0].lower() in _VERBS:
        verb = words[0].lower()
        words = words[1:]
    words = [w for w in words if w.lower() not in _ARTICLES]
    if not words:
        return verb, "resource"
    first = re.sub(r"[^A-Za-z0-9]", "", words[0])
    noun = first + "".join(pascal(w) for w in words[1:])
    return verb, noun or "resource"


def _split_target(target: str) -> tuple[str, str | None]:
    """A request target as (path, server URL or None); the query string is dropped."""
    target = target.strip()
    server: str | None = None
    m = re.match(r"^(https?://[^/]+)(/(?:v1\.0|beta|v\d[\w.]*))?(/.*)?$", target)
    if m:
        server = m.group(1) + (m.group(2) or "")
        target = m.group(3) or "/"
    target = target.split("?", 1)[0]
    if not target.startswith("/"):
        target = "/" + target
    return target, server


def _normalize_path(target: str, page: Page) -> tuple[str, list[_PathParam]]:
    """A page's path template in one spelling: ``{id}`` keys named after their collection."""
    path, _ = _split_target(target)
    table = {p.name.lower(): p for p in page.parameters if p.location == "path"}
    params: list[_PathParam] = []
    used: set[str] = set()

    def add(name: str, original: str) -> str:
        base, n = name, 2
        while name in used:
            name, n = f"{base}{n}", n + 1
        used.add(name)
        row = table.get(original.lower()) or table.get(name.lower())
        params.append(
            _PathParam(
                name,
                original,
                row.type if row else None,
                row.description if row else "",
            )
        )
        return name

    segments = [s for s in path.split("/") if s]
    out: list[str] = []
    prev = ""
    for seg in segments:
        whole = re.fullmatch(r"\{([^{}]*)\}", seg)
        if whole:
            inner = whole.group(1).split("|")[0].strip()
            if inner.lower() in ("id", "") and prev:
                name = camel(singular(prev)) + "Id"
            else:
                name = camel(inner)
            out.append("{" + add(name, inner) + "}")
            prev = seg
            continue
        fn = re.fullmatch(r"([^()]*)\((.*)\)", seg)
        if fn and "=" in fn.group(2):
            args = []
            for pair in fn.group(2).split(","):
                if "=" not in pair:
                    args.append(pair.strip())
                    continue
                key, _value = (x.strip() for x in pair.split("=", 1))
                name = add(camel(key), key)
                row = table.get(key.lower())
                is_string = row is None or row.type.name.lower() in ("string", "")
                args.append(f"{key}='{{{name}}}'" if is_string else f"{key}={{{name}}}")
            out.append(f"{fn.group(1)}({','.join(args)})")
            prev = fn.group(1)
            continue
        if "{" in seg:

            def repl(m: re.Match[str]) -> str:
                return "{" + add(camel(m.group(1)), m.group(1)) + "}"

            seg = _PARAM.sub(repl, seg)
        out.append(seg)
        prev = seg
    return "/" + "/".join(out), params


def _permissions(page: Page) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in page.permissions:
        names: list[str] = []
        for cell in (row.permissions, row.higher_privileged or ""):
            text = cell.strip()
            if not text or re.fullmatch(r"not (supported|applicable)\.?", text, re.IGNORECASE):
                continue
            for part in re.split(r"\s*,\s*", text):
                part = part.strip()
                if part and part not in names:
                    names.append(part)
        if names:  # "Not supported." rows grant nothing; the type is left out
            out.append({"type": row.type, "permissions": names})
    return out


def _parameter(
    name: str,
    where: str,
    schema: dict[str, Any],
    *,
    required: bool,
    description: str = "",
) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": where}
    if description:
        p["description"] = description
    p["required"] = required
    p["schema"] = schema
    return p


class _Operations:
    def __init__(self, model: _Model, schemas: _Schemas) -> None:
        self.model = model
        self.schemas = schemas
        self.paths: dict[str, dict[str, Any]] = {}
        self.examples: list[tuple[dict[str, Any], Any, str, int]] = (
            []
        )  # (media, value, source, line)
        self.collections: dict[str, dict[str, Any]] = {}
        self.tags: set[str] = set()
        self.operation_ids: set[str] = set()
        self.servers: list[str] = []

    def unique_id(self, op_id: str) -> str:
        base, n = op_id, 2
        while op_id in self.operation_ids:
            op_id, n = f"{base}{n}", n + 1
        self.operation_ids.add(op_id)
        return op_id

    def add_page(self, page: Page) -> None:
        ns = _page_namespace(page)
        verb, noun = _title_parts(page)
        body_type = _body_type_name(page, self.model)
        for ex in page.examples_of("request"):
            if ex.http and ex.http.target:
                _, server = _split_target(ex.http.target)
                if server:
                    self.servers.append(server)
        first_path: str | None = None
        for index, req in enumerate(page.http_requests):
            path, params = _normalize_path(req.target, page)
            method = req.method.lower()
            item = self.paths.setdefault(path, {})
            if method in item:
                self.model.diag(
                    page.source,
                    req.line,
                    "duplicate-operation",
                    f"{req.method} {path} is already defined by another page; kept the first",
                )
                continue
            op_id = verb + noun[0].upper() + noun[1:]
            if first_path is not None:
                op_id += self.suffix(first_path, path)
            else:
                first_path = path
            item[method] = self.operation(
                page, ns, method, path, params, self.unique_id(op_id), body_type, noun
            )

    def infer_entity_gets(self) -> None:
        """Add GET to entity paths the pages document only for PATCH or DELETE.

        In OData every entity address answers GET; Graph's get pages list one or two
        addresses of an entity set while its update and delete pages use another (the
        learning pages: get via ``/employeeExperience/learningCourseActivities/{id}``, update
        and delete via ``.../learningProviders/{registrationId}/learningCourseActivities/{id}``).
        The GET added is the documented one for the same entity set (same collection segment,
        same single-entity response), with this path's parameters; it is marked
        ``x-ms-docs-inferred-from`` and reported, so nothing is invented silently.
        """
        gets: dict[str, tuple[str, dict[str, Any]]] = {}
        for path in sorted(self.paths):
            op = self.paths[path].get("get")
            collection = _entity_collection(path)
            if op is None or collection is None or "x-ms-pageable" in op:
                continue
            gets.setdefault(collection.lower(), (path, op))
        for path in sorted(self.paths):
            item = self.paths[path]
            collection = _entity_collection(path)
            if "get" in item or collection is None:
                continue
            sibling = item.get("patch") or item.get("delete")
            found = gets.get(collection.lower())
            if sibling is None or found is None:
                continue
            source_path, source = found
            body = sibling.get("requestBody", {}).get("content", {}).get("application/json", {})
            returned = (
                source["responses"].get("200", {}).get("content", {}).get("application/json", {})
            )
            if body and body.get("schema") != returned.get("schema"):
                continue  # the update takes another type than the get returns
            op = copy.deepcopy(source)
            for old_resp, new_resp in zip(source["responses"].values(), op["responses"].values()):
                old_media = old_resp.get("content", {}).get("application/json")
                new_media = new_resp.get("content", {}).get("application/json")
                for media, value, src, line in list(self.examples):
                    if media is old_media and new_media is not None:
                        self.examples.append((new_media, value, src, line))
            path_params = [p for p in sibling.get("parameters", []) if p["in"] == "path"]
            others = [p for p in source.get("parameters", []) if p["in"] != "path"]
            op["parameters"] = copy.deepcopy(path_params) + others
            if not op["parameters"]:
                del op["parameters"]
            parent = _entity_parent(path)
            op["operationId"] = self.unique_id(
                source["operationId"] + ("For" + pascal(singular(parent)) if parent else "Alt")
            )
            op["x-ms-docs-inferred-from"] = f"GET {source_path}"
            item["get"] = op
            self.model.diag(
                "(page set)",
                0,
                "inferred-get",
                f"GET {path} added from GET {source_path}: the pages document this entity "
                "address for PATCH/DELETE only, and OData entity addresses answer GET",
            )

    @staticmethod
    def suffix(first: str, path: str) -> str:
        keys = re.findall(r"\(([^=()]+)=", path.rsplit("/", 1)[-1])
        if keys:
            return "By" + "".join(pascal(k) for k in keys)
        head = path.strip("/").split("/")[0]
        if head != first.strip("/").split("/")[0]:
            return "For" + pascal(singular(head))
        return "Alt"

    def operation(
        self,
        page: Page,
        ns: str,
        method: str,
        path: str,
        params: list[_PathParam],
        op_id: str,
        body_type: str | None,
        noun: str,
    ) -> dict[str, Any]:
        response = page.response
        tag = (response.body_type.split(".")[-1] if response and response.body_type else None) or (
            body_type.split(".")[-1] if body_type else noun[0].lower() + noun[1:]
        )
        self.tags.add(tag)
        op: dict[str, Any] = {"tags": [tag]}
        if page.title:
            op["summary"] = page.title.value
        if page.description:
            op["description"] = plain_text(page.description.value)
        op["operationId"] = op_id
        parameters = self.parameters(page, params, method)
        if parameters:
            op["parameters"] = parameters
        body = self.request_body(page, ns, method, body_type)
        if body is not None:
            op["requestBody"] = body
        op["responses"] = self.responses(page, ns, op)
        perms = _permissions(page)
        if perms:
            op["x-ms-permissions"] = perms
        return op

    def parameters(self, page: Page, params: list[_PathParam], method: str) -> list[dict[str, Any]]:
        ns = _page_namespace(page)
        out: list[dict[str, Any]] = []
        for p in params:
            schema = {"type": "string"}
            if p.type is not None:
                schema = self.schemas.type_schema(
                    p.type, ns, (), page.source, page.title.line if page.title else 1
                )
            out.append(
                _parameter(
                    p.name,
                    "path",
                    schema,
                    required=True,
                    description=plain_text(p.description),
                )
            )
        for row in page.parameters:
            if row.location != "query":
                continue
            schema = self.schemas.type_schema(row.type, ns, (), page.source, row.line)
            out.append(
                _parameter(
                    row.name,
                    "query",
                    schema,
                    required=bool(row.required),
                    description=property_description(row.description),
                )
            )
        for q in page.query_options:
            known = QUERY_OPTIONS.get(q.name.lower())
            if known and known.get("array"):
                qp = _parameter(
                    q.name,
                    "query",
                    {"type": "array", "uniqueItems": True, "items": {"type": "string"}},
                    required=False,
                    description=str(known["description"]),
                )
                qp["style"], qp["explode"] = "form", False
            elif known:
                qp = _parameter(
                    q.name,
                    "query",
                    dict(known["schema"]),
                    required=False,
                    description=str(known["description"]),
                )
            else:
                qp = _parameter(q.name, "query", {"type": "string"}, required=False)
            out.append(qp)
        for h in page.headers:
            lname = h.name.lower()
            if lname == "authorization" or (lname == "content-type"):
                continue
            out.append(
                _parameter(
                    h.name,
                    "header",
                    {"type": "string"},
                    required=bool(h.required),
                    description=property_description(h.description),
                )
            )
        return out

    def request_body(
        self, page: Page, ns: str, method: str, body_type: str | None
    ) -> dict[str, Any] | None:
        if method in ("get", "delete", "head") or page.request_body_empty:
            return None
        media: dict[str, Any]
        action_rows = [
            r for t in page.request_body if t.rows and t.is_parameter_table for r in t.rows
        ]
        if action_rows:
            props = {
                r.name: self.schemas.property_schema(_row_prop(r, ns, page.source))
                for r in action_rows
            }
            schema: dict[str, Any] = {"type": "object", "properties": props}
            req = [r.name for r in action_rows if r.required]
            if req:
                schema["required"] = req
            media = {"schema": schema}
        elif body_type is not None and (page.request_body or method in ("patch", "post", "put")):
            if not page.request_body and not any(
                e.http and e.http.has_json_body for e in page.examples_of("request")
            ):
                return None
            self.model.ensure(
                body_type, "object", page.source, page.title.line if page.title else 1
            )
            if self.model.get(body_type) and not self.model.get(body_type).props and not self.model.get(body_type).from_resource_page:  # type: ignore[union-attr]
                self.model.get(body_type).stub = True  # type: ignore[union-attr]
            media = {"schema": {"$ref": REF + self.model.get(body_type).name}}  # type: ignore[union-attr]
        else:
            if page.request_body:
                self.model.diag(
                    page.source,
                    page.request_body[0].line,
                    "body-type",
                    "request body table with no resource type to attach it to; left out",
                )
            return None
        example = self.first_example(page, "request", None)
        if example is not None:
            self.examples.append((media, example[0], page.source, example[1]))
        return {"required": True, "content": {"application/json": media}}

    def first_example(self, page: Page, kind: str, status: int | None) -> tuple[Any, int] | None:
        for ex in page.examples_of(kind):
            http = ex.http
            if http is None or not http.has_json_body:
                continue
            if status is not None and http.status is not None and http.status != status:
                continue
            return http.body_json, http.body_line or ex.line
        return None

    def responses(self, page: Page, ns: str, op: dict[str, Any]) -> dict[str, Any]:
        info = page.response
        status = info.status if info else None
        if status is None:
            statuses = [
                e.http.status for e in page.examples_of("response") if e.http and e.http.status
            ]
            status = statuses[0] if statuses else 200
            self.model.diag(
                page.source,
                page.title.line if page.title else 1,
                "response-status",
                f"no success status in the Response section; used {status}",
            )
        reason = info.reason if info else _REASONS.get(status, "Success")
        resp: dict[str, Any] = {"description": reason}
        body_type = info.body_type if info else None
        collection = info.collection if info else False
        if body_type is None:
            for ex in page.examples_of("response"):
                odata = ex.annotation.get("@odata.type")
                if isinstance(odata, str) and ex.http and ex.http.has_json_body:
                    body_type = odata.lstrip("#")
                    collection = bool(ex.annotation.get("isCollection"))
                    break
        if status != 204 and body_type:
            item = self.schemas.scalar_schema(
                body_type, ns, (), page.source, info.line if info else 1
            )
            if collection:
                schema = self.collection_schema(item, body_type, ns)
                op["x-ms-pageable"] = {
                    "nextLinkName": "@odata.nextLink",
                    "itemName": "value",
                }
            else:
                schema = item
            media: dict[str, Any] = {"schema": schema}
            example = self.first_example(page, "response", status)
            if example is not None:
                self.examples.append((media, example[0], page.source, example[1]))
            resp["content"] = {"application/json": media}
        out: dict[str, Any] = {str(status): resp}
        out.update(_error_responses(page))
        out["default"] = {"$ref": "#/components/responses/error"}
        return out

    def collection_schema(self, item: dict[str, Any], body_type: str, ns: str) -> dict[str, Any]:
        name = (
            item["$ref"][len(REF) :] if "$ref" in item else qualify(body_type, ns)
        ) + "CollectionResponse"
        self.collections[name] = {
            "type": "object",
            "properties": {
                "value": {"type": "array", "items": item},
                "@odata.nextLink": {"type": "string", "nullable": True},
            },
        }
        return {"$ref": REF + name}


def _error_responses(page: Page) -> dict[str, Any]:
    """One response per status of the page's error-conditions table, in status order.

    The description lists each documented ``code: message`` once, so readers of the spec and
    of the SDK's docstrings see why a call can fail; the body is Graph's error shape.
    """
    by_status: dict[int, list[str]] = {}
    for row in page.errors:
        if row.status is None or not 400 <= row.status <= 599:
            continue  # the parser reported the row; a status we cannot read has no slot
        text = ": ".join(x for x in (row.code, row.message) if x) or "error"
        lines = by_status.setdefault(row.status, [])
        if text not in lines:
            lines.append(text)
    return {
        str(status): {
            "description": "; ".join(by_status[status]),
            "content": {"application/json": {"schema": {"$ref": REF + ERROR_SCHEMA}}},
        }
        for status in sorted(by_status)
    }


def _entity_collection(path: str) -> str | None:
    """``learningCourseActivities`` for ``.../learningCourseActivities/{key}``, else None."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and re.fullmatch(r"\{[^{}]+\}", parts[-1]) and "(" not in parts[-2]:
        return parts[-2]
    return None


def _entity_parent(path: str) -> str | None:
    """The collection that holds the entity set's owner (``learningProviders``), if any."""
    parts = path.strip("/").split("/")[:-2]
    for i in range(len(parts) - 1, 0, -1):
        if re.fullmatch(r"\{[^{}]+\}", parts[i]):
            return parts[i - 1]
    return None


_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 302: "Found"}


# ---------------------------------------------------------------------------------------
# Examples: page examples made valid against their schema


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
    with deterministic typed samples, drops undocumented keys (``@odata.*`` annotations stay).
    """

    def __init__(self, components: Mapping[str, Any]) -> None:
        self.components = components

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 50:
            schema = self.components.get(str(schema["$ref"])[len(REF) :], {})
            seen += 1
        return schema

    def name_of(self, schema: Mapping[str, Any]) -> str | None:
        ref = schema.get("$ref")
        return str(ref)[len(REF) :] if isinstance(ref, str) else None

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
            if target is not None and self.components.get(target[len(REF) :]) is not self.resolve(
                schema
            ):
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
            elif key.startswith("@odata.") and isinstance(item, str):
                out[key] = item
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


# ---------------------------------------------------------------------------------------
# OpenAPI Overlay 1.0


_SEGMENT = re.compile(
    r"\.\.(?P<deep>[A-Za-z_@$][\w@$\-.]*?)(?=\.|\[|$)|\.(?P<name>[A-Za-z_@$][\w@$\-]*)|\.\*|\[\*\]"
    r"|\[(?P<quote>['\"])(?P<key>.*?)(?P=quote)\]|\[(?P<index>-?\d+)\]"
    r"|\[\?\(?@(?P<fpath>(?:\.[\w@$\-]+|\[['\"][^'\"]*['\"]\])+)\s*==\s*(?P<fq>['\"])(?P<fval>.*?)(?P=fq)\)?\]"
)


def _jsonpath_steps(expr: str) -> list[re.Match[str]]:
    """Parse the JSONPath subset overlays need: ``$``, ``.name``, ``['name']``, ``[n]``,
    ``.*``/``[*]``, ``..name`` and ``[?(@.key == 'value')]``."""
    if not expr.startswith("$"):
        raise InputError(f"overlay target must start with '$': {expr!r}", pointer=expr)
    steps: list[re.Match[str]] = []
    pos = 1
    while pos < len(expr):
        m = _SEGMENT.match(expr, pos)
        if m is None or m.end() == pos:
            raise InputError(f"overlay target not understood at {expr[pos:]!r}", pointer=expr)
        steps.append(m)
        pos = m.end()
    return steps


def _children(node: Any) -> list[tuple[Any, Any]]:
    if isinstance(node, dict):
        return list(node.items())
    if isinstance(node, list):
        return list(enumerate(node))
    return []


def _pick(node: Any, fpath: str) -> Any:
    for m in re.finditer(r"\.([\w@$\-]+)|\[['\"]([^'\"]*)['\"]\]", fpath):
        key = m.group(1) or m.group(2)
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def select(doc: Any, expr: str) -> list[tuple[Any, Any]]:
    """``(parent, key)`` pairs for the nodes ``expr`` selects (the root is ``(None, None)``)."""
    current: list[tuple[Any, Any]] = [(None, None)]

    def value(pair: tuple[Any, Any]) -> Any:
        parent, key = pair
        return doc if parent is None else parent[key]

    for step in _jsonpath_steps(expr):
        nxt: list[tuple[Any, Any]] = []
        for pair in current:
            node = value(pair)
            if step.group("deep"):
                stack = [node]
                while stack:
                    n = stack.pop(0)
                    for k, v in _children(n):
                        if k == step.group("deep"):
                            nxt.append((n, k))
                        stack.append(v)
            elif step.group("name") is not None or step.group("key") is not None:
                key = step.group("name") if step.group("name") is not None else step.group("key")
                if isinstance(node, dict) and key in node:
                    nxt.append((node, key))
            elif step.group("index") is not None:
                i = int(step.group("index"))
                if isinstance(node, list) and -len(node) <= i < len(node):
                    nxt.append((node, i % len(node)))
            elif step.group("fpath"):
                for k, v in _children(node):
                    if str(_pick(v, step.group("fpath"))) == step.group("fval"):
                        nxt.append((node, k))
            else:
                nxt.extend((node, k) for k, _ in _children(node))
        current = nxt
    return current


def _merge(target: Any, update: Any) -> Any:
    """Overlay ``update`` semantics: objects merge recursively, arrays append, scalars replace."""
    if isinstance(target, dict) and isinstance(update, dict):
        out = dict(target)
        for k, v in update.items():
            out[k] = _merge(out[k], v) if k in out else copy.deepcopy(v)
        return out
    if isinstance(target, list):
        return target + (
            copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)]
        )
    return copy.deepcopy(update)


def apply_overlay(spec: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Apply an OpenAPI Overlay 1.0 document's actions in order; returns a new spec."""
    if not isinstance(overlay, Mapping) or not str(overlay.get("overlay", "")).startswith("1."):
        raise InputError(
            "not an OpenAPI Overlay 1.x document (no 'overlay: 1.0.0')",
            pointer="/overlay",
        )
    actions = overlay.get("actions")
    if not isinstance(actions, list):
        raise InputError("overlay has no 'actions' list", pointer="/actions")
    doc: Any = copy.deepcopy(dict(spec))
    for index, action in enumerate(actions):
        where = f"/actions/{index}"
        if not isinstance(action, Mapping) or not isinstance(action.get("target"), str):
            raise InputError("overlay action needs a 'target' JSONPath string", pointer=where)
        try:
            selected = select(doc, action["target"])
        except InputError as exc:
            raise InputError(exc.message, pointer=where + "/target") from None
        if action.get("remove") is True:
            for parent, key in sorted(
                selected,
                key=lambda pk: pk[1] if isinstance(pk[1], int) else 0,
                reverse=True,
            ):
                if parent is None:
                    raise InputError("overlay cannot remove the document root", pointer=where)
                del parent[key]
        elif "update" in action:
            for parent, key in selected:
                if parent is None:
                    doc = _merge(doc, action["update"])
                else:
                    parent[key] = _merge(parent[key], action["update"])
        else:
            raise InputError(
                "overlay action has neither 'update' nor 'remove: true'", pointer=where
            )
    return dict(doc)


# ---------------------------------------------------------------------------------------
# The document


def build(
    pages: Sequence[Page],
    *,
    overlay: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> BuildResult:
    """Build the spec and say what had to be guessed; see `build_spec`."""
    model = _Model()
    enum_pages = [p for p in pages if p.enums]
    for page in enum_pages:
        ns = _page_namespace(page)
        for table in page.enums:
            t = model.ensure(qualify(table.name, ns), "enum", page.source, table.line)
            t.kind, t.from_enum_page = "enum", True
            for m in table.members:
                if m.name not in t.members:
                    t.members.append(m.name)
    for page in pages:
        if page.is_resource_page or (page.resource is not None and not page.is_api_page):
            _collect_resource_page(model, page)
    api_pages = [p for p in pages if p.is_api_page]
    for page in api_pages:
        _collect_api_page_types(model, page)
    schemas = _Schemas(model)
    ops = _Operations(model, schemas)
    for page in api_pages:
        ops.add_page(page)
    ops.infer_entity_gets()
    components = schemas.build()
    for name, schema in ops.collections.items():
        components[name] = schema
    components.update(error_schemas())
    listed = {t.name for t in model.types.values() if t.from_enum_page}
    unused = listed - _referenced(
        [ops.paths] + [v for k, v in components.items() if k not in listed], components
    )
    components = {k: v for k, v in components.items() if k not in unused}
    components = {k: components[k] for k in sorted(components)}
    for media, value, source, line in ops.examples:
        ok, example = conform_example(value, media["schema"], components)
        if ok:
            media["example"] = example
        else:
            model.diag(
                source,
                line,
                "example-dropped",
                "example could not be made to fit its schema; left out",
            )
    spec = _document(pages, api_pages, ops, components, title)
    if overlay is not None:
        spec = apply_overlay(spec, overlay)
    return BuildResult(
        spec,
        tuple(
            sorted(
                set(model.diagnostics),
                key=lambda d: (d.source, d.line, d.code, d.message),
            )
        ),
    )


def _referenced(roots: list[Any], components: Mapping[str, Any]) -> set[str]:
    """Schema names reachable through ``$ref`` from ``roots`` (an enums page lists hundreds)."""
    found: set[str] = set()
    stack: list[Any] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF):
                name = ref[len(REF) :]
                if name not in found:
                    found.add(name)
                    stack.append(components.get(name))
            stack.extend(v for k, v in node.items() if k != "$ref")
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _document(
    pages: Sequence[Page],
    api_pages: list[Page],
    ops: _Operations,
    components: dict[str, Any],
    title: str | None,
) -> dict[str, Any]:
    server = ops.servers[0] if ops.servers else "https://graph.microsoft.com/v1.0"
    m = re.search(r"/(v\d[\w.]*|beta)$", server)
    version = m.group(1) if m and ops.servers else "1.0.0"
    if title is None:
        if len(api_pages) == 1 and api_pages[0].title:
            title = api_pages[0].title.value
        else:
            names = sorted({_page_namespace(p) for p in pages}) or [DEFAULT_NAMESPACE]
            title = f"{', '.join(names)} API"
    info: dict[str, Any] = {"title": title}
    if len(api_pages) == 1 and api_pages[0].description:
        info["description"] = plain_text(api_pages[0].description.value)
    info["version"] = version
    paths = {}
    for path in sorted(ops.paths):
        item = ops.paths[path]
        paths[path] = {m: item[m] for m in _METHOD_ORDER if m in item}
    return {
        "openapi": "3.0.3",
        "info": info,
        "servers": [{"url": server}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": t} for t in sorted(ops.tags)],
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {
                "error": {
                    "description": "error",
                    "content": {"application/json": {"schema": {"$ref": REF + ERROR_SCHEMA}}},
                }
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                }
            },
        },
    }


def build_spec(
    pages: Sequence[Page],
    *,
    overlay: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """One OpenAPI 3.0.3 document (plain dicts) from API, resource and enum pages.

    ``overlay`` is an OpenAPI Overlay 1.0 document applied last; ``title`` overrides
    ``info.title`` (by default the API page's title when there is one API page).
    """
    return build(pages, overlay=overlay, title=title).spec


class _Dumper(yaml.SafeDumper):
    """SafeDumper that never writes YAML anchors/aliases (shared dicts are written out)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def check_simple_key(self) -> bool:
        # PyYAML writes keys of 128+ characters as "? key"; long Graph paths stay plain keys.
        event = self.event
        if isinstance(event, yaml.ScalarEvent):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            analysis: Any = self.analysis
            return not analysis.empty and not analysis.multiline and len(analysis.scalar) < 1024
        return bool(super().check_simple_key())


def dump_yaml(spec: Mapping[str, Any]) -> str:
    """The spec as YAML text: insertion key order, unicode kept, no line wrapping."""
    text: str = yaml.dump(
        spec,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
    )
    return text
