"""A build's fingerprint: the hash of everything its output depends on, kept beside the
output with the hash of every file written, so `--check` can say "up to date" without
loading, rendering or formatting anything when nothing changed.

Inputs: the spec text, apigen's own code and templates (bundled and overrides), the
package names and base version, and black's major version (black keeps its stable style
within a major version). If any input or any written file differs, the check falls back to
the full comparison.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from generator.cache import key
from generator.sdk.render import bundled_templates

FINGERPRINT = ".apigen-fingerprint"


def _tree_digest(
    folder: Path | None, pattern: str = "*", skip: frozenset[str] = frozenset()
) -> str:
    if folder is None or not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(
        p
        for p in folder.rglob(pattern)
        if p.is_file()
        and "__pycache__" not in p.parts
        and not skip & set(p.relative_to(folder).parts)
    ):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_key(spec_text: str, templates: Path | None, *identity: str) -> str:
    return key(
        # apigen's code; an installed wheel also holds the templates and the seed page
        # under generator/, which are hashed on their own below (a checkout has them beside).
        _tree_digest(
            Path(__file__).resolve().parents[1], "*.py", frozenset({"templates", "bundled"})
        ),
        f"black {version('black').split('.')[0]}",
        _tree_digest(bundled_templates()),
        _tree_digest(templates),
        *identity,
        spec_text,
    )


def fingerprint_text(inputs: str, files: Mapping[str, str]) -> str:
    lines = [f"inputs {inputs}"]
    for name in sorted(files):
        if name != FINGERPRINT:
            lines.append(f"{hashlib.sha256(files[name].encode('utf-8')).hexdigest()}  {name}")
    return "\n".join(lines) + "\n"


def up_to_date(output: Path, inputs: str) -> bool:
    """True when ``output`` was built from these inputs and no written file changed since."""
    record = output / FINGERPRINT
    try:
        if record.is_symlink() or not record.is_file():
            return False
        lines = record.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    if not lines or lines[0] != f"inputs {inputs}":
        return False
    root = str(output)
    plain: set[str] = set()  # folders inside the tree already found to be no link
    for line in lines[1:]:
        digest, _, name = line.partition("  ")
        # Only plain files inside the tree, reached through no link: a planted fingerprint
        # must not make apigen read (or vouch for) anything outside it.
        relative = PurePosixPath(name)
        parts = relative.parts
        if not parts or relative.is_absolute() or ".." in parts:
            return False
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in plain:
                if os.path.islink(os.path.join(root, folder)):
                    return False
                plain.add(folder)
        path = os.path.join(root, name)
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                return False
            with open(path, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != digest:
                    return False
        except OSError:
            return False
    return True
