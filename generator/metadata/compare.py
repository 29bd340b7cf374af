"""How faithful is a spec built from Graph pages to Graph's own service metadata?

`compare_spec(spec, metadata)` checks what the spec says against the metadata, category by
category (see `CATEGORIES`), and counts each check right or wrong; every wrong one is a
`Mismatch` with a JSON pointer into the spec, what the metadata expects and what the spec
says. The checks:

- schemas named ``microsoft.graph.*`` (not apigen's own ``ODataErrors`` schemas or
  ``...CollectionResponse`` wrappers): the type exists (exactly, or only ignoring case), is
  the same kind (enum or structured), has the same base type, is abstract / open when the
  spec says so (``x-ms-abstract``, ``additionalProperties: true``), is no empty placeholder;
- every property of those schemas: its name, its type (format and collection included), its
  kind (navigation or not) and, apart, its nullability, against the metadata type's own and
  inherited properties; recall: of the metadata properties of each type the spec fills in,
  how many the spec has (under its own schema or its bases);
- enum members, both ways;
- every path and method: can the metadata address it (entity sets, singletons, navigation,
  keys and alternate keys, in parentheses or as a segment, casts, bound actions and
  functions, ``$ref``, ``$value``, ``$count``, media streams, Graph's path-based addressing
  ``root:/folder/file:``), in the right letter case, with a method the target allows; an
  action's or function's parameters and return type; the request body of a create or update;
  the response type of a read; the success code OData's conventions give.

Page evidence (`page_evidence`) says what the pages themselves state. When the spec says
what its page says and the metadata differs, the mismatch is ``page_caused``: a finding
about the page, counted apart (`Count.page_caused`) and listed, never hidden. Only the
categories evidence speaks to (type names, properties, recall, enums, and of operations the
page's own request line, parameter rows, status and response type) can be page-caused.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.metadata.csdl import (
    EnumType,
    Metadata,
    NavigationProperty,
    Operation,
    StructuredType,
)
from generator.metadata.paths import TEMPLATE, Resolution, Target, resolve_path
from generator.metadata.types import (
    Signature,
    csdl_signature,
    page_type_signature,
    schema_signature,
)
from generator.pages import names as page_names
from generator.pages.model import Page, TypeText
from generator.pages.operations import response_type, stated_status
from generator.pages.paths import normalize_path, split_target, takes_parameters
from generator.pages.schemas import PRIMITIVES
from generator.pages.typemodel import body_type_name, resource_type_name
from generator.spec.openapi import SCHEMA_PREFIX

__all__ = [
    "CATEGORIES",
    "Count",
    "FidelityReport",
    "Mismatch",
    "OperationEvidence",
    "PageEvidence",
    "compare_spec",
    "page_evidence",
]

ERROR_PREFIX = "microsoft.graph.ODataErrors."
REF = SCHEMA_PREFIX

# (category, what is checked, "precision" or "recall"), in report order.
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("property", "(property, type) pairs: name and type both right", "precision"),
    ("property-name", "property names known to the metadata type", "precision"),
    ("property-type", "property types (format, collection) of known names", "precision"),
    ("property-kind", "navigation or structural, as the metadata says", "precision"),
    ("property-nullable", "nullability of single-valued properties", "precision"),
    ("property-recall", "metadata properties of the filled types found in the spec", "recall"),
    ("page-recall", "page table rows found in the spec with the right name", "recall"),
    ("type-known", "schemas whose type the metadata has", "precision"),
    ("type-casing", "type names in the metadata's letter case", "precision"),
    ("type-kind", "enum or structured, as the metadata says", "precision"),
    ("base-type", "base types", "precision"),
    ("abstract", "types the spec marks abstract", "precision"),
    ("open-type", "types the spec marks open", "precision"),
    ("placeholder", "schemas that are not empty placeholders", "precision"),
    ("enum-precision", "enum members the metadata has", "precision"),
    ("enum-recall", "metadata enum members in the spec", "recall"),
    ("path-address", "operations whose path the metadata can address", "precision"),
    ("path-casing", "addressable paths in the metadata's letter case", "precision"),
    ("operation-method", "methods the addressed target allows", "precision"),
    ("operation-parameter", "action/function parameters (name and type)", "precision"),
    ("operation-return", "action/function return types", "precision"),
    ("request-body", "request body types of creates and updates", "precision"),
    ("response-type", "response types of reads", "precision"),
    ("success-code", "success codes OData's conventions give", "precision"),
)
_CATEGORY_NAMES = tuple(c[0] for c in CATEGORIES)


# ---------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One wrong check. ``reason`` classes it (``casing``, ``format``, ``missing`` ...)."""

    category: str
    pointer: str
    expected: str
    got: str
    page_caused: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Count:
    """Checks of one category: ``wrong`` excludes the ``page_caused`` wrong ones."""

    right: int = 0
    wrong: int = 0
    page_caused: int = 0

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.page_caused

    @property
    def ratio(self) -> float | None:
        """right / all checks (None when nothing was checked)."""
        return self.right / self.total if self.total else None

    @property
    def ratio_without_page(self) -> float | None:
        """right / (right + wrong): the page-caused checks left out."""
        n = self.right + self.wrong
        return self.right / n if n else None


