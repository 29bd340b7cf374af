"""Lint speed on real pages: `apigen lint` over the whole corpus, timed.

Usage: python bench/lint_speed.py [--runs N]

Lints tests/corpus/graph-docs and tests/pages (each on its own run, as the triage test
does) N times (default 5) in this process and prints the median wall and CPU time, the
number of findings by severity, and how many of them tests/corpus/lint-triage.tsv holds
true (per split: the held-out fifth apart). Target: under 3 s for the corpus on 2 cores.
The CPU time is what the lint costs; the wall time also holds whatever else the machine's
cores were busy with.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus_triage import finding_keys, lint_corpus, precision, read_triage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    walls: list[float] = []
    cpus: list[float] = []
    reports = lint_corpus()  # imports and first reads out of the timing
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        reports = lint_corpus()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    files = sum(len(r.files) for r in reports)
    found = finding_keys(reports)
    triage = read_triage()
    by_severity: dict[str, int] = {}
    for _, severity in found:
        by_severity[severity] = by_severity.get(severity, 0) + 1
    held_true = sum(1 for key, _ in found if key in triage and triage[key].true)
    untriaged = sum(1 for key, _ in found if key not in triage)
    print(
        f"lint of {files} files: median of {args.runs}: {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (target < 3 s)"
    )
    severities = ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items()))
    print(
        f"{len(found)} findings ({severities}); the triage holds {held_true} true, "
        f"{len(found) - held_true - untriaged} false, {untriaged} untriaged"
    )
    for figure in precision(found, triage):
        print(f"  {figure}")


if __name__ == "__main__":
    main()
