"""Golden records: a fresh build of every configured build matches what is committed.

`apigen build` refreshes them; a mismatch prints the unified diff of what changed.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from helpers import ROOT

from generator.config import find_config
from generator.output.write import MANIFEST, read_manifest
from generator.pipeline import run_build

BUILDS = find_config(ROOT)
assert BUILDS is not None, "the repository's pyproject.toml must configure its builds"


@pytest.mark.parametrize("build", BUILDS.builds, ids=lambda b: b.name)
def test_fresh_build_matches_committed_golden_files(build, tmp_path: Path) -> None:
    # Rebuild over a copy of the committed tree, as `apigen build` does over the real one
    # (the version and changelog follow from the spec the tree was last built from).
    shutil.copytree(build.output, tmp_path / "out", ignore=shutil.ignore_patterns("__pycache__", ".*_cache"))
    fresh = dataclasses.replace(build, spec=tmp_path / build.spec.name, output=tmp_path / "out")
    if not build.pages:
        fresh = dataclasses.replace(fresh, spec=build.spec)
    run_build(fresh, check=False)
    if build.pages:
        assert fresh.spec.read_bytes() == build.spec.read_bytes(), "spec differs; run `apigen build`"
    outcome = run_build(dataclasses.replace(fresh, output=build.output, spec=build.spec), check=True)
    assert outcome.stale == "", f"golden files are stale; run `apigen build`:\n{outcome.stale}"
    written = sorted([*(read_manifest(fresh.output) or []), MANIFEST])
    # What apigen owns in the committed folder is what its manifest lists (tool caches
    # such as .mypy_cache may sit beside them and are not part of the record).
    committed = sorted([*(read_manifest(build.output) or []), MANIFEST])
    assert written == committed
    for name in written:
        assert (fresh.output / name).read_bytes() == (build.output / name).read_bytes(), name
    assert MANIFEST in written


def test_check_mode_reports_a_stale_file_as_a_unified_diff(tmp_path: Path) -> None:
    build = next(b for b in BUILDS.builds if b.name == "edge")
    out = tmp_path / "sdk"
    run_build(dataclasses.replace(build, output=out), check=False)
    models = out / "edge_sdk" / "models" / "_thing.py"
    models.write_text(models.read_text().replace("class Thing(", "class Thingy("), encoding="utf-8")
    outcome = run_build(dataclasses.replace(build, output=out), check=True)
    assert "--- a/sdk/edge_sdk/models/_thing.py" in outcome.stale
    assert "-class Thingy(" in outcome.stale and "+class Thing(" in outcome.stale
    # check mode wrote nothing
    assert "class Thingy(" in models.read_text()
