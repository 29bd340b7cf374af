"""The parsed form of one Graph-format reference page: what `parse` reads and `build` uses.

Every value keeps the 1-based line of the page it came from, so lint and error messages can
point at the exact place. The types are frozen: a later stage never edits what parsing saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Located:
    """A piece of text from the page and the line it starts on."""

    value: str
    line: int


@dataclass(frozen=True)
class Diagnostic:
    """Something on the page that the parser did not understand, or understood with doubt."""

    line: int
    code: str
    message: str


@dataclass(frozen=True)
class Construct:
    """A table, fence or annotation the parser placed, and the `Page` field it went into.

    Together with the diagnostics this accounts for every construct on the page: each one
    is either here (understood) or reported at its line (never dropped without a word).
    """

    kind: str  # "table", "fence" or "annotation"
    line: int
    use: str  # the Page field it fed, e.g. "parameters", "examples", "http_requests"


@dataclass(frozen=True)
class PermissionRow:
    """One row of a permissions table; ``permissions`` is the cell text, kept verbatim."""

    type: str
    permissions: str
    line: int
    higher_privileged: str | None = None


@dataclass(frozen=True)
class HttpRequestLine:
    """``METHOD target`` from the HTTP request section (target is a path or a full URL)."""

    method: str
    target: str
    line: int


@dataclass(frozen=True)
class HeaderRow:
    """A request header the page documents, in a headers table or in prose.

    ``value`` is the documented value a cell or sentence writes after the name
    (``Prefer: outlook.timezone`` is the header ``Prefer`` with the value
    ``outlook.timezone``), None when the page names the header alone."""

    name: str
    description: str
    line: int
    type: str | None = None
    required: bool | None = None
    value: str | None = None


@dataclass(frozen=True)
class TypeText:
    """A type cell: the raw text, the type name it names, and whether it is a collection.

    ``link`` is the target of the cell's link (``../resources/x.md``), a reference-style
    link's (``[x][]``, ``[text][label]``) once the page's definitions are read; the page it
    names gives the type's canonical name (`generator.pages.typemodel.TypeModel.linked`).
    ``label`` is a reference-style link's label until then.
    """

    raw: str
    name: str
    collection: bool
    link: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class TypeLink:
    """A link to a type's page: its target (``../resources/x.md``), its text, its line."""

    target: str
    name: str
    line: int


@dataclass(frozen=True)
class ParameterRow:
    """A row of a path, function or query parameter table."""

    name: str
    type: TypeText
    description: str
    # "path", "function" (a function's parameter: in the call's parentheses when the path
    # names it, else a query option, OData's implicit parameter alias) or "query"
    location: str
    line: int
    required: bool | None = None


@dataclass(frozen=True)
class QueryOption:
    """A query option named in an optional-parameters section: an OData system query option
    (``$select``...) or a custom one (`` `model` query parameter``), with the values a
    "Value" table under it lists."""

    name: str
    line: int
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class PropertyRow:
    """A row of a property, relationship or request-body table.

    ``required`` is True/False from "Required."/"Optional." in the description (the last
    one written wins), None when the page says neither. ``inherited_from`` is the base type
    named in "Inherited from [x](...)". ``enum_values`` are the members listed after
    "Possible values are".
    """

    name: str
    type: TypeText
    description: str
    line: int
    required: bool | None = None
    inherited_from: str | None = None
    enum_values: tuple[str, ...] = ()
    nullable: bool | None = None  # "Nullable." / "Not nullable." in the description
    deprecated: bool = False  # the name cell says "(deprecated)"


@dataclass(frozen=True)
class PropertyTable:
    """A table of properties with the heading it sits under."""

    heading: str
    rows: tuple[PropertyRow, ...]
    line: int
    columns: tuple[str, ...] = ()
    intro: str = ""  # the paragraph just before the table ("... for **learningAssignment**")


@dataclass(frozen=True)
class ResponseInfo:
    """The success response the Response section describes."""

    status: int
    reason: str
    line: int
    body_type: str | None = None
    collection: bool = False


