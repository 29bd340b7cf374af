"""Every committed SDK passes `mypy --strict` and ruff, and builds a wheel with py.typed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

from generator.config import find_config

CONFIG = find_config(ROOT)
assert CONFIG is not None
BUILDS = CONFIG.builds


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("build", BUILDS, ids=lambda b: b.name)
def test_generated_package_passes_mypy_strict(build, tmp_path: Path) -> None:
    cache = f"--cache-dir={tmp_path / 'mypy'}"  # keep the golden folder free of caches
    result = _run(sys.executable, "-m", "mypy", "--strict", cache, build.package, cwd=build.output)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("build", BUILDS, ids=lambda b: b.name)
def test_generated_package_passes_ruff(build) -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "--no-cache", build.package, cwd=build.output)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", build.package, cwd=build.output)
    # black and ruff format agree on the output (both at line length 100)
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_sdk_builds_a_wheel_with_py_typed(tmp_path: Path) -> None:
    build = next(b for b in BUILDS if b.name == "seed")
    result = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), ".",
        cwd=build.output,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        result = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), ".", cwd=build.output)
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(tmp_path.glob("seed_sdk-1.0.0-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "seed_sdk/py.typed" in names
    assert "seed_sdk/client.py" in names and "seed_sdk/_runtime.py" in names
    assert not [n for n in names if "__pycache__" in n]
