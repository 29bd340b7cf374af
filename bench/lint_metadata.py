"""Lint of the page corpus with and without the metadata cross-check: time and findings.

Usage: python bench/lint_metadata.py [--runs 5] [--metadata CSDL] [--sample 20] [--seed 0]

Runs `python -m generator lint tests/corpus/graph-docs` as a user would (a fresh process
each run, apigen's cache warm after the first), ``--runs`` times without and with
``--metadata``, and prints the median wall time of each. Then the `metadata-*` findings per
rule on the corpus's train and holdout pages (SOURCES.tsv's ``split`` column), and a seeded
random sample of them to judge by hand: is the page really at odds with the service?
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "graph-docs"
DEFAULT_METADATA = ROOT.parent / "shared" / "corpus" / "graph-metadata" / "v1.0.csdl"


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lint(extra: list[str], fmt: str = "text") -> tuple[float, float, str]:
    """Wall time and CPU time (user + system: what a shared machine's load does not inflate
    as much) of one `apigen lint` run over the corpus, and its stdout."""
    command = [sys.executable, "-m", "generator", "lint", str(CORPUS), "--format", fmt, *extra]
    start, cpu = time.perf_counter(), _child_cpu()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _child_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"lint failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--metadata", type=Path, default=DEFAULT_METADATA)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with_md = ["--metadata", str(args.metadata)]
    lint(with_md)  # warm apigen's cache (the parsed CSDL among it)
    for name, extra in (("lint alone", []), ("lint with metadata", with_md)):
        runs = [lint(extra)[:2] for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:20} median of {args.runs} runs: {wall:.2f} s wall, {cpu:.2f} s CPU")

    with (CORPUS / "SOURCES.tsv").open(encoding="utf-8") as handle:
        split = {row["path"]: row["split"] for row in csv.DictReader(handle, delimiter="\t")}
    findings = json.loads(lint(with_md, "json")[2])["findings"]
    ours = [f for f in findings if f["rule"].startswith("metadata-")]
    counts: Counter[tuple[str, str]] = Counter()
    for f in ours:
        counts[(f["rule"], split.get(str(Path(f["file"]).relative_to(CORPUS)), "?"))] += 1
    rules = sorted({rule for rule, _ in counts})
    print(f"\n{'rule':28} {'train':>6} {'holdout':>8}")
    for rule in rules:
        print(f"{rule:28} {counts[(rule, 'train')]:>6} {counts[(rule, 'holdout')]:>8}")
    total_train = sum(v for (_, s), v in counts.items() if s == "train")
    total_holdout = sum(v for (_, s), v in counts.items() if s == "holdout")
    print(f"{'all':28} {total_train:>6} {total_holdout:>8}")

    print(f"\nsample of {args.sample} (seed {args.seed}), to judge by hand:")
    for f in random.Random(args.seed).sample(ours, min(args.sample, len(ours))):
        where = Path(f["file"]).relative_to(CORPUS)
        print(f"{split.get(str(where), '?'):8} {where}:{f['line']} {f['rule']} {f['message']}")


if __name__ == "__main__":
    main()
