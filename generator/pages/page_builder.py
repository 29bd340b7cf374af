"""Blocks read section by section into a `Page`.

A heading opens a section (Permissions, HTTP request, Request body, Properties, Example...),
and each block under it goes to the reader of its section family: the request
(`request_sections`), the type declared (`property_sections`), or the page at work
(`example_sections`). What belongs to the page as a whole (title, namespace, description,
base type) is read here, from the preamble before the first section.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from generator.pages.blocks import Block, BlockReader, Fence, Heading, Include, Paragraph, Table
from generator.pages.cells import link_definitions, links, plain, with_link
from generator.pages.example_sections import ExampleSections
from generator.pages.model import Located, Page, PropertyRow, TypeLink
from generator.pages.property_sections import PropertySections
from generator.pages.request_sections import ParseText, RequestSections


def _request_section_kind(t: str) -> str | None:
    """The request section a (plain, lower-cased) heading names: "HTTP request", also as
    "HTTP request (to replace an existing item)", the request headers (optional ones too)
    or the request body."""
    if re.fullmatch(r"http request(?: \(.*\))?", t):
        return "http"
    if re.fullmatch(r"(?:optional )?request headers?", t):
        return "headers"
    if t == "request body":
        return "body"
    return None


def _parameter_location(section: str, heading: str) -> str:
    """Where a parameter table's rows go: the path, a function's call, or the query."""
    if section == "query":
        return "query"
    return "function" if "function parameter" in plain(heading).lower() else "path"


# The first column of a table of query parameters (others there are examples or notes).
_QUERY_COLUMNS = ("name", "parameter", "query parameter", "parameter name")

# The ``##`` sections under which a deeper heading may open a request section: a topic
# (``## Create an upload session``), or the request's own sections (``### Request body``
# under ``## HTTP request``). A topic opens one only while the page has no HTTP request
# section yet: later topics' ``### HTTP request`` headings introduce examples.
_REQUEST_PARENTS = ("other", "http", "headers", "body")


def _section_kind(level: int, text: str, nested_request: bool = False) -> str | None:
    """The kind of section a heading opens, or None if it does not open a known one.

    A heading deeper than ``##`` opens a request section only when ``nested_request``: pages
    that group the call under a topic (``## Create an upload session`` then ``### HTTP
    request``, ``### Request body``) write it one level down, while the same words under an
    example name the example's own parts."""
    t = re.sub(r"\s+", " ", plain(text).lower()).strip()
    if re.fullmatch(r"[\w.]+ values", t):
        return "enum"
    if "path parameter" in t or "function parameter" in t:
        return "path-parameters"
    if "query parameter" in t:
        return "query"
    if t.startswith("error") or "error condition" in t:
        return "errors"
    if t == "instance attributes":  # at any level: never the enum or table before it
        return "instance-attributes"
    if t in ("properties", "relationships", "json representation"):
        return t.split()[0]  # older resource pages put these under ### headings
    request = _request_section_kind(t)
    if level > 2:
        return request if request is not None and nested_request else None
    if request is not None:
        return request
    table = {
        "permissions": "permissions",
        "response": "response",
        "responses": "response",
        "properties": "properties",
        "relationships": "relationships",
        "json representation": "json",
        "methods": "methods",
        "parameters": "path-parameters",
    }
    if t in table:
        return table[t]
    if re.fullmatch(r"http request \(.*\)", t):
        return "http"  # "HTTP request (to upload a new file)": one of several forms
    if t.startswith("example"):
        return "examples"
    return "other"


# The page's statement of its base type: "Inherits from [entity](entity.md)", "The **drive**
# resource is derived from [**baseItem**](baseitem.md)", "Derived from [attachment][]".
# A bare word names the base only after "Inherits from" ("derived from descendants" is prose).
_BASE_STATEMENT = re.compile(
    r"\b(?:(?:inherits|derives|(?:is\s+)?derived)\s+from\s+(?:the\s+)?"
    r"(\[[^\]]+\](?:\([^)]*\)|\[[^\]]*\])?|\*\*`?[\w.]+`?\*\*|`[\w.]+`)"
    r"|inherits\s+from\s+([A-Za-z][\w.]*))",
    re.IGNORECASE,
)


class PageBuilder:
    """Reads blocks section by section into the fields of a `Page`."""

    def __init__(self, reader: BlockReader, path: Path | None, parse_text: ParseText) -> None:
        self.r = reader
        self.source = reader.source
        self.title: Located | None = None
        self.namespace: Located | None = None
        self.description: Located | None = None
        self.base_type: Located | None = None
        self.http_heading_line: int | None = None
        self.definitions: dict[str, str] = {}  # reference-style link labels -> targets
        # Links to types: (target, reference label, line), resolved when the page is made.
        self.links: list[tuple[str | None, str | None, str, int]] = []
        self.intro = ""  # the text of the paragraph just read, for the table that follows
        self.request = RequestSections(reader, path, parse_text)
        self.declared = PropertySections(reader)
        self.examples = ExampleSections(reader, reader.source)

    def run(self, blocks: list[Block]) -> None:
        section = "preamble"
        top_kind = "preamble"  # the kind of the last ``#``/``##`` heading, ``topic``
        topic: Heading | None = None
        request_topic: Heading | None = None  # the topic whose ``###`` opened HTTP request
        section_heading = ""
        sub_heading = ""
        self.intro = ""
        open_enum: Heading | None = None  # a "<name> values" heading with no table yet
        for block in blocks:
            if isinstance(block, Heading):
                self.intro = ""
                if open_enum is None or block.level <= open_enum.level:
                    self.declared.enum_without_table(open_enum)  # deeper: a group heading
                open_enum = block if _section_kind(block.level, block.text) == "enum" else None
                if block.level == 1:
                    if self.title is None:
                        self.title = Located(block.text, block.line)
                        section, section_heading = "preamble", block.text
                    else:
                        self.r.diag(
                            block.line,
                            "extra-title",
                            f"second top-level heading: {block.text}",
                        )
                    continue
                if block.level <= 2:
                    topic = block
                nested = top_kind in _REQUEST_PARENTS and (
                    top_kind != "other" or self.http_heading_line is None or topic is request_topic
                )
                kind = _section_kind(block.level, block.text, nested)
                sub_heading = block.text
                if block.level <= 2:
                    top_kind = kind or "other"
                elif kind == "http" and request_topic is None:
                    request_topic = topic
                if kind is not None:
                    section, section_heading = kind, block.text
                    if kind == "http" and self.http_heading_line is None:
                        self.http_heading_line = block.line
                continue
            heading = sub_heading or section_heading
            if isinstance(block, Table):
                self.table(block, section, section_heading)
            elif isinstance(block, Fence):
                self.fence(block, section, heading)
            elif isinstance(block, Include):
                self.request.include(block, section)
            else:
                self.paragraph(block, section)
            self.intro = block.text if isinstance(block, Paragraph) else ""
            if isinstance(block, Table):
                open_enum = None
        self.declared.enum_without_table(open_enum)

    def paragraph(self, p: Paragraph, section: str) -> None:
        defined = link_definitions(p.text)
        if defined:
            for label, target in defined.items():
                self.definitions.setdefault(label, target)
            return
        if section in ("body", "response"):  # "returns a [user](../resources/user.md) object"
            self.links.extend((*link, p.line) for link in links(p.text))
        if section in ("preamble", "json", "properties", "relationships"):
            self.base_statement(p)
        if section not in ("examples", "response", "json"):
            self.request.header_paragraph(p)
        if section == "preamble":
            self.preamble(p)
        elif section == "query":
            self.request.query_paragraph(p)
        elif section == "body":
            self.request.body_paragraph(p)
        elif section == "response" and self.examples.response is None:
            self.examples.read_response(p.text, p.line)

    def base_statement(self, p: Paragraph) -> None:
        """ "Inherits from [x](x.md)" (or "is derived from"): the type's base, stated once."""
        base = _BASE_STATEMENT.search(p.text)
        if base and self.base_type is None:
            named = base.group(1) or base.group(2)
            self.base_type = Located(plain(named).strip("*`[] "), p.line)
            self.links.extend((*link, p.line) for link in links(named))

    def preamble(self, p: Paragraph) -> None:
        """The namespace line, an "Inherits from" line, and the first paragraph: the description."""
        text = p.text
        if text.lower().startswith("namespace:"):
            # "Namespace: microsoft.graph" may run on into the description when the
            # page has no blank line between them: the namespace is the first word.
            rest = text.split(":", 1)[1].strip()
            m = re.match(r"`?([\w.]*)`?\s*(.*)$", rest, re.DOTALL)
            name, tail = (m.group(1), m.group(2).strip()) if m else (rest, "")
            self.namespace = Located(name, p.line)
            if tail and self.description is None:
                self.description = Located(tail, p.line)
            return
        base = _BASE_STATEMENT.search(text)
        if base and base.start() == 0:
            return  # the line says only that: it is not the description
        if self.description is None and not text.startswith(">") and self.title is not None:
            self.description = Located(text, p.line)

    def fence(self, f: Fence, section: str, heading: str) -> None:
        block_type = f.block_type
        if section == "http" and block_type in (None, "ignored", "samples", "request"):
            self.request.http_lines(f)
            self.r.took("fence", f.line, "http_requests")
            if block_type not in ("request",):
                return
        self.examples.example(f, heading)

    def table(self, t: Table, section: str, heading: str) -> None:
        use = self.table_use(t, section, heading)
        if use is not None:
            self.r.took("table", t.line, use)

    def table_use(self, t: Table, section: str, heading: str) -> str | None:
        """Read a table into its field; returns the field's name, or None if reported."""
        first = plain(t.header[0]).lower() if t.header else ""
        cols = [plain(h).lower() for h in t.header]
        if first.startswith("permission type"):
            self.request.permission_table(t)
            return "permissions"
        elif section == "headers" or (first in ("name", "header") and section in ("http",)):
            self.request.header_table(t, optional=heading.lower().startswith("optional"))
            return "headers"
        elif section == "path-parameters" and self.action_parameters(heading):
            self.request.body_table(t, heading, self.intro)
            return "request_body"
        elif section == "query" and first == "value" and self.request.query_values_table(t):
            return "query_options"
        elif section == "path-parameters" or (section == "query" and first in _QUERY_COLUMNS):
            self.request.parameter_table(t, _parameter_location(section, heading))
            return "parameters"
        elif section == "body" and first in ("property", "parameter", "name"):
            self.request.body_table(t, heading, self.intro)
            return "request_body"
        elif section == "properties" and first in ("property", "name"):
            self.declared.property_table(t)
            return "properties"
        elif section == "relationships" and first in (
            "relationship",
            "property",
            "name",
        ):
            self.declared.relationship_table(t)
            return "relationships"
        elif section == "instance-attributes":
            self.r.diag(
                t.line,
                "instance-attributes",
                "instance attributes (annotations such as @microsoft.graph.downloadUrl) are "
                "not properties of the type; not emitted",
            )
            return None
        elif section == "enum" and "type" in cols:
            self.r.diag(
                t.line,
                "enum-table-columns",
                f"table with a Type column under '{heading}' lists no enum members; not read",
            )
            return None
        elif section == "enum" or (first == "member" and section in ("properties", "other")):
            return "enums" if self.declared.enum_table(t, heading) else None
        elif section == "errors" or ("http code" in cols or "status code" in cols):
            self.examples.error_table(t, cols)
            return "errors"
        elif section == "methods":
            return "methods"  # it only links to the API pages; nothing to build from
        else:
            self.r.diag(
                t.line,
                "table-not-understood",
                f"table with columns {', '.join(t.header)} under '{heading}' not understood",
            )
            return None

    def action_parameters(self, heading: str) -> bool:
        """A table under a bare "Parameters" heading of a page that POSTs lists what the
        body carries (an action's parameters); under "Path parameters" or "Function
        parameters", or on a GET page, it lists parameters of the address."""
        requests = self.request.http_requests
        return (
            plain(heading).lower() == "parameters"
            and bool(requests)
            and all(r.method == "POST" for r in requests)
        )

    def row(self, row: PropertyRow) -> PropertyRow:
        """The row with its type cell's reference-style link resolved, its link noted."""
        typed = with_link(row.type, self.definitions)
        self.links.append((typed.link, typed.label, typed.name, row.line))
        return row if typed is row.type else replace(row, type=typed)

    def type_links(self) -> tuple[TypeLink, ...]:
        """The targets of the page's type links, each once (first line it is linked on)."""
        out: dict[str, TypeLink] = {}
        for target, label, name, line in self.links:
            found = target if target is not None else self.definitions.get(label or "")
            if found and found not in out:
                out[found] = TypeLink(found, name, line)
        return tuple(out.values())

    def page(self, doc_type: str | None, front: dict[str, Located]) -> Page:
        request, declared, examples = self.request, self.declared, self.examples
        declared.check_resource_json(examples.resource)
        properties = tuple(self.row(r) for r in declared.properties)
        relationships = tuple(self.row(r) for r in declared.relationships)
        request_body = tuple(
            replace(t, rows=tuple(self.row(r) for r in t.rows)) for t in request.request_body
        )
        parameters = tuple(
            replace(p, type=with_link(p.type, self.definitions)) for p in request.parameters
        )
        return Page(
            source=self.source,
            doc_type=doc_type,
            front_matter=front,
            title=self.title,
            namespace=self.namespace,
            description=self.description,
            permissions=tuple(request.permissions),
            http_requests=tuple(request.http_requests),
            headers=tuple(request.headers),
            parameters=parameters,
            query_options=tuple(
                q
                for q in request.query_options
                if q.name not in {p.name for p in request.parameters}
                and q.name.lower() not in request.unsupported
            ),
            unsupported_options=frozenset(request.unsupported),
            request_body=request_body,
            request_body_empty=request.request_body_empty,
            request_body_type=request.request_body_type,
            response=examples.response,
            errors=tuple(examples.errors),
            examples=tuple(examples.examples),
            base_type=self.base_type,
            properties=properties,
            relationships=relationships,
            resource=examples.resource,
            enums=tuple(declared.enums),
            type_links=self.type_links(),
            diagnostics=tuple(
                sorted(self.r.diagnostics, key=lambda d: (d.line, d.code, d.message))
            ),
            constructs=tuple(sorted(self.r.constructs, key=lambda c: (c.line, c.kind, c.use))),
        )
