"""Read a Graph-format reference page (Markdown) into a `Page`.

The page is first cut into blocks (headings, fences, tables, comments, includes, paragraphs),
then each block is read according to the section it sits in. Real pages are ragged, so the
reader is tolerant; whatever it cannot place becomes a `Diagnostic` with its line rather than
being dropped without a word. Input that cannot be a page at all raises `InputError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.pages.model import (
    Construct,
    Diagnostic,
    EnumMember,
    EnumTable,
    ErrorRow,
    ExampleBlock,
    HeaderRow,
    HttpMessage,
    HttpRequestLine,
    Located,
    Page,
    ParameterRow,
    PermissionRow,
    PropertyRow,
    PropertyTable,
    QueryOption,
    ResponseInfo,
    TypeText,
)

HTTP_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS")
_METHOD_LINE = re.compile(r"^(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS)\s+(\S.*?)\s*$")
_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})\s*(.*?)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TAB_MARKER = re.compile(r"^#{1,6}\s*\[[^\]]*\]\(#tab/[^)]*\)\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)")
_INCLUDE = re.compile(r"^\s*\[!INCLUDE\s*\[([^\]]*)\]\(([^)]*)\)\s*\]\s*$", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_REQUIRED = re.compile(r"\b(Required|Optional)\s*\.", re.IGNORECASE)
_INHERITED = re.compile(r"Inherited from\s*\[([^\]]+)\]\([^)]*\)\s*\.?", re.IGNORECASE)
_POSSIBLE = re.compile(
    r"possible values (?:are|include)\s*:?\s*((?:`[^`]+`(?:\s*,\s*|\s*,?\s*(?:and|or)\s+|\s*))+)",
    re.IGNORECASE,
)
_STATUS_IN_PROSE = re.compile(r"`?\b([1-5]\d\d)\s+([A-Z][A-Za-z\- ]*?[A-Za-z])`")
_STATUS_IN_PROSE_PLAIN = re.compile(r"\b([1-5]\d\d)\s+(OK|Created|Accepted|No Content|Found)\b")
_QUERY_OPTION = re.compile(r"`(\$[A-Za-z]+)\b")


# ---------------------------------------------------------------------------------------
# Lenient JSON


def _strip_json_noise(text: str) -> str:
    """Remove // and /* */ comments and trailing commas outside strings, keeping line count."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "}]":
                out.append(text[i + 1 : j])  # keep the newlines, drop the comma
                i = j
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def load_lenient_json(text: str, source: str, line: int) -> Any:
    """Parse JSON as pages write it: trailing commas and comments are tolerated.

    ``line`` is the page line where ``text`` starts; a syntax error is reported as an
    `InputError` at the page line it falls on.
    """
    try:
        return json.loads(_strip_json_noise(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=source, line=line + exc.lineno - 1)
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", file=source, line=line)


# ---------------------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class _Fence:
    language: str
    code: str
    line: int  # line of the opening fence
    annotation: dict[str, Any] | None
    annotation_line: int | None


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], int], ...]
    line: int


@dataclass(frozen=True)
class _Include:
    label: str
    target: str
    line: int
    annotation: dict[str, Any] | None


@dataclass(frozen=True)
class _Paragraph:
    text: str
    line: int


_Block = _Heading | _Fence | _Table | _Include | _Paragraph


def split_cells(row: str) -> list[str]:
    """Cells of a Markdown table row; ``\\|`` and pipes inside backticks stay in the cell."""
    text = row.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append("".join(current).strip())
    return cells


