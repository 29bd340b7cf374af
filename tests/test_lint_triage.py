"""Lint on real pages is pinned by its triage: a finding nobody has judged fails (so a new
false positive fails CI, and a new true finding is triaged once), and the share of findings
held true stays at the targets on the training pages and on the held-out fifth."""

from __future__ import annotations

import time

from corpus_triage import TARGETS, TRIAGE, finding_keys, lint_corpus, precision, read_triage


def test_every_finding_on_the_corpus_is_triaged_and_precise_enough() -> None:
    started = time.perf_counter()
    found = finding_keys(lint_corpus())
    elapsed = time.perf_counter() - started
    triage = read_triage()
    untriaged = sorted({key for key, _ in found if key not in triage})
    assert not untriaged, (
        f"{len(untriaged)} finding(s) not in {TRIAGE.name}; read each page and add a row "
        "(file, rule, line, severity, split, verdict true|false, why):\n"
        + "\n".join("\t".join(map(str, key)) for key in untriaged[:40])
    )
    figures = precision(found, triage)
    report = "\n".join(str(p) for p in figures)
    print(f"lint of the corpus in {elapsed:.2f}s\n{report}")
    low = [p for p in figures if p.split != "pages" and p.share < TARGETS.get(p.severity, 0.0)]
    assert not low, f"precision below target:\n{report}"
    splits = {p.split for p in figures}
    assert {"train", "holdout"} <= splits, report


def test_the_triage_names_only_what_lint_can_say() -> None:
    # Every row is a page of the corpus or of tests/pages, at a line, with a verdict.
    for (file, rule, line), verdict in read_triage().items():
        assert file.startswith(("tests/corpus/graph-docs/", "tests/pages/")), file
        assert line >= 1 and rule.startswith("page"), (file, rule, line)
        assert verdict.split in ("train", "holdout", "pages") and verdict.why, (file, rule, line)