@dataclass(frozen=True, slots=True)
class FidelityReport:
    counts: Mapping[str, Count]
    mismatches: tuple[Mismatch, ...]

    def count(self, category: str) -> Count:
        return self.counts.get(category, Count())

    def by_category(self) -> dict[str, list[Mismatch]]:
        out: dict[str, list[Mismatch]] = {}
        for m in self.mismatches:
            out.setdefault(m.category, []).append(m)
        return {c: out[c] for c in _CATEGORY_NAMES if c in out}

    def classes(self) -> list[tuple[str, str, int, Mismatch]]:
        """(category, reason, how many, first example), most common first."""
        counter: Counter[tuple[str, str]] = Counter()
        first: dict[tuple[str, str], Mismatch] = {}
        for m in self.mismatches:
            counter[(m.category, m.reason)] += 1
            first.setdefault((m.category, m.reason), m)
        return [(c, r, n, first[(c, r)]) for (c, r), n in counter.most_common()]

    def figures(self) -> dict[str, dict[str, Any]]:
        """Every category's counts and ratios, as plain data (for JSON)."""
        out: dict[str, dict[str, Any]] = {}
        for name, what, measure in CATEGORIES:
            c = self.count(name)
            out[name] = {
                "what": what,
                "measure": measure,
                "right": c.right,
                "wrong": c.wrong,
                "page_caused": c.page_caused,
                "ratio": None if c.ratio is None else round(c.ratio, 4),
                "ratio_without_page": (
                    None if c.ratio_without_page is None else round(c.ratio_without_page, 4)
                ),
            }
        return out


# ---------------------------------------------------------------------------------------
# Page evidence


@dataclass(frozen=True, slots=True)
class OperationEvidence:
    """What an API page states of its operation: the parameters its tables list (name ->
    type text), the success status and the response type (type text, None when the page
    names none)."""

    parameters: Mapping[str, str]
    status: int | None
    returns: str | None
    target: str = ""  # the request line's path as the page writes it
    body: str | None = None  # the type the Request body section says to supply

    def writes(self, path: str) -> bool:
        """The spec's path is the page's, segment for segment (keys and function arguments
        apart, which the builder names): an address the metadata lacks is the page's."""
        page_path, _ = split_target(self.target)
        mine = _address_shape(path)
        return bool(mine) and mine == _address_shape(page_path)


def _address_shape(path: str) -> list[str]:
    """A path's segments with every ``{...}`` and every ``(...)`` argument list blanked."""
    path = re.sub(r"\([^()]*\)", "()", path)
    return [re.sub(r"\{[^{}/]*\}?", "{}", s) for s in path.strip("/").split("/")]


@dataclass(frozen=True, slots=True)
class PageEvidence:
    """What the pages state, keyed the way the builder names schemas.

    ``types``: (schema, property) -> the type the page's table gives (``String``,
    ``Collection(Int32)``, ``microsoft.graph.itemBody``); every property table, request-body
    tables included. ``documented``: the keys of resource-page tables (property and
    relationship rows). ``enums``: enum name -> members its tables and "Possible values" list.
    ``where``: (schema, property) -> ``file:line`` of the row. ``operations``: (path, method)
    -> what the API page states of the operation (`OperationEvidence`), for the paths the
    builder makes of its request lines.
    """

    types: Mapping[tuple[str, str], str]
    documented: tuple[tuple[str, str], ...]
    enums: Mapping[str, tuple[str, ...]]
    where: Mapping[tuple[str, str], str] = field(default_factory=dict)
    operations: Mapping[tuple[str, str], OperationEvidence] = field(default_factory=dict)


def _type_text(t: TypeText, ns: str) -> str:
    name = t.name.strip()
    if name.lower() not in PRIMITIVES and re.fullmatch(r"[A-Za-z_][\w.]*", name):
        name = page_names.qualify(name, ns)
    return f"Collection({name})" if t.collection else name


