"""The types a set of pages declares, gathered before any schema is written.

Resource pages declare object types (properties, relationships, inheritance), the enums page
declares enum members, and API pages' request-body tables fill in types no resource page
defines. They all meet here, by lower-cased full name, so that one type read from several
pages becomes one schema; `generator.pages.schemas` then writes the model out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.pages.model import Page, PropertyRow, TypeText
from generator.pages.names import (
    camel,
    link_path,
    page_namespace,
    path_key,
    plain_text,
    qualify,
    title_parts,
)
from generator.pages.paths import takes_parameters, wrapped_parameter

ENTITY = "microsoft.graph.entity"


@dataclass(frozen=True)
class BuildDiagnostic:
    """Something the builder had to guess or could not place, with where the page said it."""

    source: str
    line: int
    code: str
    message: str


@dataclass
class PropDef:
    """A property as a table row declares it, with the namespace its type name is read in."""

    name: str
    type: TypeText
    description: str
    required: bool
    enum_values: tuple[str, ...]
    namespace: str
    source: str
    line: int
    navigation: bool = False
    nullable: bool | None = None  # as the page states it; None when it does not
    deprecated: bool = False


@dataclass
class TypeDef:
    """An object or enum type; mutable, as later pages add to what earlier ones declared."""

    name: str
    kind: str  # "object" or "enum"
    source: str
    line: int
    description: str = ""
    base: str | None = None
    props: list[PropDef] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    from_resource_page: bool = False
    from_enum_page: bool = False
    stub: bool = False
    abstract: bool = False  # the resource block says "abstract": true
    open_type: bool = False  # "openType": true: instances may carry undeclared properties
    # A request example sends this type's own `@odata.type`: the service needs it named,
    # so the schema states it (as a discriminator) even with no subtypes or base known.
    sent_tagged: bool = False
    # What `add_prop` and `add_member` have taken, so that each check is one look-up: a
    # scan of the list made a 40,000-row property table take minutes.
    _prop_keys: set[str] = field(default_factory=set, repr=False, compare=False)
    _member_set: set[str] = field(default_factory=set, repr=False, compare=False)

    def add_prop(self, prop: PropDef) -> None:
        """Append ``prop`` unless the type has a property of that name in any letter case."""
        key = prop.name.lower()
        if key not in self._prop_keys:
            self._prop_keys.add(key)
            self.props.append(prop)

    def add_member(self, name: str) -> None:
        """Append an enum member unless the type has it already."""
        if name not in self._member_set:
            self._member_set.add(name)
            self.members.append(name)


class TypeModel:
    """Types by lower-cased full name, so differing capitalisation on pages meets in one."""

    def __init__(self) -> None:
        self.types: dict[str, TypeDef] = {}
        self.diagnostics: list[BuildDiagnostic] = []
        self.pages: dict[str, str] = {}  # `path_key` of a resource page -> its type's name

    def linked(self, text: TypeText, source: str) -> str | None:
        """The canonical name of the type a cell links, when its target page is in the set:
        the page names the type, never the link text (whose letter case may differ). A link
        to a section (``chat.md#chattype-values``) names what the section declares instead."""
        if text.link is None or "#" in text.link:
            return None
        target = link_path(source, text.link)
        return self.pages.get(path_key(target)) if target is not None else None

    def diag(self, source: str, line: int, code: str, message: str) -> None:
        self.diagnostics.append(BuildDiagnostic(source, line, code, message))

    def get(self, name: str) -> TypeDef | None:
        return self.types.get(name.lower())

    def ensure(self, name: str, kind: str, source: str, line: int) -> TypeDef:
        t = self.get(name)
        if t is None:
            t = TypeDef(name, kind, source, line)
            self.types[name.lower()] = t
        return t

    def add_prop(self, t: TypeDef, prop: PropDef) -> None:
        t.add_prop(prop)

    def ancestors(self, t: TypeDef) -> list[TypeDef]:
        chain: list[TypeDef] = []
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


def row_prop(row: PropertyRow, ns: str, source: str, navigation: bool = False) -> PropDef:
    return PropDef(
        row.name,
        row.type,
        row.description,
        bool(row.required),
        row.enum_values,
        ns,
        source,
        row.line,
        navigation,
        row.nullable,
        row.deprecated,
    )


def collect_types(pages: Sequence[Page]) -> TypeModel:
    """The type model of a page set: enum pages first, then resource pages, then API pages."""
    model = TypeModel()
    for page in pages:
        if page.enums:
            _collect_enum_page(model, page)
    for page in pages:
        if page.is_resource_page or (page.resource is not None and not page.is_api_page):
            _collect_resource_page(model, page)
    for page in pages:
        if page.is_api_page:
            _collect_api_page_types(model, page)
    return model


def _collect_enum_page(model: TypeModel, page: Page) -> None:
    ns = page_namespace(page)
    for table in page.enums:
        t = model.ensure(qualify(table.name, ns), "enum", page.source, table.line)
        t.kind, t.from_enum_page = "enum", True
        for m in table.members:
            t.add_member(m.name)


def resource_type_name(page: Page) -> str:
    ns = page_namespace(page)
    if page.resource is not None:
        odata = page.resource.annotation.get("@odata.type")
        if isinstance(odata, str) and odata.strip("#"):
            return odata.strip("#")
    title = page.title.value if page.title else "unknown"
    m = re.match(r"\s*([\w.]+)\s+resource type", title, re.IGNORECASE)
    return qualify(m.group(1) if m else camel(title), ns)


def _base_from_rows(page: Page, name: str) -> str | None:
    """The base a page's "Inherited from [x]" rows imply when it states none: the nearest
    one named (a type other than entity when there is one, as entity is every root's base)."""
    ns = page_namespace(page)
    named = [qualify(r.inherited_from, ns) for r in page.properties if r.inherited_from]
    named = [n for n in named if n.lower() != name.lower()]
    if not named:
        return None
    return next((n for n in named if n.lower() != ENTITY.lower()), named[0])


def _collect_resource_page(model: TypeModel, page: Page) -> None:
    ns = page_namespace(page)
    name = resource_type_name(page)
    t = model.ensure(name, "object", page.source, page.title.line if page.title else 1)
    t.name = name  # the resource page's casing, whatever named the type first
    model.pages[path_key(page.source)] = name
    t.kind, t.from_resource_page, t.stub = "object", True, False
    t.source, t.line = page.source, page.title.line if page.title else 1
    if page.description:
        t.description = plain_text(page.description.value)
    base: str | None = None
    if page.base_type:
        base = qualify(page.base_type.value, ns)
    elif page.resource is not None and isinstance(page.resource.annotation.get("baseType"), str):
        base = str(page.resource.annotation["baseType"]).strip("#")
    if base is None:
        base = _base_from_rows(page, name)
    keyed = page.resource is not None and page.resource.annotation.get("keyProperty") == "id"
    if base is None and keyed:
        base = ENTITY  # keyed by id and no other base stated: Graph's entity
    if base and base.lower() != name.lower():
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
                model.add_prop(p, row_prop(row, ns, page.source))
            continue
        model.add_prop(t, row_prop(row, ns, page.source))
    for row in page.relationships:
        model.add_prop(t, row_prop(row, ns, page.source, navigation=True))


def body_type_name(page: Page, model: TypeModel | None = None) -> str | None:
    """The resource an API page works on: the title noun, else the response body type.

    When a resource page defines the title noun's type, that type wins over the
    ``@odata.type`` of a request example: an update page of a base type shows one subtype
    in its example, but the operation takes the base (whose discriminator covers both).
    """
    ns = page_namespace(page)
    noun = title_parts(page)[1]
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


def example_types(page: Page) -> list[str]:
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
    model: TypeModel, page: Page, intro: str, body: str
) -> tuple[str | None, str | None]:
    """The subtype a request-body table is for, read from the sentence that introduces it.

    Pages write "the properties you can change for ... (**learningAssignment**)". A bold or
    linked name matches a known type exactly, or as the start of one (pages shorten
    ``learningSelfInitiatedCourse`` to ``learningSelfInitiated``). Returns (type, None), or
    (None, the unmatched name) when the sentence names a type nobody defines.
    """
    ns = page_namespace(page)
    named = re.findall(r"\*\*`?([A-Za-z][\w.]*)`?\*\*", intro)
    if not named:
        return None, None
    known = [t.name for t in model.types.values() if t.kind == "object"]
    known += [qualify(n, ns) for n in example_types(page)]
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


def _collect_api_page_types(model: TypeModel, page: Page) -> None:
    """Schemas from an API page's request-body tables, for types no resource page defines.

    A table introduced as being for one subtype of the page's resource goes to that subtype
    (made a subtype of the resource when no page says otherwise).
    """
    ns = page_namespace(page)
    body = body_type_name(page, model)
    for table in page.request_body:
        wrapped = wrapped_parameter(table)
        if wrapped is not None and takes_parameters(page):
            inner = model.ensure(qualify(wrapped, ns), "object", page.source, table.line)
            if not inner.from_resource_page:
                for row in table.rows:
                    model.add_prop(inner, row_prop(row, ns, page.source))
            continue
        if takes_parameters(page) or body is None:
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
            model.add_prop(target, row_prop(row, ns, page.source))