@dataclass(frozen=True)
class ErrorRow:
    """A row of an error-conditions table."""

    status: int | None
    code: str
    message: str
    line: int


@dataclass(frozen=True)
class HttpMessage:
    """An http fence split into its start line, headers and body.

    For a request ``method`` and ``target`` are set; for a response ``status`` and
    ``reason``. ``body_json`` is the leniently parsed body (None when there is none or it
    did not parse; then a diagnostic says why).
    """

    line: int
    method: str | None = None
    target: str | None = None
    status: int | None = None
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body_text: str = ""
    body_line: int | None = None
    body_json: Any = None
    has_json_body: bool = False


@dataclass(frozen=True)
class ExampleBlock:
    """A fenced code block with its ``<!-- { "blockType": ... } -->`` annotation (if any)."""

    block_type: str | None
    annotation: Mapping[str, Any]
    annotation_line: int | None
    language: str
    code: str
    line: int
    heading: str
    http: HttpMessage | None = None
    json_value: Any = None
    has_json: bool = False


@dataclass(frozen=True)
class EnumMember:
    name: str
    line: int
    value: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class EnumTable:
    """A "{name} values" table (enums page, or an enum section of a resource page)."""

    name: str
    members: tuple[EnumMember, ...]
    line: int


PageKind = Literal["api", "resource", "enum"]
# The front matter's `doc_type` values and the kind of page each names.
PAGE_KINDS: Mapping[str, PageKind] = {
    "apiPageType": "api",
    "resourcePageType": "resource",
    "enumPageType": "enum",
}


@dataclass(frozen=True)
class Page:
    """Everything read from one page; sequences are in page order."""

    source: str
    doc_type: str | None
    front_matter: Mapping[str, Located]
    title: Located | None
    namespace: Located | None
    description: Located | None
    permissions: tuple[PermissionRow, ...] = ()
    http_requests: tuple[HttpRequestLine, ...] = ()
    headers: tuple[HeaderRow, ...] = ()
    parameters: tuple[ParameterRow, ...] = ()
    query_options: tuple[QueryOption, ...] = ()
    # The query options the page says the request does not support ("`$skip` isn't
    # supported"), lower-cased: the options added to entity and collection reads skip them.
    unsupported_options: frozenset[str] = frozenset()
    request_body: tuple[PropertyTable, ...] = ()
    request_body_empty: bool = False
    # The type the Request body section says to supply ("a JSON representation of a
    # [fieldValueSet](...)"), as the link names it.
    request_body_type: str | None = None
    response: ResponseInfo | None = None
    errors: tuple[ErrorRow, ...] = ()
    examples: tuple[ExampleBlock, ...] = ()
    base_type: Located | None = None
    properties: tuple[PropertyRow, ...] = ()
    relationships: tuple[PropertyRow, ...] = ()
    resource: ExampleBlock | None = None
    enums: tuple[EnumTable, ...] = ()
    # Where the page links a type: its type cells, its inheritance statement, and the
    # request-body and response prose (the targets, reference-style ones resolved).
    type_links: tuple[TypeLink, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    constructs: tuple[Construct, ...] = ()

    @property
    def kind(self) -> PageKind | None:
        """What the page is, the one answer lint and `apigen spec` both go by: its
        front matter's ``doc_type`` when that names a kind, else what it holds (older
        published pages have no ``doc_type``): an HTTP request block makes an API page, a
        resource JSON block a resource page. None: not a reference page at all."""
        named = PAGE_KINDS.get(self.doc_type or "")
        if named is not None:
            return named
        if self.http_requests:
            return "api"
        if self.resource is not None:
            return "resource"
        return None

    @property
    def is_api_page(self) -> bool:
        return self.kind == "api"

    @property
    def is_resource_page(self) -> bool:
        return self.kind == "resource"

    def examples_of(self, block_type: str) -> tuple[ExampleBlock, ...]:
        """The example blocks annotated with this blockType, in page order."""
        return tuple(e for e in self.examples if e.block_type == block_type)
