"""The parsed form of one Graph-format reference page: what `parse` reads and `build` uses.

Every value keeps the 1-based line of the page it came from, so lint and error messages can
point at the exact place. The types are frozen: a later stage never edits what parsing saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    name: str
    description: str
    line: int
    type: str | None = None
    required: bool | None = None


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
    location: str  # "path" (path and function parameters) or "query"
    line: int
    required: bool | None = None


@dataclass(frozen=True)
class QueryOption:
    """An OData system query option (``$select``...) named in an optional-parameters section."""

    name: str
    line: int


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

    @property
    def is_parameter_table(self) -> bool:
        """An action's body: a table of parameters rather than of a resource's properties."""
        return bool(self.columns) and self.columns[0].lower() == "parameter"


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
    request_body: tuple[PropertyTable, ...] = ()
    request_body_empty: bool = False
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
    def is_api_page(self) -> bool:
        return self.doc_type == "apiPageType"

    @property
    def is_resource_page(self) -> bool:
        return self.doc_type == "resourcePageType"

    def examples_of(self, block_type: str) -> tuple[ExampleBlock, ...]:
        """The example blocks annotated with this blockType, in page order."""
        return tuple(e for e in self.examples if e.block_type == block_type)
