"""Fidelity: how close is the spec apigen builds from Graph pages to Graph's service metadata?

Usage: python bench/fidelity.py [PAGES...] [--metadata CSDL] [--json] [--alone]

PAGES are page files or folders of them (default: tests/pages and, when it exists,
tests/corpus/graph-docs). All pages make one spec (`generator.api.spec`); a page that does
not parse or build is counted and listed with its error, and the rest still make the spec.
The spec is judged by `generator.metadata.compare.compare_spec` against the metadata
(default: ../shared/corpus/graph-metadata/v1.0.csdl beside the repository), with the pages'
own tables as evidence of which mismatches the pages cause. Prints every category's figures
(precision or recall; page-caused apart), the most common mismatch classes, then every
mismatch by category. ``--alone`` also builds each API page alone and counts how many build;
``--json`` prints the same as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import api
from generator.errors import InputError
from generator.metadata.compare import (
    CATEGORIES,
    FidelityReport,
    compare_spec,
    page_evidence,
)
from generator.metadata.csdl import load_metadata
from generator.pages.model import Page
from generator.pages.parse import parse_page

DEFAULT_METADATA = ROOT.parent / "shared" / "corpus" / "graph-metadata" / "v1.0.csdl"
DEFAULT_PAGES = (ROOT / "tests" / "pages", ROOT / "tests" / "corpus" / "graph-docs")


def page_files(paths: Sequence[Path]) -> list[Path]:
    """Pages named, plus the .md files under folders named (README.md files left out)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.md") if p.name != "README.md"))
        else:
            out.append(path)
    return out


def build_spec(files: Sequence[Path]) -> tuple[dict[str, Any], list[Page], list[tuple[str, str]]]:
    """One spec from every page that builds: (spec, the pages in it, [(page, error)])."""
    failed: list[tuple[str, str]] = []
    parsed: dict[str, tuple[Path, Page]] = {}
    for path in files:
        try:
            page = parse_page(path)
        except InputError as exc:
            failed.append((str(path), str(exc)))
            continue
        if page.kind is not None:  # a permissions include is read through its page
            parsed[str(path)] = (path, page)
    while True:
        try:
            spec = api.spec([p for p, _ in parsed.values()])
            break
        except InputError as exc:
            if exc.file not in parsed:  # not one page's fault: report it as all of them
                failed.extend((name, str(exc)) for name in parsed)
                return {}, [], failed
            del parsed[exc.file]
            failed.append((exc.file, str(exc)))
    return spec, [page for _, page in parsed.values()], failed


_API_PAGE = re.compile(r"^doc_type:\s*[\"']?apiPageType\b", re.MULTILINE)


def is_api_page(path: Path) -> bool:
    """The page's front matter says ``doc_type: apiPageType`` (read even when the page
    does not parse, so a page that fails counts as an API page that does not build)."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return head.startswith("---") and _API_PAGE.search(head) is not None


def build_alone(files: Sequence[Path]) -> dict[str, Any]:
    """Build each API page alone: how many build, and the errors of those that do not."""
    errors: list[tuple[str, str]] = []
    api_pages = [f for f in files if is_api_page(f)]
    for path in api_pages:
        try:
            api.spec([path])
        except InputError as exc:
            errors.append((str(path), str(exc)))
    return {"api_pages": len(api_pages), "built": len(api_pages) - len(errors), "errors": errors}


def measure(
    pages: Sequence[Path], metadata: Path = DEFAULT_METADATA, alone: bool = False
) -> dict[str, Any]:
    """Everything the script prints, as values (``report`` is the `FidelityReport`)."""
    start = time.perf_counter()
    md = load_metadata(metadata)
    loaded = time.perf_counter()
    files = page_files(pages)
    spec, parsed, failed = build_spec(files)
    built = time.perf_counter()
    evidence = page_evidence(parsed)
    report = compare_spec(
        spec, md, evidence.types, page_enums=evidence.enums, documented=evidence.documented
    )
    compared = time.perf_counter()
    result: dict[str, Any] = {
        "metadata": str(metadata),
        "pages": len(files),
        "failed": failed,
        "report": report,
        "seconds": {
            "metadata": round(loaded - start, 3),
            "build": round(built - loaded, 3),
            "compare": round(compared - built, 3),
        },
    }
    if alone:
        result["alone"] = build_alone(files)
        result["seconds"]["alone"] = round(time.perf_counter() - compared, 3)
    return result


def _ratio(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def text_report(result: dict[str, Any]) -> str:
    report: FidelityReport = result["report"]
    pages, failed = result["pages"], len(result["failed"])
    header = f"{'category':<20} {'measure':<9} {'ratio':>5} {'w/o page':>8}"
    header += f" {'right':>6} {'wrong':>6} {'page':>5}  what"
    lines = [
        f"fidelity of the spec from {pages} pages ({failed} failed) against {result['metadata']}",
        f"seconds: {result['seconds']}",
        "",
        header,
    ]
    for name, what, measure in CATEGORIES:
        c = report.count(name)
        lines.append(
            f"{name:<20} {measure:<9} {_ratio(c.ratio):>5} {_ratio(c.ratio_without_page):>8} "
            f"{c.right:>6} {c.wrong:>6} {c.page_caused:>5}  {what}"
        )
    if "alone" in result:
        a = result["alone"]
        lines += ["", f"API pages built alone: {a['built']} of {a['api_pages']}"]
        lines += [f"  {err}" for _, err in a["errors"]]
    if result["failed"]:
        lines += ["", "pages left out of the spec:"]
        lines += [f"  {err}" for _, err in result["failed"]]
    lines += ["", "most common mismatch classes (category, reason, count, example):"]
    for category, reason, n, m in report.classes()[:15]:
        lines.append(
            f"  {n:>5}  {category} / {reason}: {m.pointer}  expected {m.expected}, got {m.got}"
        )
    lines += ["", "mismatches by category ([page] = the page says what the spec says):"]
    for category, found in report.by_category().items():
        lines.append(f"[{category}] {len(found)}")
        for m in found:
            tag = " [page]" if m.page_caused else ""
            lines.append(f"  {m.pointer}: expected {m.expected}, got {m.got} ({m.reason}){tag}")
    return "\n".join(lines)


def json_report(result: dict[str, Any]) -> str:
    report: FidelityReport = result["report"]
    data = {k: v for k, v in result.items() if k != "report"}
    data["failed"] = [{"page": p, "error": e} for p, e in result["failed"]]
    data["figures"] = report.figures()
    data["classes"] = [
        {"category": c, "reason": r, "count": n, "example": asdict(m)}
        for c, r, n, m in report.classes()
    ]
    data["mismatches"] = [asdict(m) for m in report.mismatches]
    return json.dumps(data, indent=2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="page files or folders")
    parser.add_argument("--metadata", type=Path, default=DEFAULT_METADATA, help="CSDL file")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--alone", action="store_true", help="also build each API page alone")
    args = parser.parse_args(argv)
    pages = args.pages or [p for p in DEFAULT_PAGES if p.exists()]
    try:
        result = measure(pages, args.metadata, args.alone)
    except InputError as exc:
        print(f"fidelity: {exc}", file=sys.stderr)
        return 2
    try:
        print(json_report(result) if args.json else text_report(result))
        sys.stdout.flush()
    except BrokenPipeError:  # whoever read the output stopped reading it (`... | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main())
