"""The lint triage of the corpus: every finding lint gives on tests/corpus/graph-docs and
tests/pages, judged once as true or false by reading the page (tests/corpus/lint-triage.tsv),
and the precision that triage gives per split and severity. Shared by the triage test and
bench/lint_speed.py."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.lint import LintReport, LintSettings, lint_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "graph-docs"
SEED_PAGES = ROOT / "tests" / "pages"
TRIAGE = ROOT / "tests" / "corpus" / "lint-triage.tsv"
# Each folder is linted on its own run: `pages-property-case` compares the pages of a run.
LINTED = (CORPUS, SEED_PAGES)
# Targets: the share of findings the triage holds true, per split, at each severity.
TARGETS: Mapping[str, float] = {"error": 0.95, "warning": 0.90}

Key = tuple[str, str, int]  # file (relative to the repository), rule, line


@dataclass(frozen=True)
class Verdict:
    true: bool
    severity: str
    split: str
    why: str


def lint_corpus() -> list[LintReport]:
    """Lint each folder of `LINTED` with the default settings."""
    return [lint_paths([folder], LintSettings()) for folder in LINTED]


def finding_keys(reports: Iterable[LintReport]) -> list[tuple[Key, str]]:
    """(file, rule, line) and severity of every finding, the file relative to the repo."""
    return [
        ((Path(f.file).resolve().relative_to(ROOT).as_posix(), f.rule_id, f.line), f.severity)
        for report in reports
        for f in report.findings
    ]


def read_triage(path: Path = TRIAGE) -> dict[Key, Verdict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    triage: dict[Key, Verdict] = {}
    for row in rows:
        if row["verdict"] not in ("true", "false"):
            raise ValueError(f"{path}: verdict must be true or false: {row}")
        key = (row["file"], row["rule"], int(row["line"]))
        triage[key] = Verdict(row["verdict"] == "true", row["severity"], row["split"], row["why"])
    return triage


@dataclass(frozen=True)
class Precision:
    split: str
    severity: str
    true: int
    total: int

    @property
    def share(self) -> float:
        return self.true / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.split} {self.severity}: {self.true}/{self.total} true ({self.share:.1%})"


def precision(found: Iterable[tuple[Key, str]], triage: Mapping[Key, Verdict]) -> list[Precision]:
    """Per split (train, holdout, pages) and severity: how many findings the triage holds true."""
    counts: dict[tuple[str, str], list[int]] = {}
    for key, severity in found:
        verdict = triage.get(key)
        if verdict is None:
            continue
        tally = counts.setdefault((verdict.split, severity), [0, 0])
        tally[0] += verdict.true
        tally[1] += 1
    return [Precision(split, sev, t, n) for (split, sev), (t, n) in sorted(counts.items())]
