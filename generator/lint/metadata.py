"""Page rules against the service: does the page say what the service's metadata (CSDL) says?

`apigen lint --metadata FILE.csdl` (or `metadata = "FILE"` in `[tool.apigen.lint]`) checks
each page against the metadata, as Graph's own doc tooling does, and reports each fault at
the page line that states it: the property row, the enum row, the request line.

- resource pages: the type is one the metadata declares, with the base type the page states;
  each property row names a property of that type (own or inherited) with its type and
  collection, and the nullability its description states ("Nullable.", "Not nullable.");
  each property the type declares itself has a row (inherited ones are not required);
- enum tables and "Possible values are" lists: the members the metadata declares, no more
  (a missing `unknownFutureValue` is left to `page-enum-evolvable`);
- API pages: each request line addresses something the metadata's entity sets, singletons
  and navigation properties reach (`generator.metadata.paths`); an action's body parameters
  and a function's parameters are the operation's, with their types; the response type is
  the operation's return type; a create or update body's rows are properties of the type.

A name the metadata does not know gets a "did you mean" when the metadata has it in
another letter case (names are case-sensitive in OData) or, for a type, in another
namespace. Cells apigen could not read are left to `page-parse`. Two page conventions are understood rather than reported: ``...`` in a path
("any depth of folders") and ``$value`` on an entity (Outlook items and attachments serve
their raw content although the metadata declares no stream for them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from generator.lint.core import Hit
from generator.metadata.csdl import (
    EnumType,
    Metadata,
    Operation,
    PropertyLike,
    StructuredType,
)
from generator.metadata.paths import Resolution, Target, resolve_path
from generator.metadata.types import Signature, csdl_signature, page_type_signature
from generator.pages.model import EnumMember, Page, PropertyRow, TypeText
from generator.pages.names import page_namespace, qualify
from generator.pages.paths import split_target
from generator.pages.typemodel import resource_type_name

__all__ = ["lint_against_metadata"]

_NAME = re.compile(r"[A-Za-z_][\w.]*")
_NOT_NULLABLE = re.compile(r"\b(?:not|non)[\s-]nullable\b", re.IGNORECASE)
_NULLABLE = re.compile(r"\bnullable\b", re.IGNORECASE)
_RESOURCE_TITLE = re.compile(r"\s*[\w.]+\s+resource type", re.IGNORECASE)
_EVOLVABLE = "unknownFutureValue"
# Request lines of these methods carry a body whose table rows are the target's properties.
_BODY_METHODS = ("POST", "PATCH", "PUT")
_BODY_TARGETS = ("entities", "entity", "complex")

Members = Mapping[str, tuple[str, PropertyLike]]


def _stated_nullable(description: str) -> bool | None:
    """What a description says of null: "Not nullable." -> False, "Nullable." -> True."""
    if _NOT_NULLABLE.search(description):
        return False
    if _NULLABLE.search(description):
        return True
    return None


def _quote(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _nullability(nullable: bool) -> str:
    return "nullable" if nullable else "not nullable"


def _fits(page: Signature, metadata: Signature) -> bool:
    """The page's type says what the metadata's does; a bare "number" (no width) fits any
    floating-point type, as pages use the JSON word for Double, Single and Decimal."""
    if page.same_type(metadata):
        return True
    return (page.type, page.format, page.collection) == ("number", None, metadata.collection) and (
        metadata.type == "number"
    )


def _same_but_case(name: str, names: Iterable[str]) -> str | None:
    lower = name.lower()
    return next((n for n in names if n.lower() == lower), None)


def _did_you_mean(name: str, names: Iterable[str]) -> str:
    """ "; did you mean `X`?" when ``names`` has ``name`` in another letter case."""
    other = _same_but_case(name, names)
    return "" if other is None else f"; did you mean `{other}`?"


class _Checker:
    """The checks of one page against one metadata document; `hits` collects the findings."""

    def __init__(self, page: Page, lines: Sequence[str], md: Metadata) -> None:
        self.page = page
        self.lines = lines
        self.md = md
        self.ns = page_namespace(page)
        self.hits: list[Hit] = []

    def hit(self, rule: str, line: int, message: str) -> None:
        self.hits.append(Hit(rule, line, 1, message))

    # -- type names and type cells

    def known_type(self, name: str, line: int, what: str) -> str | None:
        """The declared name of the type ``name`` names, or None after reporting it unknown.

        An unqualified name is looked up in the page's namespace, then in the namespaces
        enclosing it (pages of ``microsoft.graph.security`` name ``identitySet`` of
        ``microsoft.graph`` so).
        """
        candidates = [qualify(name, self.ns)]
        if "." not in name:
            parts = self.ns.split(".")
            candidates += [".".join([*parts[:i], name]) for i in range(len(parts) - 1, 1, -1)]
        for qualified in candidates:
            if self.md.type(qualified) is not None:
                return qualified
        similar = self.md.similar_names(candidates[0])
        hint = f"; did you mean {_quote(similar)}?" if similar else ""
        self.hit(
            "metadata-unknown-type",
            line,
            f"{what} names `{name}`, which the metadata does not declare "
            f"(as {candidates[0]}){hint}",
        )
        return None

    def cell(self, t: TypeText, line: int, what: str) -> Signature | None:
        """A type cell as a signature (named types checked to be known, and qualified);
        None for a cell apigen could not read or a type already reported unknown."""
        name = t.name.strip()
        sig = page_type_signature(f"Collection({name})" if t.collection else name)
        if sig.type == "any" and not name.lower().endswith("untyped"):
            return None
        if not sig.named:
            return sig
        if not _NAME.fullmatch(name):
            return None
        declared = self.known_type(name, line, what)
        return None if declared is None else Signature(declared, None, sig.collection, None)

    def compare_type(self, t: TypeText, expected: Signature, line: int, what: str) -> None:
        got = self.cell(t, line, f"the type of {what}")
        if got is None or _fits(got, expected):
            return
        self.hit(
            "metadata-property-type",
            line,
            f"{what} is {got.describe()} on the page, {expected.describe()} in the metadata",
        )

    # -- resource pages

    def resource_page(self) -> None:
        page = self.page
        line = page.title.line if page.title else 1
        odata = page.resource.annotation.get("@odata.type") if page.resource else None
        if isinstance(odata, str) and page.resource is not None:
            line = page.resource.annotation_line or line
        elif not (page.title and _RESOURCE_TITLE.match(page.title.value)):
            return  # the page names no type (neither "@odata.type" nor "X resource type")
        declared = self.known_type(resource_type_name(page), line, "the resource type")
        t = self.md.structured.get(declared) if declared else None
        if t is None:
            return  # unknown, or an enum: enum tables are checked on their own
        self.base_type(t)
        members = self.md.members(t.name)
        seen: set[str] = set()
        for row in (*page.properties, *page.relationships):
            if row.name.startswith("@") or not _NAME.fullmatch(row.name):
                continue
            seen.add(row.name.lower())
            if not self.under_sub_heading(row.line):
                self.property_row(t, row, members)
        self.missing_properties(t, seen)

    def under_sub_heading(self, line: int) -> bool:
        """The row's table sits under a level-3 (or deeper) heading: it describes a value
        nested in a property (a policy's JSON definition), not the type's own properties."""
        for text in reversed(self.lines[: max(0, line - 1)]):
            if text.startswith("#"):
                return text.startswith("###")
        return False

    def base_type(self, t: StructuredType) -> None:
        page = self.page
        stated, line = None, 1
        if page.base_type is not None:
            stated, line = page.base_type.value, page.base_type.line
        elif page.resource is not None:
            value = page.resource.annotation.get("baseType")
            if isinstance(value, str):
                stated, line = value.strip("#"), page.resource.annotation_line or 1
        if stated is None or not _NAME.fullmatch(stated):
            return
        base = self.known_type(stated, line, "the base type")
        if base is None or base == t.base:
            return
        self.hit(
            "metadata-base-type",
            line,
            f"{t.name} inherits from {base} on the page, "
            f"from {t.base or 'no type'} in the metadata",
        )

    def property_row(self, t: StructuredType, row: PropertyRow, members: Members) -> None:
        entry = members.get(row.name)
        if entry is None:
            self.hit(
                "metadata-unknown-property",
                row.line,
                f"{t.name} has no property `{row.name}` in the metadata"
                + _did_you_mean(row.name, members),
            )
            return
        prop = entry[1]
        what = f"`{row.name}`"
        expected = csdl_signature(prop)
        self.compare_type(row.type, expected, row.line, what)
        stated = _stated_nullable(row.description)
        if stated is not None and expected.nullable is not None and stated != expected.nullable:
            self.hit(
                "metadata-nullable",
                row.line,
                f"{what} is {_nullability(stated)} on the page, "
                f"{_nullability(expected.nullable)} in the metadata",
            )
        enum = self.md.enums.get(prop.type)
        if row.enum_values and enum is not None and not self.page_lists_enum(enum.name):
            listed = [EnumMember(v, row.line) for v in row.enum_values]
            self.enum_members(enum, listed, row.line, f"the values of {what}", row.description)

    def page_lists_enum(self, name: str) -> bool:
        """The page has a values table for this enum (which is checked instead)."""
        return any(
            name.lower() in (qualify(e.name, self.ns).lower(), e.name.lower())
            for e in self.page.enums
        )

    def missing_properties(self, t: StructuredType, seen: set[str]) -> None:
        page = self.page
        for kind, rows, navigation in (
            ("properties", page.properties, False),
            ("relationships", page.relationships, True),
        ):
            if not rows:
                continue  # no table read: nothing to compare (page-parse says why)
            own = t.navigation if navigation else t.properties
            missing = [p.name for p in own if p.name.lower() not in seen]
            if missing:
                self.hit(
                    "metadata-missing-property",
                    self.table_line(kind, rows),
                    f"the {kind} of {t.name} lack {_quote(missing)}, which the metadata declares",
                )

    def table_line(self, use: str, rows: Sequence[PropertyRow]) -> int:
        lines = [c.line for c in self.page.constructs if c.use == use and c.line <= rows[0].line]
        return max(lines) if lines else rows[0].line

    # -- enums

    def enum_tables(self) -> None:
        for table in self.page.enums:
            if not _NAME.fullmatch(table.name):
                continue
            if self.documents_string_values(table.name):
                continue
            declared = self.known_type(table.name, table.line, "the enum")
            if declared is None:
                continue
            enum = self.md.enums.get(declared)
            if enum is None:
                self.hit(
                    "metadata-unknown-type",
                    table.line,
                    f"{declared} is a {self.md.structured[declared].kind} type in the "
                    "metadata, not an enum",
                )
                continue
            self.enum_members(enum, table.members, table.line, f"the members of {declared}")

    def documents_string_values(self, name: str) -> bool:
        """An "X values" table for a string property ``X`` of the page's own type (Graph
        pages document a string's accepted values so), which names no enum type."""
        if self.md.type(qualify(name, self.ns)) is not None or not self.page.is_resource_page:
            return False
        owner = self.md.structured.get(resource_type_name(self.page))
        if owner is None:
            return False
        entry = self.md.members(owner.name).get(
            _same_but_case(name, self.md.members(owner.name)) or ""
        )
        return entry is not None and entry[1].type == "Edm.String"

    def enum_members(
        self,
        enum: EnumType,
        listed: Sequence[EnumMember],
        line: int,
        what: str,
        text: str = "",
    ) -> None:
        """Members the page lists that the enum lacks (each at its row), and members the
        enum has that the page lists nowhere (one finding at ``line``; a name that appears
        in ``text``, the cell the list was read from, counts as listed)."""
        for m in listed:
            if m.name in enum.members:
                continue
            self.hit(
                "metadata-enum-members",
                m.line,
                f"`{m.name}` is not a member of {enum.name} in the metadata"
                + _did_you_mean(m.name, enum.members),
            )
        named = {m.name.lower() for m in listed}
        words = {w.lower() for w in re.findall(r"\w+", text)}
        missing = [
            m
            for m in enum.members
            if m != _EVOLVABLE and m.lower() not in named and m.lower() not in words
        ]
        if missing:
            self.hit(
                "metadata-enum-members",
                line,
                f"{what} lack {_quote(missing)}, which the metadata declares",
            )

    # -- API pages

    def resolve(self, target: str) -> tuple[str, Resolution]:
        """A request line's path and what it addresses, page notations understood."""
        path, _ = split_target(target)
        path = "/" + "/".join(s for s in path.split("/") if s and s != "...")
        res = resolve_path(self.md, path)
        if res.target is None and path.endswith("/$value"):
            parent = resolve_path(self.md, path[: -len("/$value")])
            if parent.target is not None and parent.target.kind == "entity":
                return path, Resolution(Target("value", parent.target.type))
        return path, res

    def api_page(self) -> None:
        addressed: list[tuple[str, int, Target]] = []
        for request in self.page.http_requests:
            path, res = self.resolve(request.target)
            if res.target is None:
                self.hit(
                    "metadata-path",
                    request.line,
                    f"{request.method} {path} addresses nothing in the metadata: {res.problem}",
                )
            else:
                addressed.append((request.method.upper(), request.line, res.target))
        if not addressed:
            return
        method, line, target = addressed[0]
        if target.operation is not None:
            self.operation(target.operation, target, line)
        elif method in _BODY_METHODS and target.kind in _BODY_TARGETS:
            self.body_rows(target.type)

    def body_rows(self, type_name: str) -> None:
        """A create or update body: each row a property of the type or of a derived type."""
        md = self.md
        if type_name not in md.structured:
            return
        candidates = [md.members(n) for n in [type_name, *md.derived(type_name)]]
        for table in self.page.request_body:
            for row in table.rows:
                if row.name.startswith("@") or not _NAME.fullmatch(row.name):
                    continue
                entry = next((c[row.name] for c in candidates if row.name in c), None)
                if entry is None:
                    self.hit(
                        "metadata-unknown-property",
                        row.line,
                        f"{type_name} (or a type derived from it) has no property "
                        f"`{row.name}` in the metadata" + _did_you_mean(row.name, candidates[0]),
                    )
                    continue
                self.compare_type(row.type, csdl_signature(entry[1]), row.line, f"`{row.name}`")

    def operation(self, op: Operation, target: Target, line: int) -> None:
        """An action's body table or a function's parameters, and the return type."""
        page = self.page
        given: dict[str, tuple[TypeText | None, int]] = {}
        wanted = {p.name.lower() for p in op.parameters}
        if op.kind == "action":
            stated = bool(page.request_body) or page.request_body_empty
            for table in page.request_body:
                for row in table.rows:
                    if _NAME.fullmatch(row.name) and not row.name.startswith("@"):
                        given.setdefault(row.name, (row.type, row.line))
        else:
            stated = True
            given.update((name, (None, line)) for name, _ in target.args if name)
            for prow in page.parameters:
                if prow.location == "path" and prow.name.lower() in wanted:
                    given[prow.name] = (prow.type, prow.line)
        if stated:
            self.parameters(op, given, line)
        self.return_type(op)

    def parameters(
        self, op: Operation, given: Mapping[str, tuple[TypeText | None, int]], line: int
    ) -> None:
        declared = {p.name: p for p in op.parameters}
        for name, (type_text, row_line) in given.items():
            real = name if name in declared else _same_but_case(name, declared)
            if real is None:
                self.hit(
                    "metadata-operation",
                    row_line,
                    f"{op.kind} {op.qualified_name} has no parameter `{name}` in the metadata",
                )
                continue
            if real != name:
                self.hit(
                    "metadata-operation",
                    row_line,
                    f"{op.kind} {op.qualified_name} has no parameter `{name}` in the metadata"
                    f"; did you mean `{real}`?",
                )
                continue
            if type_text is None:
                continue
            expected = csdl_signature(declared[real])
            got = self.cell(type_text, row_line, f"the type of parameter `{name}`")
            if got is not None and not _fits(got, expected):
                self.hit(
                    "metadata-operation",
                    row_line,
                    f"parameter `{name}` of {op.qualified_name} is {got.describe()} on the "
                    f"page, {expected.describe()} in the metadata",
                )
        named = {n.lower() for n in given}
        missing = [p.name for p in op.parameters if p.name.lower() not in named]
        if missing:
            self.hit(
                "metadata-operation",
                line,
                f"the page lacks {'parameters' if len(missing) > 1 else 'parameter'} "
                f"{_quote(missing)} of {op.kind} {op.qualified_name}",
            )

    def return_type(self, op: Operation) -> None:
        response = self.page.response
        if response is None:
            return
        line, named = response.line, f"{op.kind} {op.qualified_name}"
        if op.returns is None:
            if response.body_type is not None:
                self.hit(
                    "metadata-operation",
                    line,
                    f"{named} returns nothing in the metadata, {response.body_type} on the page",
                )
            return
        expected = csdl_signature(op.returns)
        if response.body_type is None:
            if response.status == 204:
                self.hit(
                    "metadata-operation",
                    line,
                    f"{named} returns {expected.describe()} in the metadata, "
                    "no content (204) on the page",
                )
            return
        text = TypeText(response.body_type, response.body_type, response.collection)
        got = self.cell(text, line, "the response type")
        if got is None or _fits(got, expected):
            return
        subtype = got.named and got.collection == expected.collection
        if subtype and self.md.is_derived(got.type, expected.type):
            return  # the page names the subtype this call returns
        self.hit(
            "metadata-operation",
            line,
            f"{named} returns {expected.describe()} in the metadata, "
            f"{got.describe()} on the page",
        )


def lint_against_metadata(page: Page, lines: Sequence[str], md: Metadata) -> list[Hit]:
    """The findings of one parsed page (``lines``: its text) against the metadata ``md``."""
    checker = _Checker(page, lines, md)
    if page.is_resource_page or (page.resource is not None and not page.is_api_page):
        checker.resource_page()
    elif page.is_api_page:
        checker.api_page()
    checker.enum_tables()
    return checker.hits
