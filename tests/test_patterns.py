"""Spec `pattern`s are untrusted: lint never hangs on one, and tells which ones are unsafe."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.spec.patterns import pattern_problem, search_bounded
from tests.helpers import run_cli


@pytest.mark.parametrize(
    "pattern",
    ["^(a+)+$", "(?:a*)*", "^(\\w+\\s?)+$", "((ab)*)*", "^(([a-z])+.)+[A-Z]([a-z])+$"],
)
def test_nested_repetitions_that_backtrack_are_unsafe(pattern: str) -> None:
    assert pattern_problem(pattern) == "may backtrack catastrophically (a repetition inside a repetition)"


@pytest.mark.parametrize(
    "pattern",
    [
        "^[a-z]+$",
        "(a|b)*c",
        "^(\\d{3})+$",
        "^([a-z0-9]+\\.)*[a-z]+$",  # each pass ends at a dot the inner part cannot match
        "^[^@]+@[^@]+$",
        "(a{1,5})+",
        "^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$",
    ],
)
def test_ordinary_patterns_are_safe(pattern: str) -> None:
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern", ["x{99999999999}", "[", "(?<", "a**"])
def test_patterns_python_cannot_read_are_named_not_raised(pattern: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None and problem.startswith("not a regular expression Python can read")


def test_bounded_search_answers_or_declines_quickly() -> None:
    assert search_bounded("^[a-z]+$", "abc") is True
    assert search_bounded("^[a-z]+$", "ab1") is False
    started = time.monotonic()
    assert search_bounded("^(a+)+$", "a" * 40 + "!") is None  # unsafe: not matched at all
    assert search_bounded("^(a|a)*$", "a" * 40 + "!") in (False, None)  # the time budget holds
    assert time.monotonic() - started < 5


SPEC = """\
openapi: 3.0.3
info: {title: t, version: "1", description: d}
servers: [{url: "https://example.com"}]
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/P'}
              example: {s: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}
        '201':
          description: odd
          content:
            application/json:
              schema: {type: strange}
              example: {a: 1}
components:
  schemas:
    P:
      type: object
      properties:
        s: {type: string, pattern: '^(a+)+$'}
"""


def test_lint_reports_an_unsafe_pattern_and_an_unreadable_schema_without_hanging(
    tmp_path: Path,
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    result = run_cli("lint", "spec.yaml", "--format", "json", cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    import json

    findings = json.loads(result.stdout)["findings"]
    rules = {(f["rule"], f["pointer"]) for f in findings}
    assert ("spec-pattern", "/components/schemas/P/properties/s/pattern") in rules
    unreadable = [f for f in findings if "schema is unreadable" in f["message"]]
    assert unreadable and unreadable[0]["pointer"].endswith("/201/content/application~1json/example")


def test_the_sdk_leaves_out_an_unsafe_pattern_with_a_warning_and_never_hangs(
    tmp_path: Path,
) -> None:
    import json
    import subprocess
    import sys

    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "P": {
                    "type": "object",
                    "properties": {
                        "s": {"type": "string", "pattern": "^(a+)+$"},
                        "t": {"type": "string", "pattern": "^[a-z]+$"},
                    },
                }
            }
        },
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    result = run_cli("generate", "spec.json", "-o", "out", "--package", "p_sdk", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "at /components/schemas/P/properties/s: pattern '^(a+)+$' may backtrack catastrophically"
        in result.stderr
    )
    strict = run_cli("generate", "spec.json", "-o", "out2", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    probe = (
        "import time, p_sdk.validators as v\n"
        "t = time.perf_counter()\n"
        "assert v.validate_p({'s': 'a' * 40 + '!'}) == []\n"  # left out: accepted, at once
        "assert time.perf_counter() - t < 1\n"
        "assert [e.path for e in v.validate_p({'t': 'A'})] == ['/t']\n"  # a safe one is checked
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
