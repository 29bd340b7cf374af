"""Read a Graph-format reference page (Markdown) into a `Page`.

The page is first cut into blocks (headings, fences, tables, comments, includes, paragraphs),
then each block is read according to the section it sits in. Real pages are ragged, so the
reader is tolerant; whatever it cannot place becomes a `Diagnostic` with its line rather than
being dropped without a word. Input that cannot be a page at all raises `InputError`.

The passes live beside this entry: `blocks` cuts the lines, `page_builder` places each block in
its section and hands it to the section readers (`request_sections`, `property_sections`,
`example_sections`), which read cells with `cells` and JSON with `lenient_json`.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import InputError
from generator.files import read_capped
from generator.pages.blocks import BlockReader
from generator.pages.model import Located, Page
from generator.pages.page_builder import PageBuilder

# Graph's largest published pages are a few hundred kB; a page past this is not one.
MAX_PAGE_BYTES = 4 * 1024 * 1024


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
    reader = BlockReader(lines[start:], start + 1, source)
    builder = PageBuilder(reader, path, parse_text)
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
    if (
        doc_type == "apiPageType"
        and not builder.request.http_requests
        and builder.title is not None
        and re.search(r"\bresource type\s*$", builder.title.value, re.IGNORECASE)
    ):
        # A resource page filed as an API page: its title and tables say what it is.
        reader.diag(
            front["doc_type"].line,
            "doc-type",
            "page says doc_type apiPageType but has no HTTP request and its title names a "
            "resource type; read as a resource page",
        )
        doc_type = "resourcePageType"
    if doc_type == "apiPageType" and not builder.request.http_requests:
        line = builder.http_heading_line or (builder.title.line if builder.title else 1)
        raise InputError(
            "API page has no '## HTTP request' section with a fenced 'METHOD /path' line",
            file=source,
            line=line,
        )
    return builder.page(doc_type, front)


def parse_text(text: str, source: str) -> Page:
    """Parse page text; ``source`` names it in diagnostics and errors."""
    return _parse(text, source, None)


def parse_page(path: Path) -> Page:
    """Read and parse a page file; a missing, oversized or non-UTF-8 file is an `InputError`."""
    source = str(path)
    data = read_capped(path, MAX_PAGE_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError("page is not UTF-8 text", file=source, line=line) from None
    return _parse(text, source, path)
