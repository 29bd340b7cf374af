"""apigen's own code is held to what it asks of the SDKs it makes: mypy --strict and ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ROOT


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_generator_passes_mypy_strict(tmp_path: Path) -> None:
    result = _run(sys.executable, "-m", "mypy", "--strict", f"--cache-dir={tmp_path}", "generator", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generator_passes_ruff(tmp_path: Path) -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "--no-cache", "generator", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