def _is_separator(cells: list[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{1,}:?", c.replace(" ", "")) for c in cells if c)


class _Reader:
    """Cuts page lines into blocks, collecting diagnostics on the way."""

    def __init__(self, lines: list[str], first_line: int, source: str) -> None:
        self.lines = lines
        self.first_line = first_line
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.constructs: list[Construct] = []

    def diag(self, line: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, code, message))

    def took(self, kind: str, line: int, use: str) -> None:
        """Record that a construct was understood and which `Page` field it fed."""
        self.constructs.append(Construct(kind, line, use))

    def unused(self, pending: tuple[dict[str, Any], int] | None, before: str) -> None:
        """An annotation that no fence or include followed: reported, not dropped."""
        if pending is not None:
            self.diag(
                pending[1],
                "annotation-unused",
                f"annotation is followed by {before}, not by a code block; ignored",
            )

    def annotation(self, text: str, line: int) -> dict[str, Any] | None:
        body = text.strip()
        if not body.startswith("{"):
            return None
        try:
            value = load_lenient_json(body, self.source, line)
        except InputError as exc:
            self.diag(
                exc.line or line,
                "annotation-json",
                f"annotation is not valid JSON: {exc.message}",
            )
            return None
        if not isinstance(value, dict):
            self.diag(line, "annotation-json", "annotation is not a JSON object")
            return None
        return value

    def blocks(self) -> list[_Block]:
        out: list[_Block] = []
        lines = self.lines
        i = 0
        pending: tuple[dict[str, Any], int] | None = None
        para: list[str] = []
        para_line = 0

        def flush() -> None:
            nonlocal para
            if para:
                out.append(_Paragraph(" ".join(p.strip() for p in para).strip(), para_line))
                para = []

        while i < len(lines):
            raw = lines[i]
            lineno = self.first_line + i
            stripped = raw.strip()
            fence = _FENCE.match(raw)
            if fence:
                flush()
                marker = fence.group(1)
                language = fence.group(2).strip().lower()
                body: list[str] = []
                j = i + 1
                while j < len(lines) and not lines[j].strip().startswith(marker[0] * len(marker)):
                    body.append(lines[j])
                    j += 1
                if j >= len(lines):
                    self.diag(lineno, "unclosed-fence", "code fence is never closed")
                ann = pending
                if ann is not None:
                    self.took("annotation", ann[1], "examples")
                out.append(
                    _Fence(
                        language,
                        "\n".join(body),
                        lineno,
                        ann[0] if ann else None,
                        ann[1] if ann else None,
                    )
                )
                pending = None
                i = j + 1
                continue
            if stripped.startswith("<!--"):
                flush()
                chunk = [stripped[4:]]
                j = i
                while "-->" not in chunk[-1] and j + 1 < len(lines):
                    j += 1
                    chunk.append(lines[j])
                text = "\n".join(chunk)
                end = text.find("-->")
                if end < 0:
                    self.diag(lineno, "unclosed-comment", "HTML comment is never closed")
                    text_inside = text
                else:
                    text_inside = text[:end]
                    rest = text[end + 3 :].strip()
                    if rest:
                        self.diag(
                            lineno,
                            "text-after-comment",
                            f"text after a comment ignored: {rest[:60]}",
                        )
                found = self.annotation(text_inside, lineno)
                if found is not None and found.get("type") == "#page.annotation":
                    self.took("annotation", lineno, "page-annotation")  # page metadata
                elif found is not None:
                    self.unused(pending, "another annotation")
                    pending = (found, lineno)
                i = j + 1
                continue
            if not stripped:
                flush()
                i += 1
                continue
            if _TAB_MARKER.match(stripped) or stripped == "---":
                flush()
                i += 1
                continue
            heading = _HEADING.match(stripped)
            if heading and not raw.startswith((" ", "\t")):
                flush()
                self.unused(pending, "a heading")
                pending = None
                out.append(_Heading(len(heading.group(1)), heading.group(2).strip(), lineno))
                i += 1
                continue
            include = _INCLUDE.match(stripped)
            if include:
                flush()
                include_ann = pending[0] if pending else None
                if pending is not None:
                    self.took("annotation", pending[1], "include")
                pending = None
                out.append(
                    _Include(include.group(1), include.group(2).strip(), lineno, include_ann)
                )
                i += 1
                continue
            if stripped.startswith("|"):
                flush()
                self.unused(pending, "a table")
                pending = None
                j = i
                rows: list[tuple[list[str], int]] = []
                while j < len(lines) and lines[j].strip().startswith("|"):
                    rows.append((split_cells(lines[j]), self.first_line + j))
                    j += 1
                out.append(self.table(rows, lineno))
                i = j
                continue
            if not para:
                para_line = lineno
            para.append(stripped)
            i += 1
        flush()
        self.unused(pending, "the end of the page")
        return out

    def table(self, rows: list[tuple[list[str], int]], line: int) -> _Table:
        header = rows[0][0]
        body = rows[1:]
        if body and _is_separator(body[0][0]):
            body = body[1:]
        else:
            self.diag(line, "table-separator", "table has no header separator row")
        width = len(header)
        out_rows: list[tuple[tuple[str, ...], int]] = []
        for cells, lineno in body:
            if _is_separator(cells):
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            elif len(cells) > width:
                cells = cells[: width - 1] + [" | ".join(c for c in cells[width - 1 :] if c)]
            out_rows.append((tuple(cells), lineno))
        return _Table(tuple(header), tuple(out_rows), line)


# ---------------------------------------------------------------------------------------
# Cell readers


def plain(text: str) -> str:
    """Markdown to plain text: links become their text, bold/italic marks go."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def read_type(cell: str) -> TypeText:
    """A type cell: ``String``, ``String collection``, ``Collection(x)``, ``[x](..) collection``."""
    raw = cell.strip()
    text = plain(raw).strip("` ")
    collection = False
    m = re.fullmatch(r"Collection\((.+)\)", text, re.IGNORECASE)
    if m:
        text, collection = m.group(1).strip(), True
    m = re.fullmatch(r"(.+?)\s+collection", text, re.IGNORECASE)
    if m:
        text, collection = m.group(1).strip(), True
    if text.lower().startswith("edm."):
        text = text[4:]
    return TypeText(raw, text, collection)


def read_required(description: str) -> bool | None:
    """True for "Required.", False for "Optional.", None if neither; the last one wins."""
    found = _REQUIRED.findall(description)
    if not found:
        return None
    return str(found[-1]).lower() == "required"


def read_inherited(description: str) -> str | None:
    m = _INHERITED.search(description)
    return m.group(1).strip() if m else None


def read_enum_values(description: str) -> tuple[str, ...]:
    m = _POSSIBLE.search(description)
    if not m:
        return ()
    return tuple(v.strip() for v in re.findall(r"`([^`]+)`", m.group(1)) if v.strip())


def property_row(cells: tuple[str, ...], line: int) -> PropertyRow:
    name = plain(cells[0]).strip("`* ")
    type_cell = cells[1] if len(cells) > 1 else ""
    description = cells[2] if len(cells) > 2 else ""
    return PropertyRow(
        name=name,
        type=read_type(type_cell),
        description=description,
        line=line,
        required=read_required(description),
        inherited_from=read_inherited(description),
        enum_values=read_enum_values(description),
    )


# ---------------------------------------------------------------------------------------
# Sections


def _section_kind(level: int, text: str) -> str | None:
    """The kind of section a heading opens, or None if it does not open a known one."""
    t = re.sub(r"\s+", " ", plain(text).lower()).strip()
    if re.fullmatch(r"[\w.]+ values", t):
        return "enum"
    if "path parameter" in t or "function parameter" in t:
        return "path-parameters"
    if "query parameter" in t:
        return "query"
    if t.startswith("error") or "error condition" in t:
        return "errors"
    if level > 2:
        return None
    table = {
        "permissions": "permissions",
        "http request": "http",
        "request headers": "headers",
        "request header": "headers",
        "request body": "body",
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
    if t.startswith("example"):
        return "examples"
    return "other"


_BLOCK_TYPES = ("request", "response", "resource", "ignored", "samples", "example")
"""The ``blockType`` values of Graph's doc annotations that the parser knows."""

_PROSE_ONLY = {
    "http",
    "headers",
    "body",
    "response",
    "methods",
    "examples",
    "other",
    "json",
    "enum",
}


class _PageBuilder:
    """Reads blocks section by section into the fields of a `Page`."""

    def __init__(self, reader: _Reader, path: Path | None) -> None:
        self.r = reader
        self.path = path
        self.source = reader.source
        self.title: Located | None = None
        self.namespace: Located | None = None
        self.description: Located | None = None
        self.base_type: Located | None = None
        self.permissions: list[PermissionRow] = []
        self.http_requests: list[HttpRequestLine] = []
        self.http_heading_line: int | None = None
        self.headers: list[HeaderRow] = []
        self.parameters: list[ParameterRow] = []
        self.query_options: list[QueryOption] = []
        self.request_body: list[PropertyTable] = []
        self.request_body_empty = False
        self.response: ResponseInfo | None = None
        self.errors: list[ErrorRow] = []
        self.examples: list[ExampleBlock] = []
        self.properties: list[PropertyRow] = []
        self.relationships: list[PropertyRow] = []
        self.resource: ExampleBlock | None = None
        self.enums: list[EnumTable] = []
        self.intro = ""  # the text of the paragraph just read, for the table that follows

    def diag(self, line: int, code: str, message: str) -> None:
        self.r.diag(line, code, message)

    def run(self, blocks: list[_Block]) -> None:
        section = "preamble"
        section_heading = ""
        sub_heading = ""
        self.intro = ""
        open_enum: _Heading | None = None  # a "<name> values" heading with no table yet
        for block in blocks:
            if isinstance(block, _Heading):
                self.intro = ""
                if open_enum is None or block.level <= open_enum.level:
                    self.enum_without_table(open_enum)  # deeper: a group heading
                open_enum = block if _section_kind(block.level, block.text) == "enum" else None
                if block.level == 1:
                    if self.title is None:
                        self.title = Located(block.text, block.line)
                        section, section_heading = "preamble", block.text
                    else:
                        self.diag(
                            block.line,
                            "extra-title",
                            f"second top-level heading: {block.text}",
                        )
                    continue
                kind = _section_kind(block.level, block.text)
                sub_heading = block.text
                if kind is not None:
                    section, section_heading = kind, block.text
                    if kind == "http" and self.http_heading_line is None:
                        self.http_heading_line = block.line
                continue
            heading = sub_heading or section_heading
            if isinstance(block, _Table):
                self.table(block, section, section_heading)
            elif isinstance(block, _Fence):
                self.fence(block, section, heading)
            elif isinstance(block, _Include):
                self.include(block, section)
            else:
                self.paragraph(block, section, section_heading)
            self.intro = block.text if isinstance(block, _Paragraph) else ""
            if isinstance(block, _Table):
                open_enum = None
        self.enum_without_table(open_enum)

    def enum_without_table(self, heading: _Heading | None) -> None:
        if heading is not None:
            self.diag(
                heading.line,
                "enum-no-table",
                f"'{heading.text}' has no table of members; no enum read from it",
            )

    # -- paragraphs -----------------------------------------------------------------

    def paragraph(self, p: _Paragraph, section: str, heading: str) -> None:
        text = p.text
        if section == "preamble":
            if text.lower().startswith("namespace:"):
                # "Namespace: microsoft.graph" may run on into the description when the
                # page has no blank line between them: the namespace is the first word.
                rest = text.split(":", 1)[1].strip()
                m = re.match(r"`?([\w.]*)`?\s*(.*)$", rest, re.DOTALL)
                name, tail = (m.group(1), m.group(2).strip()) if m else (rest, "")
                self.namespace = Located(name, p.line)
                if tail and self.description is None:
                    self.description = Located(tail, p.line)
            elif re.match(r"inherits from\b", text, re.IGNORECASE):
                links = _LINK.findall(text)
                name = links[0][0] if links else text.split(None, 2)[-1].rstrip(".")
                self.base_type = Located(name.strip("*` "), p.line)
            elif self.description is None and not text.startswith(">") and self.title is not None:
                self.description = Located(text, p.line)
            return
        if section == "query":
            seen = {q.name for q in self.query_options}
            for name in _QUERY_OPTION.findall(text):
                if name not in seen:
                    self.query_options.append(QueryOption(name, p.line))
                    seen.add(name)
            return
        if section == "body":
            low = text.lower()
            if "supply a request body" in low or "no request body" in low:
                self.request_body_empty = True
            return
        if section == "response" and self.response is None:
            self.read_response(text, p.line)

    def read_response(self, text: str, line: int) -> None:
        m = _STATUS_IN_PROSE.search(text) or _STATUS_IN_PROSE_PLAIN.search(text)
        if not m:
            return
        status, reason = int(m.group(1)), m.group(2).strip()
        after = text[m.end() :]
        body_type: str | None = None
        link = _LINK.search(after)
        if link and not re.search(r"response code\.", after[: link.start()]):
            body_type = plain(link.group(1)).strip("`* ")
        collection = (
            bool(re.search(r"\bcollection\b", after, re.IGNORECASE)) and body_type is not None
        )
        if body_type is None and "response body" in after:
            unlinked = re.search(r"\b(?:collection of\s+`?(\w+)`?|`?(\w+)`?\s+collection)\b", after)
            if unlinked:
                body_type, collection = unlinked.group(1) or unlinked.group(2), True
        self.response = ResponseInfo(status, reason, line, body_type, collection)

    # -- tables ---------------------------------------------------------------------

    def table(self, t: _Table, section: str, heading: str) -> None:
        use = self.table_use(t, section, heading)
        if use is not None:
            self.r.took("table", t.line, use)

    def table_use(self, t: _Table, section: str, heading: str) -> str | None:
        """Read a table into its field; returns the field's name, or None if reported."""
        first = plain(t.header[0]).lower() if t.header else ""
        cols = [plain(h).lower() for h in t.header]
        if first.startswith("permission type"):
            self.permission_table(t)
            return "permissions"
        elif section == "headers" or (first in ("name", "header") and section in ("http",)):
            for cells, line in t.rows:
                desc = cells[-1] if len(cells) > 1 else ""
                typ = cells[1] if len(cells) > 2 else None
                self.headers.append(
                    HeaderRow(plain(cells[0]).strip("`"), desc, line, typ, read_required(desc))
                )
            return "headers"
        elif section in ("path-parameters", "query"):
            location = "path" if section == "path-parameters" else "query"
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
            return "parameters"
        elif section == "body" and first in ("property", "parameter", "name"):
            rows = tuple(property_row(c, line) for c, line in t.rows)
            self.request_body.append(
                PropertyTable(
                    heading,
                    rows,
                    t.line,
                    tuple(plain(h) for h in t.header),
                    self.intro,
                )
            )
            return "request_body"
        elif section == "properties" and first in ("property", "name"):
            self.properties.extend(property_row(c, line) for c, line in t.rows)
            return "properties"
        elif section == "relationships" and first in (
            "relationship",
            "property",
            "name",
        ):
            self.relationships.extend(property_row(c, line) for c, line in t.rows)
            return "relationships"
        elif section == "enum" or (first == "member" and section in ("properties", "other")):
            return "enums" if self.enum_table(t, heading) else None
        elif section == "errors" or ("http code" in cols or "status code" in cols):
            self.error_table(t, cols)
            return "errors"
        elif section == "methods":
            return "methods"  # it only links to the API pages; nothing to build from
        else:
            self.diag(
                t.line,
                "table-not-understood",
                f"table with columns {', '.join(t.header)} under '{heading}' not understood",
            )
            return None

    def permission_table(self, t: _Table) -> None:
        for cells, line in t.rows:
            higher = cells[2] if len(cells) > 2 else None
            self.permissions.append(
                PermissionRow(plain(cells[0]), cells[1] if len(cells) > 1 else "", line, higher)
            )

    def enum_table(self, t: _Table, heading: str) -> bool:
        m = re.fullmatch(r"\s*`?([\w.]+)`?\s+values\s*", plain(heading))
        if not m:
            self.diag(
                t.line,
                "enum-name",
                f"enum table under '{heading}' has no '<name> values' heading",
            )
            return False
        cols = [plain(h).lower() for h in t.header]
        members: list[EnumMember] = []
        for cells, line in t.rows:
            name = plain(cells[0]).strip("`* ")
            if not name:
                self.diag(line, "enum-member", "empty enum member")
                continue
            value = cells[cols.index("value")] if "value" in cols else None
            desc = cells[cols.index("description")] if "description" in cols else None
            members.append(EnumMember(name, line, value, desc))
        self.enums.append(EnumTable(m.group(1), tuple(members), t.line))
        return True

    def error_table(self, t: _Table, cols: list[str]) -> None:
        def col(cells: tuple[str, ...], *names: str) -> str:
            for n in names:
                if n in cols:
                    return cells[cols.index(n)]
            return ""

        for cells, line in t.rows:
            status_text = col(cells, "http code", "status code")
            status = int(status_text) if status_text.strip().isdigit() else None
            if status is None:
                self.diag(
                    line,
                    "error-status",
                    f"error row without a numeric status: {status_text!r}",
                )
            self.errors.append(
                ErrorRow(
                    status,
                    plain(col(cells, "code")),
                    plain(col(cells, "message")),
                    line,
                )
            )

    # -- includes -------------------------------------------------------------------

    def include(self, inc: _Include, section: str) -> None:
        is_permissions = (inc.annotation or {}).get("blockType") == "permissions" or (
            section == "permissions" and "permission" in inc.target.lower()
        )
        if not is_permissions:
            return  # snippets, notes and table intros: text for readers, nothing to build
        found = self.find_include(inc.target)
        if found is None:
            self.diag(
                inc.line,
                "include-not-found",
                f"permissions include not found: {inc.target}",
            )
            return
        try:
            text = found.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.diag(
                inc.line,
                "include-unreadable",
                f"permissions include {inc.target} unreadable: {exc}",
            )
            return
        included = parse_text(text, str(found))
        if not included.permissions:
            self.diag(
                inc.line,
                "include-empty",
                f"permissions include {inc.target} has no permissions table",
            )
        for row in included.permissions:
            # The rows are placed at the include's line: that is where this page names them.
            self.permissions.append(
                PermissionRow(row.type, row.permissions, inc.line, row.higher_privileged)
            )

    def find_include(self, target: str) -> Path | None:
        if self.path is None:
            return None
        here = self.path.parent
        direct = (here / target).resolve()
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

    # -- fences ---------------------------------------------------------------------

    def fence(self, f: _Fence, section: str, heading: str) -> None:
        annotation = f.annotation or {}
        block_type = annotation.get("blockType")
        block_type = block_type if isinstance(block_type, str) else None
        language = f.language
        if section == "http" and block_type in (None, "ignored", "samples", "request"):
            self.http_lines(f)
            self.r.took("fence", f.line, "http_requests")
            if block_type not in ("request",):
                return
        if f.annotation is not None and block_type not in _BLOCK_TYPES:
            self.diag(
                f.annotation_line or f.line,
                "block-type",
                f"annotation blockType {annotation.get('blockType')!r} not understood; "
                "the block is kept as an example only",
            )
        http: HttpMessage | None = None
        json_value: Any = None
        has_json = False
        if language in ("http", "msgraph-interactive", "") and self.looks_http(f.code):
            http = self.http_message(f)
        elif language in ("json", "javascript", "js") or (
            language == "" and f.code.lstrip().startswith(("{", "["))
        ):
            try:
                json_value = load_lenient_json(f.code, self.source, f.line + 1)
                has_json = True
            except InputError as exc:
                self.diag(
                    exc.line or f.line,
                    "example-json",
                    f"example JSON not understood: {exc.message}",
                )
        elif block_type in ("request", "response", "resource"):
            self.diag(
                f.line,
                "example-language",
                f"{block_type} example in a '{language}' fence not understood",
            )
        block = ExampleBlock(
            block_type=block_type,
            annotation=annotation,
            annotation_line=f.annotation_line,
            language=language,
            code=f.code,
            line=f.line,
            heading=heading,
            http=http,
            json_value=json_value,
            has_json=has_json,
        )
        if self.resource is None and block_type == "resource":
            self.resource = block
        self.examples.append(block)
        self.r.took("fence", f.line, "resource" if block is self.resource else "examples")

    @staticmethod
    def looks_http(code: str) -> bool:
        first = next((ln.strip() for ln in code.splitlines() if ln.strip()), "")
        return bool(_METHOD_LINE.match(first) or _STATUS_LINE.match(first))

    def http_lines(self, f: _Fence) -> None:
        for offset, ln in enumerate(f.code.splitlines(), start=1):
            text = ln.strip()
            if not text:
                continue
            m = _METHOD_LINE.match(text)
            if m:
                self.http_requests.append(HttpRequestLine(m.group(1), m.group(2), f.line + offset))
            else:
                self.diag(
                    f.line + offset,
                    "http-line",
                    f"line in HTTP request block not understood: {text[:80]}",
                )

    def http_message(self, f: _Fence) -> HttpMessage:
        lines = f.code.splitlines()
        idx = 0
        while idx < len(lines) and not lines[idx].strip():
            idx += 1
        start = lines[idx].strip()
        line = f.line + 1 + idx
        method = target = reason = None
        status: int | None = None
        m = _METHOD_LINE.match(start)
        if m:
            method = m.group(1)
            target = re.sub(r"\s+HTTP/\d(\.\d)?$", "", m.group(2))
        else:
            s = _STATUS_LINE.match(start)
            if s:
                status, reason = int(s.group(1)), s.group(2)
        headers: list[tuple[str, str]] = []
        idx += 1
        while idx < len(lines) and lines[idx].strip():
            text = lines[idx].strip()
            if ":" in text and not text.startswith(("{", "[")):
                name, value = text.split(":", 1)
                headers.append((name.strip(), value.strip()))
                idx += 1
            else:
                break
        while idx < len(lines) and not lines[idx].strip():
            idx += 1
        body_text = "\n".join(lines[idx:]).strip("\n")
        body_line = f.line + 1 + idx if body_text else None
        body_json: Any = None
        has_json = False
        if body_text.lstrip().startswith(("{", "[")) and body_line is not None:
            try:
                body_json = load_lenient_json(body_text, self.source, body_line)
                has_json = True
            except InputError as exc:
                self.diag(
                    exc.line or body_line,
                    "example-json",
                    f"example body is not JSON the parser can read: {exc.message}",
                )
        elif body_text and body_line is not None:
            content_type = {k.lower(): v for k, v in headers}.get("content-type", "")
            if "json" in content_type:
                self.diag(
                    body_line,
                    "example-body",
                    "example body declared as JSON does not start with { or [",
                )
        return HttpMessage(
            line,
            method,
            target,
            status,
            reason,
            tuple(headers),
            body_text,
            body_line,
            body_json,
            has_json,
        )

    def check_resource_json(self) -> None:
        """Compare the resource block's JSON keys with the property tables, both ways."""
        block = self.resource
        if block is None or not isinstance(block.json_value, dict):
            return
        keys = [k for k in block.json_value if not k.startswith("@odata.")]
        tables = {r.name: r for r in (*self.properties, *self.relationships)}
        lower = {n.lower(): n for n in tables}
        optional = block.annotation.get("optionalProperties")
        optional_names = {str(x).lower() for x in optional} if isinstance(optional, list) else set()
        code_lines = block.code.splitlines()

        def line_of(key: str) -> int:
            for offset, text in enumerate(code_lines, start=1):
                if f'"{key}"' in text:
                    return block.line + offset
            return block.line

        for key in keys:
            if key in tables:
                continue
            if key.lower() in lower:
                self.diag(
                    line_of(key),
                    "resource-json-case",
                    f"JSON representation spells {key!r}, the table {lower[key.lower()]!r}",
                )
            else:
                self.diag(
                    line_of(key),
                    "resource-json-extra",
                    f"JSON representation has {key!r}, which no property table lists",
                )
        in_json = {k.lower() for k in keys}
        for row in self.properties:
            name = row.name.lower()
            if name in in_json or name in optional_names or name == "@odata.type":
                continue
            self.diag(
                row.line,
                "resource-json-missing",
                f"property {row.name!r} is missing from the JSON representation",
            )

    def page(self, doc_type: str | None, front: dict[str, Located]) -> Page:
        self.check_resource_json()
        return Page(
            source=self.source,
            doc_type=doc_type,
            front_matter=front,
            title=self.title,
            namespace=self.namespace,
            description=self.description,
            permissions=tuple(self.permissions),
            http_requests=tuple(self.http_requests),
            headers=tuple(self.headers),
            parameters=tuple(self.parameters),
            query_options=tuple(
                q for q in self.query_options if q.name not in {p.name for p in self.parameters}
            ),
            request_body=tuple(self.request_body),
            request_body_empty=self.request_body_empty,
            response=self.response,
            errors=tuple(self.errors),
            examples=tuple(self.examples),
            base_type=self.base_type,
            properties=tuple(self.properties),
            relationships=tuple(self.relationships),
            resource=self.resource,
            enums=tuple(self.enums),
            diagnostics=tuple(
                sorted(self.r.diagnostics, key=lambda d: (d.line, d.code, d.message))
            ),
            constructs=tuple(sorted(self.r.constructs, key=lambda c: (c.line, c.kind, c.use))),
        )


# ---------------------------------------------------------------------------------------
# Entry points


def _front_matter(lines: list[str]) -> tuple[dict[str, Located], int]:
    """Read ``key: value`` front matter; returns it and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    front: dict[str, Located] = {}
    for i in range(1, len(lines)):
        text = lines[i]
        if text.strip() == "---":
            return front, i + 1
        m = re.match(r"^([A-Za-z_][\w.\-]*)\s*:\s*(.*?)\s*$", text)
        if m:
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            front[m.group(1)] = Located(value, i + 1)
    return {}, 0  # no closing ---: the page has no front matter, only a rule line


def _parse(text: str, source: str, path: Path | None) -> Page:
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    front, start = _front_matter(lines)
    reader = _Reader(lines[start:], start + 1, source)
    builder = _PageBuilder(reader, path)
    builder.run(reader.blocks())
    doc_type_loc = front.get("doc_type")
    doc_type = doc_type_loc.value if doc_type_loc else None
    if builder.title is None and "title" in front:
        builder.title = front["title"]
        if doc_type is not None:
            reader.diag(
                front["title"].line,
                "no-heading",
                "page has no '# title' heading; using the front matter title",
            )
    if doc_type in ("apiPageType", "resourcePageType", "enumPageType") and builder.title is None:
        raise InputError(
            "page has no title (no '# heading' and no front matter title)",
            file=source,
            line=1,
        )
    if doc_type == "apiPageType" and not builder.http_requests:
        line = builder.http_heading_line or (builder.title.line if builder.title else 1)
        raise InputError(
            "API page has no HTTP request block (a fenced 'METHOD /path' line)",
            file=source,
            line=line,
        )
    return builder.page(doc_type, front)


def parse_text(text: str, source: str) -> Page:
    """Parse page text; ``source`` names it in diagnostics and errors."""
    return _parse(text, source, None)


def parse_page(path: Path) -> Page:
    """Read and parse a page file; a missing or non-UTF-8 file is an `InputError`."""
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("page not found", file=source) from None
    except IsADirectoryError:
        raise InputError("page is a folder, not a file", file=source) from None
    except OSError as exc:
        raise InputError(f"page cannot be read: {exc.strerror}", file=source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError("page is not UTF-8 text", file=source, line=line) from None
    return _parse(text, source, path)
