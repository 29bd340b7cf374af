"""Fidelity: how close is the spec apigen builds from Graph pages to Graph's service metadata?

Usage: python bench/fidelity.py [PAGES...] [--split train|holdout|all] [--pages-root DIR]
                                [--metadata CSDL] [--json] [--alone]

PAGES are page files or folders of them (default: tests/pages and, when it exists,
tests/corpus/graph-docs). All pages make one spec (`generator.api.spec`); a page that does
not parse or build is counted and listed with its error, and the rest still make the spec.
The spec is judged by `generator.metadata.compare.compare_spec` against the metadata
(default: ../shared/corpus/graph-metadata/v1.0.csdl beside the repository), with the pages'
own tables as evidence of which mismatches the pages cause. Prints every category's figures
(precision or recall; page-caused apart), the most common mismatch classes, then every
mismatch by category. ``--alone`` also builds each API page alone and counts how many build;
``--json`` prints the same as JSON.

``--split`` chooses the pages from the corpus's SOURCES.tsv by its ``split`` column instead
(``all``: train and holdout, each measured apart, then together) and prints the headline
figures of each split first. ``--pages-root DIR`` lets the build follow the chosen pages'
type links to resource pages under DIR (`generator.api.spec`'s ``pages_root``): those pages
are context, they are not counted among the chosen pages.
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
from generator.metadata.csdl import Metadata, load_metadata
from generator.pages.links import follow_links
from generator.pages.model import Page
from generator.pages.parse import parse_page

DEFAULT_METADATA = ROOT.parent / "shared" / "corpus" / "graph-metadata" / "v1.0.csdl"
CORPUS = ROOT / "tests" / "corpus" / "graph-docs"
DEFAULT_PAGES = (ROOT / "tests" / "pages", CORPUS)
SPLITS = ("train", "holdout")
# The figures printed per split: (property, type) precision, recall, placeholders, bases.
HEADLINE = ("property", "property-nullable", "property-recall", "page-recall", "placeholder")
HEADLINE += ("base-type", "enum-recall")


def split_pages(split: str, corpus: Path = CORPUS) -> list[Path]:
    """The corpus pages of one split (``train``/``holdout``; ``all``: both), by SOURCES.tsv.

    Permissions includes are not pages: the API pages that include them read them.
    """
    lines = (corpus / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    path_at, kind_at, split_at = header.index("path"), header.index("kind"), header.index("split")
    wanted = SPLITS if split == "all" else (split,)
    out: list[Path] = []
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) == len(header) and cells[split_at] in wanted and cells[kind_at] != "include":
            out.append(corpus / cells[path_at])
    return sorted(out)


def page_files(paths: Sequence[Path]) -> list[Path]:
    """Pages named, plus the .md files under folders named (README.md files left out)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.md") if p.name != "README.md"))
        else:
            out.append(path)
    return out


def build_spec(
    files: Sequence[Path], pages_root: Path | None = None
) -> tuple[dict[str, Any], list[Page], list[tuple[str, str]]]:
    """One spec from every page that builds: (spec, the pages in it, [(page, error)]).

    With ``pages_root``, the build follows type links to resource pages under it; the
    pages returned (the evidence) are then the chosen ones and those the links reached.
    """
    failed: list[tuple[str, str]] = []
    parsed: dict[str, tuple[Path, Page]] = {}
    for path in files:
        try:
            page = parse_page(path)
        except InputError as exc:
            failed.append((str(path), str(exc)))
            continue
        if page.kind is not None:  # a permissions include or a README is no reference page
            parsed[str(path)] = (path, page)
    while True:
        try:
            spec = api.spec([p for p, _ in parsed.values()], pages_root=pages_root)
            break
        except InputError as exc:
            if exc.file not in parsed:  # not one page's fault: report it as all of them
                failed.extend((name, str(exc)) for name in parsed)
                return {}, [], failed
            del parsed[exc.file]
            failed.append((exc.file, str(exc)))
    chosen = [page for _, page in parsed.values()]
    if pages_root is not None:
        chosen += follow_links(chosen, pages_root).pages
    return spec, chosen, failed


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
    pages: Sequence[Path],
    metadata: Path = DEFAULT_METADATA,
    alone: bool = False,
    pages_root: Path | None = None,
    md: Metadata | None = None,
) -> dict[str, Any]:
    """Everything the script prints, as values (``report`` is the `FidelityReport`)."""
    start = time.perf_counter()
    md = md if md is not None else load_metadata(metadata)
    loaded = time.perf_counter()
    files = page_files(pages)
    spec, parsed, failed = build_spec(files, pages_root)
    built = time.perf_counter()
    evidence = page_evidence(parsed)
    report = compare_spec(
        spec,
        md,
        evidence.types,
        page_enums=evidence.enums,
        documented=evidence.documented,
        page_operations=evidence.operations,
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


def headline(name: str, result: dict[str, Any]) -> str:
    """One line of a split's headline figures: ratio (and without page-caused ones)."""
    report: FidelityReport = result["report"]
    parts = [f"{name:<8} {result['pages']:>4} pages {len(result['failed']):>2} failed"]
    for category in HEADLINE:
        c = report.count(category)
        parts.append(f"{category} {_ratio(c.ratio)}/{_ratio(c.ratio_without_page)}")
    return "  ".join(parts)


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
    parser.add_argument(
        "--split", choices=(*SPLITS, "all"), help="the corpus pages of this SOURCES.tsv split"
    )
    parser.add_argument(
        "--pages-root", type=Path, help="follow type links to resource pages under this folder"
    )
    args = parser.parse_args(argv)
    if args.split and args.pages:
        parser.error("give pages or --split, not both")
    runs: list[tuple[str, list[Path]]]
    if args.split:
        names = [*SPLITS, "all"] if args.split == "all" else [args.split]
        runs = [(name, split_pages(name)) for name in names]
    else:
        runs = [("pages", args.pages or [p for p in DEFAULT_PAGES if p.exists()])]
    try:
        md = load_metadata(args.metadata)
        results = [
            (name, measure(files, args.metadata, args.alone, args.pages_root, md))
            for name, files in runs
        ]
    except InputError as exc:
        print(f"fidelity: {exc}", file=sys.stderr)
        return 2
    result = results[-1][1]
    try:
        if args.split and not args.json:
            print("headline figures per split (ratio / without page-caused differences):")
            for name, found in results:
                print(headline(name, found))
            print()
        print(json_report(result) if args.json else text_report(result))
        sys.stdout.flush()
    except BrokenPipeError:  # whoever read the output stopped reading it (`... | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main())
