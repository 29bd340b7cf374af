"""Fixtures: the committed generated SDKs, imported from their folders."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT
from support.http_server import http_server_fixture, other_origin_server_fixture  # noqa: F401


@pytest.fixture
def seed_sdk() -> Iterator[object]:
    """The committed seed SDK (generated/seed), imported from its folder."""
    yield from _import_generated("seed_sdk", ROOT / "generated" / "seed")


@pytest.fixture
def edge_sdk() -> Iterator[object]:
    """The committed edge-case SDK (tests/golden/edge/sdk), imported from its folder."""
    yield from _import_generated("edge_sdk", ROOT / "tests" / "golden" / "edge" / "sdk")


def _import_generated(name: str, folder: Path) -> Iterator[object]:
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))
