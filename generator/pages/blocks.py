"""Page lines cut into Markdown blocks: headings, fences, tables, includes, paragraphs.

This is the first pass of parsing, blind to what a section means: it knows Markdown and
Graph's doc conventions (``<!-- { "blockType": ... } -->`` annotations before a fence or an
include, DocFX tab markers, ``[!INCLUDE]`` lines) and hands the section readers blocks that
carry their page lines. Ragged tables are evened out and unclosed fences or comments are
reported, so later passes never see a half-read block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.errors import InputError
from generator.pages.lenient_json import load_lenient_json
from generator.pages.model import Construct, Diagnostic

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TAB_MARKER = re.compile(r"^#{1,6}\s*\[[^\]]*\]\(#tab/[^)]*\)\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)")
# The most table rows one page may hold, all its tables together. Graph's largest property
# table (user) has about 100 rows; the limit refuses a planted page of 100,000 rows at once,
# before the work each row costs later (schemas, validation, the SDK).
MAX_TABLE_ROWS = 5_000

_INCLUDE = re.compile(r"^\s*\[!INCLUDE\s*\[([^\]]*)\]\(([^)]*)\)\s*\]\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    """A ``#`` heading: it opens a section or names the table under it."""

    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Fence:
    """A fenced code block, with the doc annotation that came just before it, if any."""

    language: str
    code: str
    line: int  # line of the opening fence
    annotation: dict[str, Any] | None
    annotation_line: int | None

    @property
    def block_type(self) -> str | None:
        """The annotation's ``blockType`` when it is a string (what the example is for)."""
        value = (self.annotation or {}).get("blockType")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Table:
    """A Markdown table: its header cells and its rows, each as wide as the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], int], ...]
    line: int


@dataclass(frozen=True)
class Include:
    """An ``[!INCLUDE [label](target)]`` line, with the annotation before it, if any."""

    label: str
    target: str
    line: int
    annotation: dict[str, Any] | None


@dataclass(frozen=True)
class Paragraph:
    """Consecutive text lines joined into one, at the line where they start."""

    text: str
    line: int


Block = Heading | Fence | Table | Include | Paragraph


def split_cells(row: str) -> list[str]:
    """Cells of a Markdown table row; ``\\|`` and pipes inside backticks stay in the cell."""
    text = row.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    if "`" not in text and "\\|" not in text:
        return [cell.strip() for cell in text.split("|")]  # what the loop below gives
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


class BlockReader:
    """Cuts page lines into blocks, collecting diagnostics on the way."""

    def __init__(self, lines: list[str], first_line: int, source: str) -> None:
        self.lines = lines
        self.first_line = first_line
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.constructs: list[Construct] = []
        self.table_rows = 0  # rows read so far, for `MAX_TABLE_ROWS`

    def diag(self, line: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, code, message))

    def took(self, kind: str, line: int, use: str) -> None:
        """Record that a construct was understood and which `Page` field it fed."""
        self.constructs.append(Construct(kind, line, use))

    def unused(self, pending: tuple[dict[str, Any], int] | None, before: str) -> None:
        """An annotation that no fence or include followed: reported, not dropped. One that
        says `"blockType": "ignored"` asks the doc tools to leave what follows alone (Graph
        puts it above generated permissions tables), so it is used as meant."""
        if pending is not None and pending[0].get("blockType") != "ignored":
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

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        lines = self.lines
        i = 0
        pending: tuple[dict[str, Any], int] | None = None
        para: list[str] = []
        para_line = 0

        def flush() -> None:
            nonlocal para
            if para:
                out.append(Paragraph(" ".join(p.strip() for p in para).strip(), para_line))
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
                    Fence(
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
                out.append(Heading(len(heading.group(1)), heading.group(2).strip(), lineno))
                i += 1
                continue
            include = _INCLUDE.match(stripped)
            if include:
                flush()
                include_ann = pending[0] if pending else None
                if pending is not None:
                    self.took("annotation", pending[1], "include")
                pending = None
                out.append(Include(include.group(1), include.group(2).strip(), lineno, include_ann))
                i += 1
                continue
            if stripped.startswith("|"):
                flush()
                self.unused(pending, "a table")
                pending = None
                j = i
                rows: list[tuple[list[str], int]] = []
                while j < len(lines) and lines[j].strip().startswith("|"):
                    self.count_row(self.first_line + j)
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

    def count_row(self, line: int) -> None:
        """Count one more table row; past `MAX_TABLE_ROWS` the page is refused."""
        self.table_rows += 1
        if self.table_rows > MAX_TABLE_ROWS:
            raise InputError(
                f"more than {MAX_TABLE_ROWS:,} table rows in one page (a limit: Graph's "
                "largest tables have about 100)",
                file=self.source,
                line=line,
            )

    def table(self, rows: list[tuple[list[str], int]], line: int) -> Table:
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
        return Table(tuple(header), tuple(out_rows), line)
