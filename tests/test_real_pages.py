"""Real published Graph pages: every construct is understood or reported, every spec is valid.

The accounting test scans each page on its own (fences, tables, `<!-- { ... } -->`
annotations) without the parser, then checks that the parser either placed each construct
in the `Page` or reported a diagnostic inside it: nothing is dropped without a word.
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from generator.pages.build import build, build_spec, dump_yaml
from generator.pages.model import Page
from generator.pages.parse import parse_page, parse_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "pages"
LEARNING = ROOT / "specs" / "pages" / "learning"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from support.spectral import errors as spectral_errors  # noqa: E402
from support.spectral import lint_spec  # noqa: E402

CORPUS_PAGES = sorted(CORPUS.glob("*.md"))
LEARNING_PAGES = sorted(LEARNING.rglob("*.md"))
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def scan(text: str) -> list[tuple[str, int, int]]:
    """(kind, first line, last line) of every fence, table and JSON annotation on a page."""
    lines = text.splitlines()
    found: list[tuple[str, int, int]] = []
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        i = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0) + 1
    while i < len(lines):
        stripped = lines[i].strip()
        fence = _FENCE.match(lines[i])
        if fence:
            marker = fence.group(1)
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(marker):
                j += 1
            found.append(("fence", i + 1, j + 1))
            i = j + 1
            continue
        if stripped.startswith("<!--"):
            j = i
            while "-->" not in lines[j] and j + 1 < len(lines):
                j += 1
            if stripped[4:].strip().startswith("{") or (
                stripped == "<!--" and i + 1 < len(lines) and lines[i + 1].strip().startswith("{")
            ):
                found.append(("annotation", i + 1, j + 1))
            i = j + 1
            continue
        if stripped.startswith("|"):
            j = i
            while j + 1 < len(lines) and lines[j + 1].strip().startswith("|"):
                j += 1
            found.append(("table", i + 1, j + 1))
            i = j + 1
            continue
        i += 1
    return found


def unaccounted(page: Page, text: str) -> list[str]:
    placed = {(c.kind, c.line) for c in page.constructs}
    reported = [d.line for d in page.diagnostics]
    return [
        f"{kind} at line {first}"
        for kind, first, last in scan(text)
        if (kind, first) not in placed and not any(first <= r <= last for r in reported)
    ]


@pytest.mark.parametrize(
    "path", CORPUS_PAGES + LEARNING_PAGES, ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_table_fence_and_annotation_is_understood_or_reported(path: Path) -> None:
    page = parse_page(path)
    assert unaccounted(page, path.read_text(encoding="utf-8")) == []


def test_the_corpus_is_all_there() -> None:
    assert len(CORPUS_PAGES) == 37
    kinds = {k for p in CORPUS_PAGES for k, _, _ in scan(p.read_text(encoding="utf-8"))}
    assert kinds == {"fence", "table", "annotation"}


STRANGE = """---
title: "Get widget"
doc_type: apiPageType
---

# Get widget

Namespace: microsoft.graph

## HTTP request

```http
GET /widgets/{id}
```

### colorKind values

The values are red and blue.

## Unknown things

|Alpha|Beta|
|:--|:--|
|1|2|

<!-- { "blockType": "diagram" } -->
```json
{"a": 1}
```

<!-- { "blockType": "request" } -->
## Response

If successful, this method returns a `200 OK` response code.
"""


def test_unknown_constructs_are_reported_with_their_lines() -> None:
    page = parse_text(STRANGE, "strange.md")
    codes = {(d.code, d.line) for d in page.diagnostics}
    assert ("enum-no-table", 16) in codes  # a "values" heading with prose, no table
    assert ("table-not-understood", 22) in codes
    assert ("block-type", 26) in codes  # an annotation blockType nobody knows
    assert ("annotation-unused", 31) in codes  # an annotation that no block follows
    assert unaccounted(page, STRANGE) == []


def test_resource_json_is_checked_against_the_property_tables() -> None:
    page = parse_page(CORPUS / "api-reference__v1.0__resources__learningcourseactivity.md")
    found = {(d.code, d.message) for d in page.diagnostics}
    assert (
        "resource-json-case",
        "JSON representation spells 'externalCourseActivityId', the table 'externalcourseActivityId'",
    ) in found
    assignment = parse_page(CORPUS / "api-reference__v1.0__resources__learningassignment.md")
    assert [(d.code, d.line) for d in assignment.diagnostics] == [
        ("resource-json-missing", 36)
    ]


def test_namespace_line_running_into_the_description() -> None:
    page = parse_page(CORPUS / "api-reference__v1.0__api__user-reminderview.md")
    assert page.namespace is not None and page.namespace.value == "microsoft.graph"
    assert page.description is not None
    assert page.description.value.startswith("Return a list of event reminders")


def corpus_specs() -> dict[str, dict[str, object]]:
    """Every spec the corpus gives: each API page alone, the learning set, the whole corpus."""
    specs: dict[str, dict[str, object]] = {}
    for path in CORPUS_PAGES:
        if "__api__" in path.name:
            specs[path.stem] = build_spec([parse_page(path)])
    specs["learning-set"] = build_spec([parse_page(p) for p in LEARNING_PAGES])
    v1 = [parse_page(p) for p in CORPUS_PAGES if "__beta__" not in p.name]
    specs["v1.0-corpus-set"] = build_spec(v1)
    beta = [parse_page(p) for p in CORPUS_PAGES if "__beta__" in p.name]
    specs["beta-corpus-set"] = build_spec(beta)
    return specs


def test_every_corpus_spec_passes_the_validator_and_spectral(tmp_path: Path) -> None:
    specs = corpus_specs()
    files = []
    for name, spec in specs.items():
        validate(spec)  # openapi-spec-validator: raises on the first problem
        path = tmp_path / f"{name}.yaml"
        path.write_text(dump_yaml(spec), encoding="utf-8")
        files.append(path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lint_spec, files))
    problems = [
        f"{path.name}: {finding}"
        for path, findings in zip(files, results)
        for finding in spectral_errors(findings)
    ]
    assert problems == []
    assert len(files) == 26  # 23 API pages alone + three page sets


def test_learning_set_reports_what_it_had_to_infer() -> None:
    result = build([parse_page(p) for p in LEARNING_PAGES])
    codes = sorted({d.code for d in result.diagnostics})
    assert codes == ["inferred-get"]
