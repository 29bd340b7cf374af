"""`apigen build` versions the generated package from what changed in its spec, and writes
the changes into its CHANGELOG.md for downstream builds."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from helpers import ROOT

from generator.config import find_config
from generator.pipeline import run_build

CONFIG = find_config(ROOT)
assert CONFIG is not None
EDGE = next(b for b in CONFIG.builds if b.name == "edge")


def _build(tmp_path: Path, spec_text: str, **changes: str) -> tuple[str, str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    build = dataclasses.replace(EDGE, spec=spec, output=tmp_path / "sdk", **changes)
    run_build(build, check=False)
    version = tomllib.loads((build.output / "pyproject.toml").read_text())["project"]["version"]
    return version, (build.output / "CHANGELOG.md").read_text()


def test_versions_follow_the_kind_of_change(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    version, log = _build(tmp_path, text)
    assert version == "2.1.0" and "First version" in log
    assert _build(tmp_path, text)[0] == "2.1.0"  # nothing changed, nothing bumped

    docs = text.replace("A closed enum (no unknownFutureValue).", "A closed enum of sizes.")
    version, log = _build(tmp_path, docs)
    assert version == "2.1.1"
    assert log.startswith("# Changelog\n\n## 2.1.1\n")

    added = docs.replace("          voltage: {type: integer", "          label: {type: string}\n          voltage: {type: integer")
    version, log = _build(tmp_path, added)
    assert version == "2.2.0"
    assert "label" in log.split("## 2.1.1")[0]

    removed = added.replace("enum: [small, medium, large]", "enum: [small, large]")
    version, log = _build(tmp_path, removed)
    assert version == "3.0.0"
    newest = log.split("## 2.2.0")[0]
    assert "### Breaking changes" in newest and "medium" in newest
    # every earlier section is kept, newest first
    assert log.index("## 3.0.0") < log.index("## 2.2.0") < log.index("## 2.1.1") < log.index("## 2.1.0")


def test_fixed_policy_keeps_the_configured_version(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _build(tmp_path, text, version_policy="fixed")
    changed = text.replace("enum: [small, medium, large]", "enum: [small, large]")
    version, log = _build(tmp_path, changed, version_policy="fixed")
    assert version == "2.1.0"
    assert "### Breaking changes" in log
