"""`CHECKS`, the one registry of what `apigen diff` detects, assembled from the check ids each
level module declares beside the code that emits them.

Importing the level modules here also registers their checks at the sites of the walk
(`sites`), so `diff_specs` runs every check once this module is loaded. The order below is
the order of `CHECKS`; the README's table and the reports sort or look up, so it only keeps
the registry readable, broad levels first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType, ModuleType

from generator.diff import (
    bodies,
    document,
    enums,
    inheritance,
    operations,
    parameters,
    properties,
    schemas,
    security,
    values,
)
from generator.diff.model import CheckInfo

LEVEL_MODULES: tuple[ModuleType, ...] = (
    document,
    security,
    operations,
    parameters,
    bodies,
    schemas,
    inheritance,
    values,
    enums,
    properties,
)


def _assemble(modules: Iterable[ModuleType]) -> Mapping[str, CheckInfo]:
    """Every module's ``CHECKS`` in one mapping; an id declared twice is a bug, said at import."""
    merged: dict[str, CheckInfo] = {}
    for module in modules:
        declared: Mapping[str, CheckInfo] = module.CHECKS
        for check_id, info in declared.items():
            if check_id in merged:
                raise RuntimeError(f"diff check {check_id!r} is declared twice ({module.__name__})")
            merged[check_id] = info
    return MappingProxyType(merged)


# The registry: every check id apigen diff can report. Docs and tests are generated from it.
CHECKS: Mapping[str, CheckInfo] = _assemble(LEVEL_MODULES)
