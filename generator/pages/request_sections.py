"""The sections of an API page that say how to call it.

Permissions (a table, or an include of one), the HTTP request block, request headers, path
and query parameters (tables, and the OData query options named in prose), and the request
body (its property tables, or the sentence saying there is none). Each reader takes blocks the
page builder has placed in their section and keeps what it reads, with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from generator.errors import InputError
from generator.files import read_capped
from generator.pages.blocks import BlockReader, Fence, Include, Paragraph, Table
from generator.pages.cells import plain, property_row, read_required
from generator.pages.model import (
    HeaderRow,
    HttpRequestLine,
    Page,
    ParameterRow,
    PermissionRow,
    PropertyTable,
    QueryOption,
)

# An HTTP field name is a token (RFC 9110 5.1).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# A request header named in prose: "adding the `Prefer: hierarchicalsharing` header".
_PROSE_HEADER = re.compile(r"`([A-Za-z][\w-]*:\s*[^`]+)`\s+(?:request\s+)?header\b")
# "supply a JSON representation of a [fieldValueSet](...)" (or a reference-style link).
_BODY_TYPE = re.compile(
    r"representation of (?:an?\s+|the\s+)?\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])", re.IGNORECASE
)
METHOD_LINE = re.compile(r"^(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS)\s+(\S.*?)\s*$")
_QUERY_OPTION = re.compile(r"`(\$[A-Za-z]+)\b")
# A custom query option named in prose: "supports the `model` query parameter".
_CUSTOM_OPTION = re.compile(r"`([A-Za-z@][\w.@]*)`\s+(?:OData\s+)?query parameter")
# OData's system query options; `$value`, `$ref` and `$count` as a path end are segments.
SYSTEM_OPTIONS = frozenset(
    [
        "$select",
        "$expand",
        "$filter",
        "$orderby",
        "$top",
        "$skip",
        "$count",
        "$search",
        "$format",
        "$skiptoken",
        "$deltatoken",
    ]
)
_UNSUPPORTED = re.compile(r"(?:\bnot|n't)\s+(?:be\s+)?support", re.IGNORECASE)

ParseText = Callable[[str, str], Page]
"""Parses page text named by a source (`generator.pages.parse.parse_text`), for includes."""

# A permissions include is one small table.
MAX_INCLUDE_BYTES = 256 * 1024


class RequestSections:
    """What a page says about the request: permissions, request lines, headers, parameters,
    query options and the request body."""

    def __init__(self, reader: BlockReader, path: Path | None, parse_text: ParseText) -> None:
        self.r = reader
        self.path = path
        # Passed in rather than imported: the parser reads includes with itself.
        self.parse_text = parse_text
        self.permissions: list[PermissionRow] = []
        self.http_requests: list[HttpRequestLine] = []
        self.headers: list[HeaderRow] = []
        self.parameters: list[ParameterRow] = []
        self.query_options: list[QueryOption] = []
        self.unsupported: set[str] = set()  # options the page says it does not support
        self.request_body: list[PropertyTable] = []
        self.request_body_empty = False
        self.request_body_type: str | None = None

    # -- tables ---------------------------------------------------------------------

    def permission_table(self, t: Table) -> None:
        for cells, line in t.rows:
            higher = cells[2] if len(cells) > 2 else None
            self.permissions.append(
                PermissionRow(plain(cells[0]), cells[1] if len(cells) > 1 else "", line, higher)
            )

    def header_table(self, t: Table, optional: bool = False) -> None:
        """A headers table; under "Optional request headers" a row is optional unless its
        description says "Required."."""
        for cells, line in t.rows:
            desc = cells[-1] if len(cells) > 1 else ""
            typ = cells[1] if len(cells) > 2 else None
            required = read_required(desc)
            if optional and required is None:
                required = False
            self.add_header(plain(cells[0]).strip("`*_ "), desc, line, typ, required)

    def add_header(
        self, cell: str, desc: str, line: int, typ: str | None, required: bool | None
    ) -> None:
        """One header, from a cell or a sentence that may write its value after the name
        (``Prefer: outlook.timezone``). A name that is no HTTP token is reported and left
        out (a client would refuse it); a header already documented is reported once."""
        name, _, value = (part.strip() for part in cell.partition(":"))
        if not _HEADER_NAME.fullmatch(name):
            self.r.diag(line, "header-name", f"header {cell[:60]!r} is not an HTTP header name")
            return
        for index, known in enumerate(self.headers):
            if known.name.lower() != name.lower():
                continue
            values = known.value.split(", ") if known.value else []
            if value and value not in values:  # another documented value of one header
                self.headers[index] = replace(
                    known,
                    value=", ".join([*values, value]),
                    description=f"{known.description} `{value}`: {desc}".strip(),
                )
            else:
                self.r.diag(
                    line,
                    "duplicate-header",
                    f"header {name} is already documented at line {known.line}; kept that",
                )
            return
        self.headers.append(HeaderRow(name, desc, line, typ, required, value or None))

    def parameter_table(self, t: Table, location: str) -> None:
        for cells, line in t.rows:
            row = property_row(cells, line)
            self.parameters.append(
                ParameterRow(
                    row.name,
                    row.type,
                    row.description,
                    location,
                    line,
                    row.required,
                )
            )

    def body_table(self, t: Table, heading: str, intro: str) -> None:
        rows = tuple(property_row(c, line) for c, line in t.rows)
        self.request_body.append(
            PropertyTable(
                heading,
                rows,
                t.line,
                tuple(plain(h) for h in t.header),
                intro,
            )
        )

    # -- prose ----------------------------------------------------------------------

    def query_paragraph(self, p: Paragraph) -> None:
        """The query options a paragraph names, sentence by sentence: those a sentence says
        are not supported (`$skip` isn't supported) are kept out; `$value` and `$ref` are
        path segments, never query options, and are reported."""
        seen = {q.name.lower() for q in self.query_options}
        for sentence in re.split(r"(?<=[.!?])\s+", p.text):
            names = _QUERY_OPTION.findall(sentence) + _CUSTOM_OPTION.findall(sentence)
            if _UNSUPPORTED.search(sentence):
                self.unsupported.update(n.lower() for n in names)
                continue
            for name in names:
                if name.startswith("$") and name.lower() not in SYSTEM_OPTIONS:
                    self.r.diag(
                        p.line,
                        "query-option",
                        f"{name} is not an OData query option (it ends a path); not emitted",
                    )
                elif name.lower() not in seen:
                    self.query_options.append(QueryOption(name, p.line))
                    seen.add(name.lower())

    def query_values_table(self, t: Table) -> bool:
        """A "Value" table under a custom option named just before: that option's values."""
        custom = [q for q in self.query_options if not q.name.startswith("$")]
        if not custom:
            return False
        values = tuple(plain(cells[0]).strip("` ") for cells, _ in t.rows if cells[0].strip())
        index = self.query_options.index(custom[-1])
        self.query_options[index] = replace(custom[-1], values=values)
        return True

    def header_paragraph(self, p: Paragraph) -> None:
        """Request headers a sentence names with their value (`Prefer: x` header); the
        response's own headers ("the response includes a `Preference-Applied: x` header")
        and the content type of the body are not request options."""
        for m in _PROSE_HEADER.finditer(p.text):
            before = p.text[max(0, m.start() - 40) : m.start()].lower()
            if "response" in before or "returns" in before:
                continue
            name = m.group(1).split(":", 1)[0].strip().lower()
            if name in ("content-type", "authorization"):
                continue
            self.add_header(m.group(1), p.text, p.line, None, False)

    def body_paragraph(self, p: Paragraph) -> None:
        stated = _BODY_TYPE.search(p.text)
        if stated and self.request_body_type is None:
            self.request_body_type = plain(stated.group(1)).strip("`* ")
        low = p.text.lower()
        if "supply a request body" in low or "no request body" in low:
            self.request_body_empty = True

    # -- the HTTP request block -----------------------------------------------------

    def http_lines(self, f: Fence) -> None:
        for offset, ln in enumerate(f.code.splitlines(), start=1):
            text = ln.strip()
            if not text:
                continue
            m = METHOD_LINE.match(text)
            if m:
                self.http_requests.append(HttpRequestLine(m.group(1), m.group(2), f.line + offset))
            else:
                self.r.diag(
                    f.line + offset,
                    "http-line",
                    f"line in HTTP request block not understood: {text[:80]}",
                )

    # -- includes -------------------------------------------------------------------

    def include(self, inc: Include, section: str) -> None:
        # A permissions table is included as `[!INCLUDE [permissions-table](../includes/
        # permissions/x.md)]`; a note beside it (`permissions-...-disclaimer`) is text.
        is_permissions = (inc.annotation or {}).get("blockType") == "permissions" or (
            section == "permissions"
            and (
                inc.label.strip().lower() == "permissions-table"
                or "permissions" in re.split(r"[\\/]", inc.target.lower())[:-1]
            )
        )
        if not is_permissions:
            return  # snippets, notes and table intros: text for readers, nothing to build
        found = self.find_include(inc.target, inc.line)
        if found is None:
            self.r.diag(
                inc.line,
                "include-not-found",
                f"permissions include not found: {inc.target}",
            )
            return
        try:
            text = read_capped(found, MAX_INCLUDE_BYTES).decode("utf-8")
        except UnicodeDecodeError as exc:
            self.r.diag(
                inc.line,
                "include-unreadable",
                f"permissions include {inc.target} unreadable: {exc}",
            )
            return
        included = self.parse_text(text, str(found))
        if not included.permissions:
            self.r.diag(
                inc.line,
                "include-empty",
                f"permissions include {inc.target} has no permissions table",
            )
        for row in included.permissions:
            # The rows are placed at the include's line: that is where this page names them.
            self.permissions.append(
                PermissionRow(row.type, row.permissions, inc.line, row.higher_privileged)
            )

    def find_include(self, target: str, line: int) -> Path | None:
        """The file an include names, found only inside the pages' tree (the folder above
        the page's own, where Graph keeps `includes/`): an absolute or escaping path, or a
        link out of the tree, is refused, so a planted include cannot copy a file from
        elsewhere into a spec or a lint message."""
        if self.path is None:
            return None
        here = self.path.parent
        root = here.resolve().parent
        if Path(target).is_absolute() or target.startswith(("/", "\\")) or ":" in target:
            raise InputError(
                f"include path must be relative to the page: {target}",
                file=str(self.path),
                line=line,
            )
        direct = (here / target).resolve()
        if not direct.is_relative_to(root):
            raise InputError(
                f"include path leaves the pages' folder tree: {target}",
                file=str(self.path),
                line=line,
            )
        if direct.is_file():
            return direct
        base = Path(target).name
        if (here / base).is_file():
            return here / base
        # Copied page sets flatten paths as a__b__c.md; match on the trailing path parts.
        flat = "__".join(p for p in Path(target).parts if p not in ("..", "."))
        for candidate in sorted(here.glob("*" + base)):
            if candidate.name.endswith(flat) or candidate.name.endswith("__" + base):
                return candidate
        return None
