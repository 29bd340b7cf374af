"""What names and version a generated package may have: checked once, for the config and the
command line alike.

A package named like a standard-library module (`json`, `typing`) or a startup hook
(`sitecustomize`, `usercustomize`) would be imported in place of it by everything that runs
where the SDK is installed, and one named like the SDK's own dependency (`httpx`) would break
it. A version that is not PEP 440 makes a wheel no installer accepts, and a distribution name
that is not PEP 508 cannot be asked for.
"""

from __future__ import annotations

import re
import sys

from packaging.version import InvalidVersion, Version

from generator.sdk.naming import is_safe_identifier, module_name

# Imported by Python itself at start-up, or by every generated SDK.
_STARTUP_HOOKS = frozenset({"sitecustomize", "usercustomize", "__main__", "__future__"})
_SDK_DEPENDENCIES = frozenset({"httpx", "httpcore", "anyio", "h11", "certifi", "idna", "sniffio"})
_DISTRIBUTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def package_problem(name: str) -> str | None:
    """Why ``name`` cannot be the generated package's import name, or None."""
    if not is_safe_identifier(name) or module_name(name) != name:
        return f"{name!r} is not a valid lower-case Python package name"
    if name in sys.stdlib_module_names or name in _STARTUP_HOOKS:
        return f"{name!r} would shadow Python's own module of that name"
    if name in _SDK_DEPENDENCIES:
        return f"{name!r} would shadow {name}, which the generated SDK imports"
    return None


def distribution_problem(name: str) -> str | None:
    """Why ``name`` cannot be the distribution (pip) name, or None."""
    if not _DISTRIBUTION.fullmatch(name):
        return f"{name!r} is not a valid distribution name (letters, digits, '.', '_', '-')"
    return None


def version_problem(version: str) -> str | None:
    """Why ``version`` cannot be the package version, or None."""
    try:
        Version(version)
    except InvalidVersion:
        return f"{version!r} is not a PEP 440 version (for example 1.0.0)"
    return None
