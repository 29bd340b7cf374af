"""`lint_paths`: find pages and specs under the given paths, run the rules, apply settings.

Files that are neither a Graph reference page (`Page.kind`, which `apigen spec` goes by too)
nor an OpenAPI document (a top-level ``openapi`` key) are skipped, so a pre-commit hook can hand over every
Markdown, YAML and JSON file of a repository. A file that is a page or spec but cannot be read
is a finding, not a crash; a path that does not exist is an `InputError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import InputError
from generator.lint.core import RULES, Finding, Hit, LintReport, LintSettings
from generator.lint.metadata import lint_against_metadata
from generator.lint.pages import Name, cross_page_case, lint_page
from generator.lint.specs import lint_spec
from generator.metadata.csdl import load_metadata
from generator.pages.model import Page
from generator.pages.parse import parse_page
from generator.spec.io import SpecFile, parse_spec_text, read_text
from generator.spec.refs import bundle_with_origins, may_have_external_refs

PAGE_SUFFIXES = (".md",)
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
_OPENAPI_KEY = re.compile(r"^(?:\"openapi\"|'openapi'|openapi)\s*:", re.MULTILINE)
_OPENAPI_JSON = re.compile(r"\"openapi\"\s*:")
_DIRECTIVE = re.compile(r"(?:<!--|#)\s*apigen-lint\b(.*?)(?:-->|$)")


@dataclass
class _Suppressions:
    """What `apigen-lint` comments in one file switch off."""

    file_wide: set[str] = field(default_factory=set)
    by_line: dict[int, set[str]] = field(default_factory=dict)

    def covers(self, hit: Hit) -> bool:
        return hit.rule_id in self.file_wide or hit.rule_id in self.by_line.get(hit.line, set())


def _directives(lines: Sequence[str]) -> tuple[_Suppressions, list[Hit]]:
    found = _Suppressions()
    problems: list[Hit] = []
    for number, text in enumerate(lines, start=1):
        m = _DIRECTIVE.search(text)
        if m is None:
            continue
        words = m.group(1).replace(",", " ").split()
        column = m.start() + 1
        if not words or words[0] not in ("disable", "disable-next-line"):
            problems.append(
                Hit(
                    "lint-directive",
                    number,
                    column,
                    "apigen-lint comment must start with disable or disable-next-line",
                )
            )
            continue
        if len(words) == 1:
            problems.append(
                Hit("lint-directive", number, column, f"apigen-lint {words[0]} names no rule")
            )
            continue
        for rule_id in words[1:]:
            if rule_id not in RULES:
                problems.append(
                    Hit(
                        "lint-directive",
                        number,
                        column,
                        f"apigen-lint comment names unknown rule {rule_id}",
                    )
                )
            elif words[0] == "disable":
                found.file_wide.add(rule_id)
            else:
                found.by_line.setdefault(number + 1, set()).add(rule_id)
    return found, problems


def _expand(paths: Sequence[Path]) -> list[Path]:
    """The files to look at, in a stable order; folders are searched recursively."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                parts = found.relative_to(path).parts
                if any(p in _SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
                    continue
                if found.is_file() and found.suffix.lower() in PAGE_SUFFIXES + SPEC_SUFFIXES:
                    files.append(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise InputError("is not a regular file (a device, FIFO or socket)", file=str(path))
        else:
            raise InputError("no such file or folder", file=str(path))
    seen: set[Path] = set()
    unique: list[Path] = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _finding(source: str, hit: Hit, settings: LintSettings) -> Finding | None:
    level = settings.level(hit.rule_id)
    if level == "off":
        return None
    return Finding(
        file=source,
        line=max(1, hit.line),
        column=max(1, hit.column),
        rule_id=hit.rule_id,
        severity=level,
        message=" ".join(hit.message.split()),
        hint=RULES[hit.rule_id].hint,
        pointer=hit.pointer,
    )


def _error_hit(rule_id: str, exc: InputError) -> Hit:
    return Hit(rule_id, exc.line or 1, 1, exc.message, exc.pointer)


def _lint_spec_file(spec: SpecFile) -> list[Hit]:
    """Spec rules on a spec with the files its `$ref`s name bundled in, as `generate` reads
    it; a finding in a bundled piece is reported in that piece's file, at its line."""
    if not may_have_external_refs(spec.text):
        return lint_spec(spec)
    try:
        bundled, origins = bundle_with_origins(spec)
    except InputError as exc:
        other = exc.file if exc.file and exc.file != spec.path else None
        return [_error_hit("spec-valid", exc)._replace(file=other)]
    hits = []
    for hit in lint_spec(bundled):
        where = origins.locate(hit.pointer or "")
        if where is not None:
            file, line, ptr = where
            hit = hit._replace(file=file, line=line, column=1, pointer=ptr)
        hits.append(hit)
    return hits


def lint_paths(paths: Sequence[Path], settings: LintSettings) -> LintReport:
    """Lint pages (``.md``) and specs (``.yaml``/``.yml``/``.json``), or folders of them."""
    linted: list[str] = []
    skipped: list[str] = []
    per_file: dict[str, list[Hit]] = {}
    suppressions: dict[str, _Suppressions] = {}
    names: dict[str, Sequence[Name]] = {}
    # Bad metadata is bad input (exit 2), found before any page is read.
    metadata = load_metadata(settings.metadata) if settings.metadata is not None else None
    for path in _expand(paths):
        source = str(path)
        suffix = path.suffix.lower()
        if suffix not in PAGE_SUFFIXES + SPEC_SUFFIXES:
            skipped.append(source)
            continue
        is_page = suffix in PAGE_SUFFIXES
        try:
            text = read_text(path)
        except InputError as exc:
            linted.append(source)
            per_file[source] = [_error_hit("page-invalid" if is_page else "spec-syntax", exc)]
            continue
        page: Page | InputError | None = None
        if is_page:
            try:
                page = parse_page(path)
            except InputError as exc:
                page = exc  # a page that claims a doc_type and is not one: a finding
            if isinstance(page, Page) and page.kind is None:
                skipped.append(source)
                continue
        elif not (_OPENAPI_KEY.search(text) or (suffix == ".json" and _OPENAPI_JSON.search(text))):
            skipped.append(source)
            continue
        linted.append(source)
        lines = text.splitlines()
        sup, hits = _directives(lines)
        suppressions[source] = sup
        if isinstance(page, InputError):
            hits.append(_error_hit("page-invalid", page))
        elif page is not None:
            result = lint_page(page, lines)
            hits.extend(result.hits)
            if metadata is not None:
                hits.extend(lint_against_metadata(page, lines, metadata))
            names[source] = result.names
        else:
            try:
                spec = parse_spec_text(text, source)
            except InputError as exc:
                hits.append(_error_hit("spec-syntax", exc))
            else:
                hits.extend(_lint_spec_file(spec))
        per_file[source] = hits
    for source, hit in cross_page_case(names):
        per_file[source].append(hit)
    findings: set[Finding] = set()
    for source, hits in per_file.items():
        sup = suppressions.get(source, _Suppressions())
        for hit in hits:
            if sup.covers(hit):
                continue
            finding = _finding(hit.file or source, hit, settings)
            if finding is not None:
                findings.add(finding)
    return LintReport(tuple(sorted(findings)), tuple(linted), tuple(skipped))


def count_by_rule(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings each rule produced (for summaries and benchmarks)."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule_id] = counts.get(f.rule_id, 0) + 1
    return dict(sorted(counts.items()))
