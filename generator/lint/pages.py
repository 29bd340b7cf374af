"""Page rules: what a Graph API reviewer checks on a reference page before it ships.

Each page is checked on its own (findings do not depend on which other files are linted),
except `pages-property-case`, which compares spellings across the pages of one run. Example
values are checked against the schema `generator.pages.build` makes from the same page, so lint
and the built spec agree on every type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from generator.errors import InputError
from generator.lint import schemas
from generator.lint.core import Hit
from generator.pages.build import build
from generator.pages.model import ExampleBlock, Page, PropertyRow
from generator.pages.typemodel import BuildDiagnostic

_TODO = re.compile(r"\b(TODO|TBD|FIXME)\b")
_MARKUP = re.compile(r"[*_`]")
_HEADING = re.compile(r"^#{2,6}\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BOILERPLATE = re.compile(
    r"Inherited from\s*\[[^\]]*\]\([^)]*\)\s*\.?|\b(?:Required|Optional)\s*\.|\*\*\s*TODO:.*?\*\*",
    re.IGNORECASE,
)
_PERMISSION = re.compile(r"^[A-Za-z][\w-]*(?:\.[\w-]+)+$")
# Permission names inside a cell that says more ("A and B", "For channel resource: A").
_PERMISSION_IN_TEXT = re.compile(r"(?<![\w.])[A-Z][\w-]*(?:\.[A-Z][\w-]*)+(?![\w])")
_REQUIRED_ONLY = re.compile(r"properties (?:that are )?required", re.IGNORECASE)
_STATUS = re.compile(r"`([1-5]\d\d)(?:\s+[A-Za-z][\w -]*)?`")
_CAST = re.compile(r"^microsoft\.graph\.[A-Za-z]\w*$")
_NOT_SUPPORTED = re.compile(
    r"^(?:not supported|not available|not applicable|none)\.?$", re.IGNORECASE
)
_HOST = re.compile(r"^https?://([^/?#]+)", re.IGNORECASE)
_SERVER = re.compile(r"^https?://[^/]+(?:/(?:v1\.0|beta))?", re.IGNORECASE)
_FRONT_MATTER_KEYS = ("title", "description", "author")
_KEYLESS_OK = {
    "me", "admin", "directory", "education", "employeeexperience", "reports", "solutions", "policies",
    "print", "security", "identity", "identitygovernance", "identityprotection", "devicemanagement",
    "deviceappmanagement", "informationprotection", "communications", "external", "storage",
    "compliance", "privacy", "teamwork", "appcatalogs", "planner", "search", "tenantrelationships",
    "auditlogs", "rolemanagement", "copilot", "dataclassification", "app", "drive", "filestorage",
}  # fmt: skip
_UPDATE_METHODS = ("PATCH", "PUT", "DELETE")
# Parser and build diagnostics that page rules report with their own ids (and line/column).
_COVERED_DIAGNOSTICS = {
    "resource-json-case",
    "resource-json-extra",
    "resource-json-missing",
    "response-status",  # page-response-status
}
# The rule of each diagnostic family: what apigen does not read (the page may well be
# right), types no page of the build defines; other parse diagnostics are `page-parse`'s,
# other build diagnostics `page-build`'s, so a new diagnostic is never silent.
_UNREAD = (
    "type-unknown",
    "body-table-type",
    "table-not-understood",
    "example-language",
    "duplicate-header",  # one row per header is kept; Graph documents Prefer values apart
    "instance-attributes",  # annotations, not properties: set aside on purpose
    "server-host",  # an example's download host, which never becomes the server
)
_DIAGNOSTIC_RULES: Mapping[str, str] = {
    **{code: "page-unread" for code in _UNREAD},
    "type-stub": "page-type-undefined",
}
# Type names that are no enum, whatever "possible values" a description lists.
_PRIMITIVES = {"string", "int32", "int64", "int16", "byte", "boolean", "double", "single",
               "decimal", "guid", "binary", "datetimeoffset", "date", "timeofday", "duration",
               "stream"}  # fmt: skip


class Name(NamedTuple):
    """A property name as spelled at one place of a page."""

    name: str
    line: int
    column: int
    where: str


@dataclass(frozen=True)
class PageResult:
    hits: tuple[Hit, ...]
    names: tuple[Name, ...]


# ---------------------------------------------------------------------------------------
# Helpers


def _plain(text: str) -> str:
    return _MARKUP.sub("", _LINK.sub(r"\1", text)).strip()


def _col(lines: Sequence[str], line: int, needle: str) -> int:
    """1-based column of ``needle`` on ``line`` (1 when it is not there)."""
    if 1 <= line <= len(lines):
        index = lines[line - 1].find(needle)
        if index >= 0:
            return index + 1
    return 1


def key_positions(text: str, first_line: int) -> list[tuple[str, int, int, int]]:
    """(key, depth, line, column) of every object key in JSON text, in order.

    Depth counts open brackets around the key (a top-level object's keys are at depth 1).
    Tolerant: it only tracks strings and brackets, so page JSON with comments still maps.
    """
    out: list[tuple[str, int, int, int]] = []
    depth, line, line_start, i, n = 0, first_line, 0, 0, len(text)
    stack: list[str] = []
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, line_start = line + 1, i + 1
        elif ch in "{[":
            stack.append(ch)
            depth += 1
        elif ch in "}]":
            if stack:
                stack.pop()
            depth = max(0, depth - 1)
        elif ch == '"':
            start = i
            i += 1
            chars: list[str] = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(text[i])
                i += 1
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == ":" and stack and stack[-1] == "{":
                out.append(("".join(chars), depth, line, start - line_start + 1))
        i += 1
    return out


class _Body(NamedTuple):
    """One JSON object shown by an example, with where its keys are."""

    block: ExampleBlock
    value: Mapping[str, Any]
    positions: Mapping[str, tuple[int, int]]
    collection: bool


def _bodies(block: ExampleBlock) -> list[_Body]:
    """The objects an example shows: its body, or each item of a ``{"value": [...]}`` body."""
    if block.http is not None:
        value, text, first = block.http.body_json, block.http.body_text, block.http.body_line
    else:
        value, text, first = block.json_value, block.code, block.line + 1
    if not isinstance(value, Mapping) or first is None:
        return []
    keys = key_positions(text, first)
    items = value.get("value")
    if isinstance(items, list) and items and all(isinstance(x, Mapping) for x in items):
        depth3 = [k for k in keys if k[1] == 3]
        out: list[_Body] = []
        for item in items:
            pos: dict[str, tuple[int, int]] = {}
            for key, _, line, col in depth3:
                if key in item and key not in pos:
                    pos[key] = (line, col)
            out.append(_Body(block, item, pos, True))
        return out
    pos = {}
    for key, depth, line, col in keys:
        if depth == 1 and key not in pos:
            pos[key] = (line, col)
    return [_Body(block, value, pos, False)]


def _is_annotation(key: str) -> bool:
    return "@" in key


def _where(body: _Body, key: str) -> tuple[int, int]:
    return body.positions.get(key, (body.block.line, 1))


def _segments(target: str) -> list[str]:
    path = _SERVER.sub("", target.strip()).split("?", 1)[0].rstrip("/")
    return [s for s in path.split("/") if s]


def _example_segments(target: str) -> list[str] | None:
    """An example's path as the HTTP request block would write it: `/me` is Graph's alias
    of `/users/{id}`, and a trailing type cast (`/memberOf/microsoft.graph.group`) filters
    the same call. None for an opaque URL on another host (a download or upload URL the
    service handed out), which no request line documents."""
    host = _HOST.match(target.strip())
    if host is not None and "graph" not in host.group(1).lower():
        return None
    segments = _segments(target)
    if segments and segments[0].lower() == "me":
        segments = ["users", "{id}", *segments[1:]]
    while segments and _CAST.match(segments[-1]):
        segments = segments[:-1]
    return segments


def _segment_matches(template: str, actual: str) -> bool:
    if "{" in template and template.startswith("{"):
        return True
    t_name, a_name = template.split("(", 1)[0], actual.split("(", 1)[0]
    return t_name.lower() == a_name.lower()


def _path_matches(template: str, actual: list[str]) -> bool:
    templates = [_segments(template)]
    if templates[0] and templates[0][0].lower() == "me":
        templates.append(["users", "{id}", *templates[0][1:]])
    return any(
        len(t) == len(actual) and all(_segment_matches(x, y) for x, y in zip(t, actual))
        for t in templates
    )


# ---------------------------------------------------------------------------------------
# The rules


class _PageLinter:
    def __init__(self, page: Page, lines: Sequence[str]) -> None:
        self.page = page
        self.lines = lines
        self.hits: list[Hit] = []
        self.names: list[Name] = []
        self.table_rows: list[PropertyRow] = [r for t in page.request_body for r in t.rows]
        self.spec: dict[str, Any] | None = None
        self._bodies: dict[int, list[_Body]] = {}  # by the example's line
        self.build_diagnostics: tuple[BuildDiagnostic, ...] = ()
        self.build_error: InputError | None = None
        if page.is_api_page or page.is_resource_page:
            try:
                built = build([page])
            except InputError as exc:
                self.build_error = exc
            else:
                self.spec = built.spec if page.is_api_page else None
                self.build_diagnostics = built.diagnostics
        comps = ((self.spec or {}).get("components") or {}).get("schemas") or {}
        self.components: Mapping[str, Any] = comps

    def bodies(self, block: ExampleBlock) -> list[_Body]:
        """`_bodies` of a block, read once per page (three rules read every example)."""
        found = self._bodies.get(block.line)
        if found is None:
            found = self._bodies[block.line] = _bodies(block)
        return found

    def hit(self, rule_id: str, line: int, column: int, message: str) -> None:
        self.hits.append(Hit(rule_id, line, column, message))

    @property
    def title_line(self) -> int:
        return self.page.title.line if self.page.title else 1

    def run(self) -> PageResult:
        self.parse_diagnostics()
        self.build_findings()
        self.front_matter()
        self.todos()
        self.namespace()
        if self.page.is_api_page:
            self.permissions()
            self.update_without_key()
            self.response_status()
            self.examples_paired()
            self.request_examples_match()
            self.content_type()
            self.annotations()
            self.example_values()
            self.update_required()
        self.base_namespace()
        self.enums()
        self.descriptions()
        self.example_properties()
        self.property_case()
        return PageResult(tuple(self.hits), tuple(self.names))

    def parse_diagnostics(self) -> None:
        for d in self.page.diagnostics:
            if d.code in _COVERED_DIAGNOSTICS:
                continue
            rule = _DIAGNOSTIC_RULES.get(d.code, "page-parse")
            self.hit(rule, d.line, 1, f"{d.message} ({d.code})")

    def build_findings(self) -> None:
        """What building the page into a spec could not do: the whole page (an error with the
        reason), or a part of it (a finding of that diagnostic family's rule)."""
        if self.build_error is not None:
            exc = self.build_error
            self.hit(
                "page-invalid", exc.line or self.title_line, 1,
                f"page cannot be built into a spec: {exc.message}",
            )  # fmt: skip
        for d in self.build_diagnostics:
            if d.code in _COVERED_DIAGNOSTICS:
                continue
            line = d.line if d.line >= 1 else self._first_request_line()
            rule = _DIAGNOSTIC_RULES.get(d.code, "page-build")
            self.hit(rule, line, 1, f"{d.message} ({d.code})")

    def _first_request_line(self) -> int:
        requests = self.page.http_requests
        return requests[0].line if requests else self.title_line

    def front_matter(self) -> None:
        front = self.page.front_matter
        keys = list(_FRONT_MATTER_KEYS)
        keys.append("ms.subservice" if "ms.subservice" in front else "ms.prod")
        for key in keys:
            loc = front.get(key)
            if loc is None:
                self.hit("page-front-matter", 1, 1, f"front matter has no `{key}`")
            elif not loc.value.strip():
                self.hit("page-front-matter", loc.line, 1, f"front matter `{key}` is empty")

    def todos(self) -> None:
        where: dict[int, str] = {}
        for key, loc in self.page.front_matter.items():
            where[loc.line] = f"front matter `{key}`"
        if self.page.title:
            where[self.page.title.line] = "the title"
        if self.page.description:
            where[self.page.description.line] = "the page description"
        for row in [*self.table_rows, *self.page.properties, *self.page.relationships]:
            where[row.line] = f"the description of `{row.name}`"
        for p in self.page.parameters:
            where[p.line] = f"the description of parameter `{p.name}`"
        permission_lines = {r.line for r in self.page.permissions}
        section = "the page"
        for number, text in enumerate(self.lines, start=1):
            heading = _HEADING.match(text)
            if heading and number not in where:
                section = f"the {heading.group(1).strip()} section"
            if number in permission_lines or "apigen-lint" in text:
                continue
            m = _TODO.search(text)
            if m:
                place = where.get(number, section)
                self.hit("page-todo", number, m.start() + 1, f"{m.group(1)} left in {place}")

    def namespace(self) -> None:
        if (self.page.is_api_page or self.page.is_resource_page) and self.page.namespace is None:
            self.hit("page-namespace", self.title_line, 1, "page has no `Namespace:` line")

    def permissions(self) -> None:
        rows = self.page.permissions
        if not rows:
            # A permissions include the page names, or a permissions table of another
            # layout (per resource), is reported where it is, by page-parse or page-unread.
            if not any(
                d.code.startswith("include") or "under 'Permissions'" in d.message
                for d in self.page.diagnostics
            ):
                self.hit("page-permissions", self.title_line, 1, "page has no permissions table")
            return
        for row in rows:
            cell = _plain(row.permissions)
            tokens = [t.strip() for t in cell.split(",") if t.strip()]
            if not tokens or _TODO.search(cell):
                self.hit(
                    "page-permissions",
                    row.line,
                    1,
                    f"permissions for `{row.type}` are a placeholder",
                )
            elif not (len(tokens) == 1 and _NOT_SUPPORTED.match(tokens[0])):
                # A token may join permissions in words ("A and B", "A or B") or scope them
                # ("For chat resource: A"): a token naming one is read as meant.
                bad = [
                    t
                    for t in tokens
                    if not _PERMISSION.match(t.rstrip(".")) and not _PERMISSION_IN_TEXT.search(t)
                ]
                if bad:
                    self.hit(
                        "page-permissions",
                        row.line,
                        1,
                        f"`{bad[0]}` is not a permission name ({row.type})",
                    )
        if all(_NOT_SUPPORTED.match(_plain(r.permissions)) for r in rows):
            self.hit(
                "page-permissions", rows[0].line, 1, "every permission type is `Not supported.`"
            )

    def update_without_key(self) -> None:
        for req in self.page.http_requests:
            if req.method not in _UPDATE_METHODS:
                continue
            segments = _segments(req.target)
            if any("{" in s or "(" in s for s in segments):
                continue
            if segments and segments[0].lower() in _KEYLESS_OK:
                continue
            self.hit(
                "page-update-without-key",
                req.line,
                _col(self.lines, req.line, req.target) if req.target else 1,
                f"{req.method} {req.target} names no entity: the path has no key segment",
            )

    def _section_says(self, heading: str, pattern: re.Pattern[str]) -> bool:
        """Whether the prose of the section under ``heading`` (before its first table)
        matches ``pattern``."""
        in_section = False
        for text in self.lines:
            match = _HEADING.match(text)
            if match:
                if in_section:
                    return False
                in_section = match.group(1).strip().lower() == heading
            elif in_section:
                if text.lstrip().startswith("|"):
                    return False
                if pattern.search(text):
                    return True
        return False

    def _stated_statuses(self) -> tuple[set[int], int | None]:
        """Every status the Response section's first paragraph names ("`200 OK` ... or a
        `202 Accepted`"), and the line of that paragraph."""
        in_section = False
        for number, text in enumerate(self.lines, start=1):
            heading = _HEADING.match(text)
            if heading:
                if in_section:
                    break
                in_section = heading.group(1).strip().lower() == "response"
            elif in_section and text.strip():
                return {int(code) for code in _STATUS.findall(text)}, number
        return set(), None

    def response_status(self) -> None:
        info = self.page.response
        stated, line = self._stated_statuses()
        if info is None:
            if not stated:
                self.hit(
                    "page-response-status",
                    self.title_line,
                    1,
                    "the Response section states no success status",
                )
            return
        stated.add(info.status)
        for ex in self.page.examples_of("response"):
            status = ex.http.status if ex.http else None
            if status is None or status in stated or status >= 400:
                continue  # an error example is not the success response
            if 300 <= status < 400 or any(300 <= s < 400 for s in stated):
                continue  # a redirect, or the answer at the address it redirects to
            self.hit(
                "page-response-status",
                ex.http.line if ex.http else ex.line,
                1,
                f"response example returns {status}; the Response section "
                f"(line {line or info.line}) says {info.status} {info.reason}",
            )

    def examples_paired(self) -> None:
        """Each request example is followed by one response example.

        An annotated request must be answered. An unannotated or "ignored" block calling
        the service's URL may be an example too (it is paired with the response after it),
        but one left unanswered is a remark, not a fault; a block with a bare path or on
        another host shows syntax or a call elsewhere. An unannotated or "ignored" response
        right after a request answers it, and the answer at the address a redirect (3xx)
        names is no second response."""
        open_request: ExampleBlock | None = None
        answered = False
        redirected = False

        def unanswered() -> None:
            if open_request is not None and not answered and open_request.block_type == "request":
                self.hit(
                    "page-examples-unpaired",
                    open_request.line,
                    1,
                    "request example has no response example",
                )

        for ex in self.page.examples:
            http = ex.http
            unannotated = ex.block_type in (None, "ignored") and http is not None
            target = (http.target or "") if http is not None else ""
            is_request = ex.block_type == "request" or (
                unannotated
                and http is not None
                and http.method is not None
                and _HOST.match(target.strip()) is not None
                and _example_segments(target) is not None
            )
            is_response = ex.block_type == "response" or (
                unannotated
                and http is not None
                and http.status is not None
                and open_request is not None
                and not answered
            )
            if is_request:
                unanswered()
                open_request, answered, redirected = ex, False, False
            elif is_response:
                if open_request is None:
                    self.hit(
                        "page-examples-unpaired",
                        ex.line,
                        1,
                        "response example follows no request example",
                    )
                elif answered and not redirected:
                    self.hit(
                        "page-examples-unpaired",
                        ex.line,
                        1,
                        "second response example for one request",
                    )
                status = http.status if http is not None else None
                redirected = status is not None and 300 <= status < 400
                answered = True
        unanswered()

    def _another_call(self, ex: ExampleBlock) -> bool:
        """A request example whose method and address no HTTP request line documents shows
        another call the page walks through (committing an upload session after creating
        it): neither a wrong example of this call nor a body its table describes."""
        http = ex.http
        templates = self.page.http_requests
        if http is None or http.method is None or http.target is None or not templates:
            return False
        if any(t.method == http.method for t in templates):
            return False
        path = _example_segments(http.target)
        return path is not None and not any(_path_matches(t.target, path) for t in templates)

    def request_examples_match(self) -> None:
        templates = self.page.http_requests
        if not templates:
            return
        for ex in self.page.examples_of("request"):
            http = ex.http
            if http is None or http.method is None or http.target is None:
                continue
            if self._another_call(ex):
                continue
            same_method = [t for t in templates if t.method == http.method]
            if not same_method:
                methods = ", ".join(sorted({t.method for t in templates}))
                self.hit(
                    "page-example-request-mismatch", http.line, 1,
                    f"request example uses {http.method}; the HTTP request block documents {methods}",
                )  # fmt: skip
            elif (path := _example_segments(http.target)) is not None and not any(
                _path_matches(t.target, path) for t in same_method
            ):
                self.hit(
                    "page-example-request-mismatch", http.line, len(http.method) + 2,
                    f"request example path matches no {http.method} line of the HTTP request block "
                    f"(line {same_method[0].line})",
                )  # fmt: skip

    def content_type(self) -> None:
        for ex in self.page.examples_of("request"):
            http = ex.http
            if http is None or not http.body_text.strip():
                continue
            if not any(name.lower() == "content-type" for name, _ in http.headers):
                self.hit(
                    "page-content-type",
                    http.line,
                    1,
                    "request example has a body but no Content-Type header",
                )

    def annotations(self) -> None:
        for ex in self.page.examples:
            line = ex.annotation_line or ex.line
            if ex.block_type == "request" and not ex.annotation.get("name"):
                self.hit("page-annotation", line, 1, 'request annotation has no "name"')
            if (
                ex.block_type == "response"
                and ex.http is not None
                and ex.http.has_json_body
                and not ex.annotation.get("@odata.type")
            ):
                self.hit(
                    "page-annotation",
                    line,
                    1,
                    'response annotation has no "@odata.type" for its body',
                )

    def _schema_for(self, ex: ExampleBlock) -> Any | None:
        """The schema the built spec gives this example's body (request or response)."""
        if self.spec is None or ex.http is None:
            return None
        for item in (self.spec.get("paths") or {}).values():
            for op in item.values():
                if not isinstance(op, Mapping):
                    continue
                if ex.block_type == "request":
                    content = ((op.get("requestBody") or {}).get("content") or {}).get(
                        "application/json"
                    )
                else:
                    responses = op.get("responses") or {}
                    status = str(ex.http.status) if ex.http.status is not None else None
                    resp = responses.get(status) if status else None
                    content = ((resp or {}).get("content") or {}).get("application/json")
                if isinstance(content, Mapping) and "schema" in content:
                    return content["schema"]
        return None

    def example_values(self) -> None:
        requests = [self._schema_for(r) for r in self.page.examples_of("request")]
        for ex in self.page.examples:
            if ex.block_type not in ("request", "response"):
                continue
            schema = self._schema_for(ex)
            if schema is None:
                continue
            # A response typed from the request-body table (what an update may send) shows
            # the whole resource, typed by its own page: only a type name where a value
            # belongs ("String", "Integer") is a fault whatever the type.
            placeholders_only = ex.block_type == "response" and schema in requests
            for body in self.bodies(ex):
                target = schemas.item_schema(schema, self.components) if body.collection else schema
                props = schemas.properties_of(target, self.components)
                for key, value in body.value.items():
                    prop = props.get(key)
                    if prop is None or _is_annotation(key):
                        continue
                    if placeholders_only and not (
                        isinstance(value, str) and schemas.PLACEHOLDER.match(value)
                    ):
                        continue
                    line, col = _where(body, key)
                    if schemas.first_error(value, prop, self.components) is not None:
                        self.hit(
                            "page-example-schema", line, col,
                            f"{ex.block_type} example value {_quoted(value)} for `{key}` is not "
                            f"{schemas.describe(prop, self.components)}",
                        )  # fmt: skip
                    elif isinstance(value, str) and schemas.PLACEHOLDER.match(value):
                        self.hit(
                            "page-example-placeholder", line, col,
                            f"{ex.block_type} example value {_quoted(value)} for `{key}` is a placeholder",
                        )  # fmt: skip

    def update_required(self) -> None:
        if not any(r.method == "PATCH" for r in self.page.http_requests):
            return
        for row in self.table_rows:
            if row.required:
                self.hit(
                    "page-update-required-property", row.line, _col(self.lines, row.line, "Required"),
                    f"`{row.name}` is Required in a PATCH (partial update) body",
                )  # fmt: skip

    def base_namespace(self) -> None:
        page_ns = self.page.namespace.value if self.page.namespace else "microsoft.graph"
        seen: set[str] = set()
        bases: list[tuple[str, int]] = []
        if self.page.base_type is not None:
            bases.append((self.page.base_type.value, self.page.base_type.line))
        for row in [*self.table_rows, *self.page.properties, *self.page.relationships]:
            if row.inherited_from:
                bases.append((row.inherited_from, row.line))
        for name, line in bases:
            if "." not in name or name in seen:
                continue
            seen.add(name)
            ns = name.rsplit(".", 1)[0]
            if ns != page_ns:
                count = sum(1 for n, _ in bases if n == name)
                more = f" ({count} rows)" if count > 1 else ""
                self.hit(
                    "page-base-namespace", line, _col(self.lines, line, name),
                    f"base type {name} is in namespace {ns}, the page in {page_ns}{more}",
                )  # fmt: skip

    def enums(self) -> None:
        """Enum members listed without `unknownFutureValue`. Members after it are Graph's
        convention (later members of an evolvable enum), not a fault; a property whose type
        is a primitive (a String with "possible values") is no enum; and Graph's older enums
        are not evolvable at all, which only the metadata tells, so this is a hint (info)."""
        lists: list[tuple[tuple[str, ...], int, str]] = []
        for row in [*self.table_rows, *self.page.properties]:
            if row.enum_values and row.type.name.lower() not in _PRIMITIVES:
                lists.append((row.enum_values, row.line, f"`{row.name}`"))
        if self.page.kind != "enum":
            # The enums page lists Graph's older, non-evolvable enums by the hundred.
            for table in self.page.enums:
                members = tuple(m.name for m in table.members)
                lists.append((members, table.line, f"enum `{table.name}`"))
        for values, line, what in lists:
            if "unknownFutureValue" not in values:
                self.hit(
                    "page-enum-evolvable",
                    line,
                    1,
                    f"values of {what} do not include unknownFutureValue",
                )

    def descriptions(self) -> None:
        page = self.page
        if (page.is_api_page or page.is_resource_page) and page.description is None:
            self.hit(
                "page-empty-description", self.title_line, 1, "page has no description paragraph"
            )
        rows: list[tuple[str, str, int]] = [
            (f"property `{r.name}`", r.description, r.line)
            for r in [*self.table_rows, *page.properties, *page.relationships]
        ]
        # A row whose type cell is not a type comes from a table of another kind (values,
        # remarks, query examples) read as parameters: page-unread reports that table.
        unread = {d.line for d in self.build_diagnostics if d.code == "type-unknown"}
        rows += [
            (f"parameter `{p.name}`", p.description, p.line)
            for p in page.parameters
            if p.line not in unread
        ]
        rows += [(f"header `{h.name}`", h.description, h.line) for h in page.headers]
        for what, text, line in rows:
            if _TODO.search(text):
                continue  # page-todo reports it
            if not _plain(_BOILERPLATE.sub("", text)).strip(" .;"):
                self.hit("page-empty-description", line, 1, f"{what} has no description")

    def _example_bodies(self) -> list[_Body]:
        """The bodies the page's own table describes: request bodies on an API page (a
        response shows the whole resource, not the update table), the JSON representation
        on a resource page."""
        kinds = ("request", "resource") if not self.page.is_api_page else ("request",)
        return [
            b
            for ex in self.page.examples
            if ex.block_type in kinds and not self._another_call(ex)
            for b in self.bodies(ex)
        ]

    def example_properties(self) -> None:
        table = (
            self.table_rows
            if self.page.is_api_page
            else [*self.page.properties, *self.page.relationships]
        )
        if not table:
            return
        names = {r.name for r in table}
        lowered = {n.lower() for n in names}
        bodies = self._example_bodies()
        # "The following table shows the properties that are required when you create the
        # group. Specify other writable properties as necessary": the table is a subset.
        subset = self.page.is_api_page and self._section_says("request body", _REQUIRED_ONLY)
        shown: set[str] = set()
        for body in bodies:
            for key in _described_keys(body.value, lowered):
                if body.block.block_type != "response":
                    shown.add(key)
                if _is_annotation(key) or key in names or key.lower() in lowered or subset:
                    continue  # a case-only difference is page-property-case's finding
                line, col = _where(body, key)
                kind = body.block.block_type or "example"
                self.hit(
                    "page-example-unknown-property",
                    line,
                    col,
                    f"{kind} example has `{key}`, which the property table lacks",
                )
        if not bodies:
            return
        shown_lower = {k.lower() for k in shown}
        for ex in self.page.examples_of("resource"):
            optional = ex.annotation.get("optionalProperties")
            if isinstance(optional, list):
                shown_lower |= {str(x).lower() for x in optional}
        for row in table:
            if row.name in shown or row.name.lower() in shown_lower:
                continue
            if self.page.is_api_page and not row.required:
                continue  # an example of a call shows what it needs; a required value it must show
            if not self.page.is_api_page and row in self.page.relationships:
                continue  # JSON representations list properties, not relationships
            if row.deprecated:
                continue  # a deprecated property may well be left out of the representation
            what = "required property" if self.page.is_api_page else "property"
            where = "request example" if self.page.is_api_page else "JSON representation"
            self.hit(
                "page-example-missing-property",
                row.line,
                1,
                f"{what} `{row.name}` appears in no {where}",
            )

    def property_case(self) -> None:
        spots: list[Name] = []
        rows = [*self.table_rows, *self.page.properties, *self.page.relationships]
        for row in rows:
            spots.append(
                Name(row.name, row.line, _col(self.lines, row.line, row.name), "the property table")
            )
        for ex in self.page.examples:
            if ex.block_type not in ("request", "response", "resource"):
                continue
            for body in self.bodies(ex):
                for key in body.value:
                    if not _is_annotation(key):
                        line, col = _where(body, key)
                        spots.append(Name(key, line, col, f"the {ex.block_type} example"))
        self.names.extend(spots)
        groups: dict[str, list[Name]] = {}
        for spot in spots:
            groups.setdefault(spot.name.lower(), []).append(spot)
        for group in groups.values():
            spellings = {s.name for s in group}
            if len(spellings) < 2:
                continue
            table = [s for s in group if s.where == "the property table"]
            reference = table[0] if table else _most_common(group)
            for spot in group:
                if spot.name != reference.name:
                    self.hit(
                        "page-property-case", spot.line, spot.column,
                        f"`{spot.name}` in {spot.where} is `{reference.name}` in "
                        f"{reference.where} (line {reference.line})",
                    )  # fmt: skip


def _described_keys(value: Mapping[str, Any], table: set[str]) -> Iterator[str]:
    """The keys of an example body that the table describes. A body of one object under a
    name the table lacks ("provide a `passwordCredential` object with the following
    properties") is that object: its keys are the ones the table lists."""
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key.lower() not in table and isinstance(inner, Mapping):
            yield from inner
            return
    yield from value


def _most_common(group: Sequence[Name]) -> Name:
    counts = Counter(s.name for s in group)
    best = min(counts, key=lambda n: (-counts[n], n))
    return next(s for s in group if s.name == best)


def _quoted(value: Any) -> str:
    """An example value as the message quotes it: whole, on one line."""
    text = repr(value) if not isinstance(value, str) else '"' + value + '"'
    return " ".join(text.split())


def lint_page(page: Page, lines: Sequence[str]) -> PageResult:
    """Every page rule on one parsed page; ``lines`` is the page's text split into lines."""
    return _PageLinter(page, lines).run()


def cross_page_case(names: Mapping[str, Sequence[Name]]) -> Iterator[tuple[str, Hit]]:
    """`pages-property-case`: spellings that differ from the one most pages of the run use."""
    groups: dict[str, list[tuple[str, Name]]] = {}
    for source, spots in names.items():
        for spot in spots:
            groups.setdefault(spot.name.lower(), []).append((source, spot))
    for group in groups.values():
        spellings = Counter(spot.name for _, spot in group)
        if len(spellings) < 2:
            continue
        pages_per = {n: len({src for src, s in group if s.name == n}) for n in spellings}
        best = min(spellings, key=lambda n: (-pages_per[n], -spellings[n], n))
        for source, spot in group:
            if spot.name == best:
                continue
            others = sorted({(src, s.line) for src, s in group if s.name == best and src != source})
            if others:
                yield source, Hit(
                    "pages-property-case", spot.line, spot.column,
                    f"`{spot.name}` is spelled `{best}` on {len({o[0] for o in others})} other page(s), "
                    f"e.g. {others[0][0]}:{others[0][1]}",
                )  # fmt: skip