def page_evidence(pages: Sequence[Page]) -> PageEvidence:
    """The property types and enum members the pages state (see `PageEvidence`).

    Schema names are the builder's own (`generator.pages.build`), so they meet the spec's.
    """
    types: dict[tuple[str, str], str] = {}
    where: dict[tuple[str, str], str] = {}
    documented: list[tuple[str, str]] = []
    enums: dict[str, list[str]] = {}
    operations: dict[tuple[str, str], OperationEvidence] = {}

    def note(schema: str, row_name: str, text: str, source: str, line: int) -> None:
        k = (schema, row_name)
        if k not in types:
            types[k] = text
            where[k] = f"{source}:{line}"

    def enum_values(name: str, values: Sequence[str]) -> None:
        members = enums.setdefault(name, [])
        members.extend(v for v in values if v not in members)

    for page in pages:
        ns = page_names.page_namespace(page)
        for enum_table in page.enums:
            enum_values(
                page_names.qualify(enum_table.name, ns), [m.name for m in enum_table.members]
            )
        if page.is_resource_page or (page.resource is not None and not page.is_api_page):
            schema = resource_type_name(page)
            for row in (*page.properties, *page.relationships):
                if row.name.startswith("@"):
                    continue
                text = _type_text(row.type, ns)
                note(schema, row.name, text, page.source, row.line)
                if (schema, row.name) not in documented:
                    documented.append((schema, row.name))
                if row.inherited_from:
                    parent = page_names.qualify(row.inherited_from, ns)
                    note(parent, row.name, text, page.source, row.line)
                if row.enum_values and row.type.name.lower() not in PRIMITIVES:
                    enum_values(page_names.qualify(row.type.name, ns), row.enum_values)
        elif page.is_api_page:
            _operation_evidence(page, ns, operations)
            body = body_type_name(page)
            for table in page.request_body:
                if takes_parameters(page) or body is None:
                    continue
                for row in table.rows:
                    if not row.name.startswith("@"):
                        note(body, row.name, _type_text(row.type, ns), page.source, row.line)
    return PageEvidence(
        types, tuple(documented), {k: tuple(v) for k, v in enums.items()}, where, operations
    )


def _operation_evidence(page: Page, ns: str, out: dict[tuple[str, str], OperationEvidence]) -> None:
    """What an API page states of the operations its request lines make: the rows of its
    action-parameter tables, its function (path) and query parameter tables, its success
    status and response type."""
    params: dict[str, str] = {}
    for table in page.request_body:
        if takes_parameters(page):
            for row in table.rows:
                params.setdefault(row.name, _type_text(row.type, ns))
    for prow in page.parameters:
        params.setdefault(prow.name, _type_text(prow.type, ns))
    body = None
    if page.request_body_type:
        body = _type_text(TypeText(page.request_body_type, page.request_body_type, False), ns)
    name, collection = response_type(page)
    returns = None
    if name is not None:
        returns = _type_text(TypeText(name, name, collection), ns)
    for req in page.http_requests:
        path, _ = normalize_path(req.target, page)
        evidence = OperationEvidence(params, stated_status(page), returns, req.target, body)
        out.setdefault((path, req.method.lower()), evidence)


# ---------------------------------------------------------------------------------------
# Helpers


def pointer(*parts: str) -> str:
    """A JSON pointer from its unescaped parts."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _schema_base(schema: Mapping[str, Any]) -> str | None:
    for part in schema.get("allOf", []) or []:
        if isinstance(part, Mapping) and isinstance(part.get("$ref"), str):
            ref = str(part["$ref"])
            return ref.removeprefix(REF)
    return None


def _own_properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The properties a schema declares itself (its allOf's inline parts included)."""
    props: dict[str, Any] = {}
    for part in [*(schema.get("allOf", []) or []), schema]:
        if isinstance(part, Mapping) and "$ref" not in part:
            found = part.get("properties")
            if isinstance(found, Mapping):
                props.update(found)
    return {k: v for k, v in props.items() if isinstance(k, str) and not k.startswith("@")}


def _type_reason(md: Metadata, expected: Signature, got: Signature) -> str:
    if expected.differs_only_in_case(got):
        return "casing"
    if got.type == "any":
        return "untyped"
    if expected.collection != got.collection:
        return "collection" if expected.type == got.type else "collection and type"
    if not expected.named and not got.named:
        return "format" if expected.type == got.type else "primitive type"
    if got.type == "object" and not got.collection:
        return "inline object"
    if expected.named and not got.named:
        return "enum as primitive" if expected.type in md.enums else "named type as primitive"
    if got.named and not expected.named:
        return "primitive as named type"
    if md.is_derived(got.type, expected.type):
        return "derived type"
    if md.is_derived(expected.type, got.type):
        return "base type"
    return "other named type"


_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
_COLLECTION_TEXT = re.compile(r"Collection\((.+)\)")

_ALLOWED = {
    "entities": {"get", "post"},
    "entity": {"get", "patch", "put", "delete"},
    "complex": {"get", "patch", "put", "delete"},
    "primitive": {"get", "patch", "put", "delete"},
    "ref": {"get", "post", "put", "delete"},
    "count": {"get"},
    "value": {"get", "put"},
    "stream": {"get", "put"},
    "action": {"post"},
    "function": {"get"},
}
_METHODS = ("get", "put", "post", "patch", "delete")


# ---------------------------------------------------------------------------------------
# The comparison


