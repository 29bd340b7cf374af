"""`apigen build` versions the generated package from what changed in its spec, and writes
the changes into its CHANGELOG.md for downstream builds."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest
from helpers import ROOT

from generator.config import find_config
from generator.errors import InputError
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


def test_versions_follow_the_changes_since_the_last_release(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    version, log = _build(tmp_path, text)
    assert version == "2.1.0" and "First version" in log
    assert _build(tmp_path, text)[0] == "2.1.0"  # nothing changed, nothing bumped

    docs = text.replace("A closed enum (no unknownFutureValue).", "A closed enum of sizes.")
    version, log = _build(tmp_path, docs)
    assert version == "2.1.1"
    assert log.startswith("# Changelog\n\n## 2.1.1 (unreleased)\n")

    added = docs.replace("          voltage: {type: integer", "          label: {type: string}\n          voltage: {type: integer")
    version, log = _build(tmp_path, added)
    assert version == "2.2.0"  # from 2.1.0, the release: one bump for both changes
    pending = log.split("## 2.1.0")[0]
    assert "## 2.2.0 (unreleased)" in pending and "label" in pending and "2.1.1" not in log

    removed = added.replace("enum: [small, medium, large]", "enum: [small, large]")
    version, log = _build(tmp_path, removed)
    assert version == "3.0.0"
    newest = log.split("## 2.1.0")[0]
    assert "### Breaking changes" in newest and "medium" in newest
    assert [line for line in log.splitlines() if line.startswith("## ")] == ["## 3.0.0 (unreleased)", "## 2.1.0"]


def test_an_edit_and_its_revert_leave_the_release_as_it_was(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _, first_log = _build(tmp_path, text)
    removed = text.replace("enum: [small, medium, large]", "enum: [small, large]")
    assert _build(tmp_path, removed)[0] == "3.0.0"
    version, log = _build(tmp_path, text)
    assert version == "2.1.0" and log == first_log


def test_raising_the_configured_version_records_a_release(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _build(tmp_path, text)
    added = text.replace("          voltage: {type: integer", "          label: {type: string}\n          voltage: {type: integer")
    assert _build(tmp_path, added)[0] == "2.2.0"
    version, log = _build(tmp_path, added, version="2.2.0")  # 2.2.0 was shipped
    assert version == "2.2.0"
    assert log.startswith("# Changelog\n\n## 2.2.0\n") and "unreleased" not in log
    docs = added.replace("A closed enum (no unknownFutureValue).", "A closed enum of sizes.")
    version, log = _build(tmp_path, docs, version="2.2.0")
    assert version == "2.2.1" and log.index("## 2.2.1 (unreleased)") < log.index("## 2.2.0")


def test_a_configured_version_that_goes_backwards_or_hides_a_break_is_refused(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _build(tmp_path, text)
    with pytest.raises(InputError, match="below 2.1.0, the package's last release"):
        _build(tmp_path, text, version="2.0.0")
    with pytest.raises(InputError, match="below 2.1.0, the package's last release"):
        _build(tmp_path, text, version="2.0.0", version_policy="fixed")
    removed = text.replace("enum: [small, medium, large]", "enum: [small, large]")
    assert _build(tmp_path, removed)[0] == "3.0.0"
    with pytest.raises(InputError, match="below 3.0.0, which the changes since 2.1.0 call for"):
        _build(tmp_path, removed, version="2.2.0")


def test_fixed_policy_keeps_the_configured_version(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _build(tmp_path, text, version_policy="fixed")
    changed = text.replace("enum: [small, medium, large]", "enum: [small, large]")
    version, log = _build(tmp_path, changed, version_policy="fixed")
    assert version == "2.1.0"
    assert "### Breaking changes" in log


def test_below_one_a_break_moves_the_minor_version(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _build(tmp_path, text, version="0.3.2")
    removed = text.replace("enum: [small, medium, large]", "enum: [small, large]")
    assert _build(tmp_path, removed, version="0.3.2")[0] == "0.4.0"
    docs = text.replace("A closed enum (no unknownFutureValue).", "A closed enum of sizes.")
    assert _build(tmp_path, docs, version="0.3.2")[0] == "0.3.3"


def test_a_damaged_release_record_is_refused_naming_it(tmp_path: Path) -> None:
    text = EDGE.spec.read_text(encoding="utf-8")
    _build(tmp_path, text)
    record = tmp_path / "sdk" / ".apigen-release.yaml"
    assert record.read_text(encoding="utf-8").startswith("# apigen: the last release of this package, version 2.1.0\n")
    record.write_text("version: 9\n", encoding="utf-8")
    with pytest.raises(InputError, match="release record is damaged") as err:
        _build(tmp_path, text)
    assert err.value.file is not None and err.value.file.endswith(".apigen-release.yaml")
