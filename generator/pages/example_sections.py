"""The sections of a page that show it at work: examples, the response, the errors.

Every fenced block outside the HTTP request block becomes an `ExampleBlock`: an HTTP message
(request or response line, headers, a JSON body), or JSON on its own (the resource's JSON
representation). The Response section's sentence gives the success status and body type, and
the error-conditions table one row per documented failure.
"""

from __future__ import annotations

import re
from typing import Any

from generator.errors import InputError
from generator.pages.blocks import BlockReader, Fence, Table
from generator.pages.cells import LINK, plain
from generator.pages.lenient_json import load_lenient_json
from generator.pages.model import ErrorRow, ExampleBlock, HttpMessage, ResponseInfo
from generator.pages.request_sections import METHOD_LINE

_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})\s*(.*?)\s*$")
_STATUS_IN_PROSE = re.compile(r"`?\b([1-5]\d\d)\s+([A-Z][A-Za-z\- ]*?[A-Za-z])`")
_STATUS_IN_PROSE_PLAIN = re.compile(r"\b([1-5]\d\d)\s+(OK|Created|Accepted|No Content|Found)\b")

_BLOCK_TYPES = ("request", "response", "resource", "ignored", "samples", "example")
"""The ``blockType`` values of Graph's doc annotations that the parser knows."""


class ExampleSections:
    """What a page shows: its example blocks, the resource block, response and errors."""

    def __init__(self, reader: BlockReader, source: str) -> None:
        self.r = reader
        self.source = source
        self.examples: list[ExampleBlock] = []
        self.resource: ExampleBlock | None = None
        self.response: ResponseInfo | None = None
        self.errors: list[ErrorRow] = []

    # -- fences ---------------------------------------------------------------------

    def example(self, f: Fence, heading: str) -> None:
        """Keep a fence as an example block; the first ``resource`` one is the page's."""
        annotation = f.annotation or {}
        block_type = f.block_type
        language = f.language
        if f.annotation is not None and block_type not in _BLOCK_TYPES:
            self.r.diag(
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
                self.r.diag(
                    exc.line or f.line,
                    "example-json",
                    f"example JSON not understood: {exc.message}",
                )
        elif block_type in ("request", "response", "resource"):
            self.r.diag(
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
        return bool(METHOD_LINE.match(first) or _STATUS_LINE.match(first))

    def http_message(self, f: Fence) -> HttpMessage:
        lines = f.code.splitlines()
        idx = 0
        while idx < len(lines) and not lines[idx].strip():
            idx += 1
        start = lines[idx].strip()
        line = f.line + 1 + idx
        method = target = reason = None
        status: int | None = None
        m = METHOD_LINE.match(start)
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
                self.r.diag(
                    exc.line or body_line,
                    "example-json",
                    f"example body is not JSON the parser can read: {exc.message}",
                )
        elif body_text and body_line is not None:
            content_type = {k.lower(): v for k, v in headers}.get("content-type", "")
            if "json" in content_type:
                self.r.diag(
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

    # -- the response and its errors ------------------------------------------------

    def read_response(self, text: str, line: int) -> None:
        m = _STATUS_IN_PROSE.search(text) or _STATUS_IN_PROSE_PLAIN.search(text)
        if not m:
            return
        status, reason = int(m.group(1)), m.group(2).strip()
        after = text[m.end() :]
        body_type: str | None = None
        link = LINK.search(after)
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

    def error_table(self, t: Table, cols: list[str]) -> None:
        def col(cells: tuple[str, ...], *names: str) -> str:
            for n in names:
                if n in cols:
                    return cells[cols.index(n)]
            return ""

        for cells, line in t.rows:
            status_text = col(cells, "http code", "status code")
            status = int(status_text) if status_text.strip().isdigit() else None
            if status is None:
                self.r.diag(
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
