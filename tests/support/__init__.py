"""Test helpers that talk to real servers and tools: a scripted HTTP server, Prism, Spectral.

`require_tool` finds the pinned Node CLIs that `.ci/install-node-tools` puts in `.ci/node/`:
in CI (env `CI=true`) a missing tool fails the test, on a developer machine it skips it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
"""The repository root (the folder holding pyproject.toml)."""

NODE_BIN = ROOT / ".ci" / "node" / "node_modules" / ".bin"
"""Where `.ci/install-node-tools` installs the Node CLIs' launchers."""

TOOL_ENV_VARS: dict[str, str] = {"prism": "APIGEN_PRISM", "spectral": "APIGEN_SPECTRAL"}
"""Each Node tool and the environment variable that may point at its binary instead."""

INSTALL_HINT = "run .ci/install-node-tools (needs node >= 20 and npm)"


def in_ci() -> bool:
    """True when running in CI, where a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing(message: str) -> NoReturn:
    """Fail in CI, skip elsewhere, with the same message either way."""
    if in_ci():
        pytest.fail(
            f"{message} (CI=true, so this is a failure, not a skip)", pytrace=False
        )
    pytest.skip(message)


def require_tool(name: str) -> Path:
    """Return the executable for the Node tool `name` (`prism` or `spectral`).

    Looked up in the tool's environment variable (APIGEN_PRISM, APIGEN_SPECTRAL), else in
    `.ci/node/node_modules/.bin/`. A variable that names a missing file always fails: it is a
    broken setting, not a missing tool.
    """
    if name not in TOOL_ENV_VARS:
        raise ValueError(
            f"unknown tool {name!r}; known: {', '.join(sorted(TOOL_ENV_VARS))}"
        )
    variable = TOOL_ENV_VARS[name]
    configured = os.environ.get(variable, "").strip()
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(
                f"{variable}={configured} is not an executable file", pytrace=False
            )
        return path
    path = NODE_BIN / name
    if not (path.exists() and os.access(path, os.X_OK)):
        _missing(
            f"{name} is not installed at {os.path.relpath(path, ROOT)}: {INSTALL_HINT}"
        )
    if shutil.which("node") is None:
        _missing(f"{name} is installed but `node` is not on PATH: {INSTALL_HINT}")
    return path