class _Comparer:
    def __init__(
        self,
        spec: Mapping[str, Any],
        md: Metadata,
        page_types: Mapping[tuple[str, str], str] | None,
        page_enums: Mapping[str, Sequence[str]] | None,
        documented: Sequence[tuple[str, str]],
        page_operations: Mapping[tuple[str, str], OperationEvidence] | None = None,
    ) -> None:
        self.spec = spec
        self.page_operations = page_operations
        self.md = md
        components = spec.get("components")
        schemas = components.get("schemas") if isinstance(components, Mapping) else None
        self.schemas: Mapping[str, Any] = schemas if isinstance(schemas, Mapping) else {}
        self.schema_lower = {k.lower(): k for k in self.schemas}
        self.counts: dict[str, list[int]] = {c: [0, 0, 0] for c in _CATEGORY_NAMES}
        self.mismatches: list[Mismatch] = []
        self.have_pages = page_types is not None
        self.page_rows: dict[str, dict[str, str]] = {}
        for (schema, prop), text in (page_types or {}).items():
            self.page_rows.setdefault(schema.lower(), {})[prop] = text
        self.page_names = {schema.lower() for schema, _ in (page_types or {})}
        for text in (page_types or {}).values():
            m = _COLLECTION_TEXT.fullmatch(text)
            self.page_names.add((m.group(1) if m else text).lower())
        self.page_enums: dict[str, tuple[str, ...]] | None = (
            None if page_enums is None else {k.lower(): tuple(v) for k, v in page_enums.items()}
        )
        if self.page_enums is not None:
            self.page_names.update(self.page_enums)
        self.documented = documented
        self._spec_members: dict[str, dict[str, Any]] = {}

    # -- counting

    def right(self, category: str) -> None:
        self.counts[category][0] += 1

    def wrong(
        self,
        category: str,
        where: str,
        expected: str,
        got: str,
        *,
        reason: str,
        page: bool = False,
    ) -> None:
        self.counts[category][2 if page else 1] += 1
        self.mismatches.append(Mismatch(category, where, expected, got, page, reason))

    def check(
        self, category: str, ok: bool, where: str, expected: str, got: str, reason: str
    ) -> None:
        if ok:
            self.right(category)
        else:
            self.wrong(category, where, expected, got, reason=reason)

    def report(self) -> FidelityReport:
        return FidelityReport(
            {c: Count(*v) for c, v in self.counts.items()}, tuple(self.mismatches)
        )

    # -- page evidence

    def page_row(self, schema: str, prop: str) -> tuple[str, str] | None:
        """(row name, type text) of the page row for this property, if a page has one."""
        rows = self.page_rows.get(schema.lower())
        if not rows:
            return None
        if prop in rows:
            return prop, rows[prop]
        lower = prop.lower()
        for name, text in rows.items():
            if name.lower() == lower:
                return name, text
        return None

    def page_documents(self, schemas: Sequence[str], prop: str) -> bool:
        return any(self.page_row(s, prop) is not None for s in schemas)

    # -- schemas

    def spec_schema(self, name: str) -> Mapping[str, Any] | None:
        found = self.schemas.get(name)
        return found if isinstance(found, Mapping) else None

    def spec_members(self, name: str) -> dict[str, Any]:
        """A spec schema's properties, own and through its allOf bases (base first)."""
        if name in self._spec_members:
            return self._spec_members[name]
        chain: list[Mapping[str, Any]] = []
        seen: set[str] = set()
        current: str | None = name
        while current is not None and current not in seen:
            seen.add(current)
            schema = self.spec_schema(current)
            if schema is None:
                break
            chain.append(schema)
            current = _schema_base(schema)
        out: dict[str, Any] = {}
        for schema in reversed(chain):
            out.update(_own_properties(schema))
        self._spec_members[name] = out
        return out

    @staticmethod
    def is_wrapper(schema: Mapping[str, Any]) -> bool:
        """A ``{value: [...], @odata.nextLink}`` collection response, not a Graph type."""
        props = schema.get("properties")
        if not isinstance(props, Mapping) or "value" not in props:
            return False
        value = props["value"]
        return (
            isinstance(value, Mapping)
            and value.get("type") == "array"
            and all(k == "value" or str(k).startswith("@odata.") for k in props)
        )

    def check_schemas(self) -> None:
        for name, schema in self.schemas.items():
            if not isinstance(name, str) or not isinstance(schema, Mapping):
                continue
            if not name.startswith("microsoft.graph.") or name.startswith(ERROR_PREFIX):
                continue
            if self.md.type(name) is None and self.is_wrapper(schema):
                continue
            self.check_schema(name, schema)

    def check_schema(self, name: str, schema: Mapping[str, Any]) -> None:
        where = pointer("components", "schemas", name)
        from_page = name.lower() in self.page_names
        target = self.md.type(name)
        if target is None:
            declared = self.md.name_ignoring_case(name)
            if declared is None:
                self.wrong(
                    "type-known",
                    where,
                    "a type the metadata declares",
                    name,
                    reason="unknown type",
                    page=from_page,
                )
                return
            self.right("type-known")
            self.wrong("type-casing", where, declared, name, reason="casing")
            target = self.md.type(declared)
            assert target is not None
        else:
            self.right("type-known")
            self.right("type-casing")
        is_enum = "enum" in schema
        if is_enum != isinstance(target, EnumType):
            self.wrong(
                "type-kind",
                where,
                "enum" if isinstance(target, EnumType) else f"{target.kind} type",
                "enum" if is_enum else "object",
                reason="kind",
            )
            return
        self.right("type-kind")
        if isinstance(target, EnumType):
            self.check_enum(name, schema, target, where)
        else:
            self.check_object(name, schema, target, where)

    def check_object(
        self, name: str, schema: Mapping[str, Any], target: StructuredType, where: str
    ) -> None:
        md = self.md
        base = _schema_base(schema)
        own = _own_properties(schema)
        members = md.members(target.name)
        if not own and base is None and members:
            # An empty placeholder (no page defined the type) says nothing more to check.
            self.wrong(
                "placeholder",
                where,
                f"{len(members)} properties",
                "an empty object",
                reason="empty placeholder",
            )
            return
        self.right("placeholder")
        if base == target.base:
            self.right("base-type")
        else:
            reason = (
                "no base"
                if base is None
                else (
                    "extra base"
                    if target.base is None
                    else (
                        "casing"
                        if base.lower() == target.base.lower()
                        else ("skips a level" if md.is_derived(target.base, base) else "other base")
                    )
                )
            )
            self.wrong("base-type", where, target.base or "(none)", base or "(none)", reason=reason)
        if schema.get("x-ms-abstract") is True:
            self.check(
                "abstract", target.abstract, where, "not abstract", "abstract", "not abstract"
            )
        body = [schema, *[p for p in schema.get("allOf", []) or [] if isinstance(p, Mapping)]]
        if any(p.get("additionalProperties") is True for p in body):
            self.check("open-type", target.open_type, where, "not open", "open", "not open")
        for prop, pschema in own.items():
            self.check_property(name, target, prop, pschema)
        if own:
            self.check_recall(name, target, where)

    def check_property(
        self, schema_name: str, target: StructuredType, prop: str, pschema: Any
    ) -> None:
        md = self.md
        where = pointer("components", "schemas", schema_name, "properties", prop)
        members = md.members(target.name)
        row = self.page_row(schema_name, prop)
        got = schema_signature(pschema)
        entry = members.get(prop)
        if entry is not None:
            self.right("property-name")
            name_ok = True
        else:
            declared = next((k for k in members if k.lower() == prop.lower()), None)
            page = row is not None and row[0] == prop
            # The page names this property (a cell apigen could not read is not the page's).
            page_named = page and _NAME.fullmatch(prop) is not None
            if declared is None:
                self.wrong(
                    "property-name",
                    where,
                    f"a property of {target.name}",
                    prop,
                    reason="unknown property",
                    page=page_named,
                )
                self.wrong(
                    "property",
                    where,
                    f"a property of {target.name}",
                    prop,
                    reason="unknown property",
                    page=page_named,
                )
                return
            self.wrong("property-name", where, declared, prop, reason="casing", page=page)
            entry = members[declared]
            name_ok = False
        _, mp = entry
        expected = csdl_signature(mp)
        type_ok = got.same_type(expected)
        page_sig = page_type_signature(row[1]) if row is not None else None
        type_page = (
            page_sig is not None
            and page_sig.type != "any"  # a cell apigen could not read is not the page's fault
            and page_sig.same_type(got)
            and not page_sig.same_type(expected)
        )
        type_reason = "" if type_ok else _type_reason(md, expected, got)
        if type_ok:
            self.right("property-type")
        else:
            self.wrong(
                "property-type",
                where,
                expected.describe(),
                got.describe(),
                reason=type_reason,
                page=type_page,
            )
        if name_ok and type_ok:
            self.right("property")
        else:
            page = (name_ok or (row is not None and row[0] == prop)) and (type_ok or type_page)
            self.wrong(
                "property",
                where,
                f"{mp.name}: {expected.describe()}",
                f"{prop}: {got.describe()}",
                reason="name casing" if not name_ok else type_reason,
                page=page,
            )
        is_nav = isinstance(pschema, Mapping) and pschema.get("x-ms-navigationProperty") is True
        md_nav = isinstance(mp, NavigationProperty)
        self.check(
            "property-kind",
            is_nav == md_nav,
            where,
            "navigation" if md_nav else "structural",
            "navigation" if is_nav else "structural",
            "navigation as structural" if md_nav else "structural as navigation",
        )
        if expected.nullable is not None and got.nullable is not None:
            self.check(
                "property-nullable",
                expected.nullable == got.nullable,
                where,
                "nullable" if expected.nullable else "not nullable",
                "nullable" if got.nullable else "not nullable",
                "nullable" if got.nullable else "not nullable",
            )

    def check_recall(self, name: str, target: StructuredType, where: str) -> None:
        have = self.spec_members(name)
        lower = {k.lower() for k in have}
        for prop, (owner, mp) in self.md.members(target.name).items():
            if prop in have:
                self.right("property-recall")
                continue
            page = self.have_pages and not self.page_documents((name, owner), prop)
            self.wrong(
                "property-recall",
                where,
                f"{prop}: {csdl_signature(mp).describe()}",
                "present with another letter case" if prop.lower() in lower else "absent",
                reason="casing" if prop.lower() in lower else "missing",
                page=page,
            )

    def check_enum(
        self, name: str, schema: Mapping[str, Any], target: EnumType, where: str
    ) -> None:
        raw = schema.get("enum")
        have = [str(m) for m in raw if m is not None] if isinstance(raw, list) else []
        page = None if self.page_enums is None else self.page_enums.get(name.lower(), ())
        members = set(target.members)
        lower = {m.lower(): m for m in target.members}
        for m in have:
            if m in members:
                self.right("enum-precision")
            else:
                self.wrong(
                    "enum-precision",
                    where + "/enum",
                    lower.get(m.lower(), f"a member of {target.name}"),
                    m,
                    reason="casing" if m.lower() in lower else "extra member",
                    page=page is not None and m in page,
                )
        have_set = set(have)
        for m in target.members:
            if m in have_set:
                self.right("enum-recall")
            else:
                self.wrong(
                    "enum-recall",
                    where + "/enum",
                    m,
                    "absent",
                    reason="missing member",
                    page=page is not None and m.lower() not in {p.lower() for p in page},
                )

    def check_page_recall(self) -> None:
        for schema, prop in self.documented:
            found = self.schema_lower.get(schema.lower())
            if found is None:
                self.wrong(
                    "page-recall",
                    pointer("components", "schemas"),
                    f"{schema}.{prop}",
                    "no such schema",
                    reason="schema missing",
                )
                continue
            have = self.spec_members(found)
            if prop in have:
                self.right("page-recall")
                continue
            casing = any(k.lower() == prop.lower() for k in have)
            self.wrong(
                "page-recall",
                pointer("components", "schemas", found),
                prop,
                "present with another letter case" if casing else "absent",
                reason="casing" if casing else "property missing",
            )

    # -- paths

    def check_paths(self) -> None:
        paths = self.spec.get("paths")
        if not isinstance(paths, Mapping):
            return
        for path, item in paths.items():
            if not isinstance(path, str) or not isinstance(item, Mapping):
                continue
            resolution: Resolution | None = None
            for method in _METHODS:
                op = item.get(method)
                if not isinstance(op, Mapping):
                    continue
                if resolution is None:
                    resolution = self.resolve(path)
                self.check_operation(path, method, op, resolution)

    def check_operation(
        self, path: str, method: str, op: Mapping[str, Any], res: Resolution
    ) -> None:
        where = pointer("paths", path, method)
        t = res.target
        page = None if self.page_operations is None else self.page_operations.get((path, method))
        page_path = page is not None and page.writes(path)
        if t is None:
            self.wrong(
                "path-address",
                where,
                "an address the metadata defines",
                f"{method.upper()} {path}: {res.problem}",
                reason=res.reason,
                page=page_path,
            )
            return
        self.right("path-address")
        if res.casing:
            self.wrong(
                "path-casing", where, ", ".join(res.casing), path, reason="casing", page=page_path
            )
        else:
            self.right("path-casing")
        allowed = _ALLOWED.get(t.kind, set())
        if method in allowed:
            self.right("operation-method")
        else:
            self.wrong(
                "operation-method",
                where,
                "/".join(sorted(m.upper() for m in allowed)) + f" on {t.kind} {t.type}",
                method.upper(),
                reason=f"{method} on {t.kind}",
                page=page_path,  # the page's own request line says this method
            )
        status, response = self.success(op)
        if t.operation is not None:
            params = None if page is None else page.parameters
            if t.kind == "action":
                self.check_action_parameters(where, op, t.operation, params)
            else:
                self.check_function_parameters(where, op, t, params)
            self.check_return(where, t.operation, status, response, page)
        elif method in ("post", "patch", "put") and t.kind in ("entities", "entity", "complex"):
            self.check_request_body(where, op, t, page)
        elif method == "get" and t.kind in ("entities", "entity", "complex", "primitive"):
            self.check_response(where, t, response, page)
        self.check_status(where, method, t, status, page)

    def success(self, op: Mapping[str, Any]) -> tuple[int | None, Mapping[str, Any] | None]:
        responses = op.get("responses")
        if not isinstance(responses, Mapping):
            return None, None
        codes = sorted(
            (int(str(k)), v)
            for k, v in responses.items()
            if str(k).isdigit() and 200 <= int(str(k)) < 400
        )
        if not codes:
            return None, None
        status, response = codes[0]
        response = self.deref(response, "responses")
        return status, response if isinstance(response, Mapping) else None

    def deref(self, node: Any, section: str) -> Any:
        prefix = f"#/components/{section}/"
        for _ in range(8):
            if not isinstance(node, Mapping) or not isinstance(node.get("$ref"), str):
                return node
            ref = str(node["$ref"])
            if not ref.startswith(prefix):
                return node
            components = self.spec.get("components")
            found = components.get(section, {}) if isinstance(components, Mapping) else {}
            node = found.get(ref[len(prefix) :]) if isinstance(found, Mapping) else None
        return node

    @staticmethod
    def media_schema(holder: Mapping[str, Any] | None) -> Any:
        if holder is None:
            return None
        content = holder.get("content")
        if not isinstance(content, Mapping) or not content:
            return None
        media = content.get("application/json") or next(iter(content.values()))
        return media.get("schema") if isinstance(media, Mapping) else None

    def response_signature(self, schema: Any) -> Signature:
        """A response body's signature; a collection wrapper is read as its items."""
        resolved = self.deref(schema, "schemas")
        if isinstance(resolved, Mapping) and self.is_wrapper(resolved):
            inner = schema_signature(resolved["properties"]["value"])
            return Signature(inner.type, inner.format, True, None)
        return schema_signature(schema)

    def check_action_parameters(
        self,
        where: str,
        op: Mapping[str, Any],
        action: Operation,
        page: Mapping[str, str] | None = None,
    ) -> None:
        body = self.deref(op.get("requestBody"), "requestBodies")
        schema = self.deref(
            self.media_schema(body if isinstance(body, Mapping) else None), "schemas"
        )
        props: dict[str, Any] = {}
        if isinstance(schema, Mapping):
            props = dict(_own_properties(schema))
            base = _schema_base(schema)
            if base is not None:
                props = {**self.spec_members(base), **props}
        given = {name: schema_signature(s) for name, s in props.items()}
        body_type = schema_signature(self.media_schema(body if isinstance(body, Mapping) else None))
        if body_type.named and body_type.type in self.md.structured:
            for p in action.parameters:  # the body is a resource, not the action's parameters
                self.wrong(
                    "operation-parameter",
                    where + "/requestBody",
                    f"{p.name}: {csdl_signature(p).describe()}",
                    f"a {body_type.type} body",
                    reason="body is a resource type",
                )
            return
        self.match_parameters(where + "/requestBody", action, given, page)

    def check_function_parameters(
        self,
        where: str,
        op: Mapping[str, Any],
        t: Target,
        page: Mapping[str, str] | None = None,
    ) -> None:
        assert t.operation is not None
        params: dict[tuple[str, str], Any] = {}
        for p in op.get("parameters", []) or []:
            p = self.deref(p, "parameters")
            if isinstance(p, Mapping) and isinstance(p.get("name"), str):
                params[(str(p.get("in")), str(p["name"]))] = p.get("schema")
        given: dict[str, Signature] = {}
        for name, value in t.args:
            m = TEMPLATE.match(value)
            schema = params.get(("path", m.group(1))) if m else None
            given[name] = schema_signature(schema) if m else Signature("literal")
        wanted = {p.name.lower() for p in t.operation.parameters}
        for (where_in, name), schema in params.items():
            # Other query parameters are custom query options, not the function's.
            if where_in == "query" and name.lower() in wanted:
                given.setdefault(name, schema_signature(schema))
        self.match_parameters(where + "/parameters", t.operation, given, page)

    def match_parameters(
        self,
        where: str,
        operation: Operation,
        given: Mapping[str, Signature],
        page: Mapping[str, str] | None = None,
    ) -> None:
        """Each metadata parameter against the spec's; where the spec says what the page's
        table says (``page``: name -> type text), a difference is the page's."""
        page_lower = {k.lower(): k for k in page or {}}

        def page_types(name: str, sig: Signature) -> bool:
            """The spec types the parameter as its page row does, or the page has no row
            (an argument written in the request line only) and the spec keeps it a string."""
            row = page_lower.get(name.lower())
            if page is None:
                return False
            if row is None:
                return sig.same_type(Signature("string"))
            return page_type_signature(page[row]).same_type(sig)

        lower = {k.lower(): k for k in given}
        used: set[str] = set()
        for p in operation.parameters:
            expected = csdl_signature(p)
            name = p.name if p.name in given else lower.get(p.name.lower())
            if name is None:
                self.wrong(
                    "operation-parameter",
                    where,
                    f"{p.name}: {expected.describe()}",
                    "absent",
                    reason="missing parameter",
                    page=page is not None and p.name.lower() not in page_lower,
                )
                continue
            used.add(name)
            sig = given[name]
            if name != p.name:
                self.wrong(
                    "operation-parameter",
                    where,
                    p.name,
                    name,
                    reason="parameter casing",
                    page=page is not None and name in page,
                )
            elif sig.type != "literal" and not sig.same_type(expected):
                self.wrong(
                    "operation-parameter",
                    where + "/" + name,
                    expected.describe(),
                    sig.describe(),
                    reason="parameter " + _type_reason(self.md, expected, sig),
                    page=page_types(name, sig),
                )
            else:
                self.right("operation-parameter")
        for name in given:
            if name not in used:
                self.wrong(
                    "operation-parameter",
                    where + "/" + name,
                    f"no parameter {name} of {operation.qualified_name}",
                    name,
                    reason="extra parameter",
                    page=page is not None and name.lower() in page_lower,
                )

    def check_return(
        self,
        where: str,
        operation: Operation,
        status: int | None,
        response: Mapping[str, Any] | None,
        page: OperationEvidence | None = None,
    ) -> None:
        """The return type against the success body; where the spec answers what its page
        states (that status and type, or no type where the page names none), a difference
        is the page's."""
        schema = self.media_schema(response)
        if (
            status == 302
            and operation.returns is not None
            and operation.returns.type == ("Edm.Stream")
        ):
            self.right("operation-return")  # a stream answered by a redirect to it
            return
        if operation.returns is None:
            self.check(
                "operation-return",
                schema is None,
                where + "/responses",
                "no content",
                "a body" if schema is None else schema_signature(schema).describe(),
                "body for no return type",
            )
            return
        expected = csdl_signature(operation.returns)
        if schema is None:
            self.wrong(
                "operation-return",
                where + "/responses",
                expected.describe(),
                "no content",
                reason="no body",
                page=page is not None and (page.returns is None or page.status == 204),
            )
            return
        got = self.response_signature(schema)
        if got.same_type(expected):
            self.right("operation-return")
            return
        stated = None if page is None or page.returns is None else page.returns
        self.wrong(
            "operation-return",
            where + "/responses",
            expected.describe(),
            got.describe(),
            reason="return " + _type_reason(self.md, expected, got),
            page=page is not None
            and (
                (stated is None and got.type == "any")
                or (stated is not None and page_type_signature(stated).same_type(got))
            ),
        )

    def check_request_body(
        self, where: str, op: Mapping[str, Any], t: Target, page: OperationEvidence | None = None
    ) -> None:
        """A create's or update's body type; the page's stated type, kept, is the page's."""
        body = self.deref(op.get("requestBody"), "requestBodies")
        schema = self.media_schema(body if isinstance(body, Mapping) else None)
        if schema is None:
            self.wrong("request-body", where, t.type, "no body", reason="no body")
            return
        got = schema_signature(schema)
        if got.named and not got.collection and self.md.is_derived(got.type, t.type):
            self.right("request-body")
            return
        stated = None if page is None else page.body
        self.wrong(
            "request-body",
            where + "/requestBody",
            t.type,
            got.describe(),
            reason="body " + _type_reason(self.md, Signature(t.type), got),
            page=stated is not None and page_type_signature(stated).same_type(got),
        )

    def check_response(
        self,
        where: str,
        t: Target,
        response: Mapping[str, Any] | None,
        page: OperationEvidence | None = None,
    ) -> None:
        """A read's response type; where the spec answers what the page states, or nothing
        typed where the page names no type, a difference is the page's."""
        if t.kind == "primitive":
            return  # a property's value: its type was judged with the schema
        schema = self.media_schema(response)
        expected = Signature(t.type, None, t.collection)
        unstated = page is not None and page.returns is None
        if schema is None:
            self.wrong(
                "response-type",
                where,
                expected.describe(),
                "no body",
                reason="no body",
                page=unstated,
            )
            return
        got = self.response_signature(schema)
        if got.same_type(expected):
            self.right("response-type")
            return
        stated = None if page is None else page.returns
        self.wrong(
            "response-type",
            where + "/responses",
            expected.describe(),
            got.describe(),
            reason="response " + _type_reason(self.md, expected, got),
            page=(unstated and got.type == "any")
            or (stated is not None and page_type_signature(stated).same_type(got)),
        )

    def check_status(
        self,
        where: str,
        method: str,
        t: Target,
        status: int | None,
        page: OperationEvidence | None = None,
    ) -> None:
        """The success code against OData's conventions; a page that states another code
        (which the spec keeps) is the cause of the difference."""
        if t.kind == "action":
            returns = t.operation is not None and t.operation.returns is not None
            allowed = {200, 201, 202} if returns else {204, 202}
        elif method == "get":
            stream = t.kind in ("value", "stream", "primitive") or t.type == "Edm.Stream"
            allowed = {200, 302} if stream else {200}
        elif method == "post":
            allowed = {204} if t.kind == "ref" else {201, 202}
        elif method in ("patch", "put"):
            allowed = {200, 201, 204} if method == "put" else {200, 204}
        else:
            allowed = {204}
        if status in allowed:
            self.right("success-code")
            return
        self.wrong(
            "success-code",
            where + "/responses",
            "/".join(str(s) for s in sorted(allowed)),
            "none" if status is None else str(status),
            reason=f"{method} {status}",
            page=page is not None and page.status is not None and page.status == status,
        )

    def resolve(self, path: str) -> Resolution:
        return resolve_path(self.md, path)


def compare_spec(
    spec: Mapping[str, Any],
    metadata: Metadata,
    page_types: Mapping[tuple[str, str], str] | None = None,
    *,
    page_enums: Mapping[str, Sequence[str]] | None = None,
    documented: Sequence[tuple[str, str]] = (),
    page_operations: Mapping[tuple[str, str], OperationEvidence] | None = None,
) -> FidelityReport:
    """Judge ``spec`` (an OpenAPI document apigen built from Graph pages) by ``metadata``.

    ``page_types`` ((schema, property) -> the type text the page's table states) and
    ``page_enums`` (enum -> the members the pages list) let a mismatch be found page-caused;
    ``documented`` ((schema, property) rows of the pages' property tables) gives the
    ``page-recall`` figure; ``page_operations`` ((path, method) -> the parameters the page
    lists) lets an action's or function's parameter mismatch be found page-caused.
    `page_evidence` makes them all from parsed pages.
    """
    comparer = _Comparer(spec, metadata, page_types, page_enums, documented, page_operations)
    comparer.check_schemas()
    comparer.check_page_recall()
    comparer.check_paths()
    return comparer.report()
