"""Corpus report: per page, what the parser understood, what it reported, and whether the spec
built from it (alone, for API pages) passes openapi-spec-validator; then the page sets and
totals. Usage: python bench/corpus_report.py [FOLDER...] (default: tests/pages and the
learning page set). Prints a plain-text table; exits 1 when any spec is invalid.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from openapi_spec_validator import OpenAPIV30SpecValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pages.build import build
from generator.pages.model import Page
from generator.pages.parse import parse_page


def spec_problems(spec: dict[str, object]) -> int:
    """How many openapi-spec-validator errors the spec has (0 = valid)."""
    return sum(1 for _ in OpenAPIV30SpecValidator(spec).iter_errors())


def understood(page: Page) -> str:
    """A short list of what the page gave: counts of the Page fields that are filled."""
    parts = [
        ("requests", len(page.http_requests)),
        ("params", len(page.parameters) + len(page.query_options)),
        ("headers", len(page.headers)),
        ("perms", len(page.permissions)),
        ("body-tables", len(page.request_body)),
        ("errors", len(page.errors)),
        ("props", len(page.properties)),
        ("rels", len(page.relationships)),
        ("enums", len(page.enums)),
        ("examples", len(page.examples)),
    ]
    return " ".join(f"{name}={n}" for name, n in parts if n)


def main(folders: list[Path]) -> int:
    totals: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    print(f"{'page':<70} {'constructs':>10} {'reported':>8} {'spec':>7}  understood")
    for folder in folders:
        pages = sorted(p for p in folder.rglob("*.md") if p.name != "README.md")
        parsed = []
        for path in pages:
            page = parse_page(path)
            parsed.append(page)
            totals["pages"] += 1
            totals["constructs"] += len(page.constructs)
            totals["reported"] += len(page.diagnostics)
            codes.update(d.code for d in page.diagnostics)
            verdict = "-"
            if page.is_api_page:
                result = build([page])
                bad = spec_problems(result.spec)
                verdict = "valid" if bad == 0 else f"{bad} err"
                totals["api-specs"] += 1
                totals["api-specs-valid"] += bad == 0
                totals["build-reported"] += len(result.diagnostics)
                codes.update(d.code for d in result.diagnostics)
            name = str(path.relative_to(ROOT))
            print(
                f"{name:<70} {len(page.constructs):>10} {len(page.diagnostics):>8} "
                f"{verdict:>7}  {understood(page)}"
            )
            for d in page.diagnostics:
                print(f"    line {d.line}: {d.code}: {d.message}")
        result = build(parsed)
        bad = spec_problems(result.spec)
        totals["set-specs"] += 1
        totals["set-specs-valid"] += bad == 0
        totals["build-reported"] += len(result.diagnostics)
        codes.update(d.code for d in result.diagnostics)
        ops = sum(len(item) for item in result.spec["paths"].values())
        schemas = len(result.spec["components"]["schemas"])
        print(
            f"== page set {folder.relative_to(ROOT)}: {len(pages)} pages, {ops} operations, "
            f"{schemas} schemas, spec {'valid' if bad == 0 else f'{bad} errors'}, "
            f"{len(result.diagnostics)} build diagnostics"
        )
        for bd in result.diagnostics:
            print(f"    {bd.source}:{bd.line}: {bd.code}: {bd.message}")
    print("\n== totals")
    for key in sorted(totals):
        print(f"  {key}: {totals[key]}")
    print("  diagnostics by code: " + ", ".join(f"{c}={n}" for c, n in sorted(codes.items())))
    invalid = (totals["api-specs"] - totals["api-specs-valid"]) + (
        totals["set-specs"] - totals["set-specs-valid"]
    )
    return 1 if invalid else 0


if __name__ == "__main__":
    args = [Path(a).resolve() for a in sys.argv[1:]]
    sys.exit(main(args or [ROOT / "tests" / "pages", ROOT / "specs" / "pages" / "learning"]))
