"""Link following: from the pages a user names to the resource pages their types link.

An API page links the types it uses (``[plannerAssignments](../resources/plannerassignments.md)``,
``[audio][]`` with ``[audio]: ../resources/audio.md`` below); the resource pages link theirs.
Given the docs tree, those pages are read too, transitively, each once (a queue and a seen
set, bounded by `MAX_FOLLOWED`), so the spec gets every type the named pages use. A link is
followed only to a file inside the tree: a path that leaves it is reported, never read.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError
from generator.pages.model import Page, TypeLink
from generator.pages.names import link_path, path_key
from generator.pages.parse import parse_page
from generator.pages.typemodel import BuildDiagnostic

# A bound on the pages one build may reach through links (Graph's whole v1.0 reference has
# about 4,000 resource pages; a tree that leads further is not a docs tree).
MAX_FOLLOWED = 5000


@dataclass(frozen=True)
class Followed:
    """The pages the links reached (never an API page) and what could not be followed."""

    pages: tuple[Page, ...]
    diagnostics: tuple[BuildDiagnostic, ...]


def _existing(path: str) -> str | None:
    """The file at ``path``, or the one whose name differs only in letter case, or None."""
    if os.path.isfile(path):
        return path
    folder, name = os.path.split(path)
    try:
        entries = sorted(os.listdir(folder or "."))
    except OSError:
        return None
    for entry in entries:
        if entry.lower() == name.lower() and os.path.isfile(os.path.join(folder, entry)):
            return os.path.join(folder, entry)
    return None


def follow_links(pages: Sequence[Page], root: Path) -> Followed:
    """The resource and enum pages under ``root`` that ``pages`` reach through type links."""
    if not root.is_dir():
        raise InputError("the pages root is not a folder", file=str(root))
    inside = os.path.realpath(root)
    seen = {path_key(p.source) for p in pages}
    queue: deque[tuple[Page, TypeLink]] = deque((p, link) for p in pages for link in p.type_links)
    found: list[Page] = []
    notes: list[BuildDiagnostic] = []
    while queue:
        page, link = queue.popleft()
        target = link_path(page.source, link.target)
        path = _existing(target) if target is not None else None
        if path is None and target is not None and re.fullmatch(r"[A-Za-z]\w*", link.name):
            # A link to a page since renamed (older pages link section.md for
            # onenoteSection): the page named for the type, beside where the link points.
            path = _existing(os.path.join(os.path.dirname(target), link.name.lower() + ".md"))
        if path is None or path_key(path) in seen:
            continue  # a missing page's type is reported where the type is written out
        seen.add(path_key(path))
        if os.path.commonpath([inside, os.path.realpath(path)]) != inside:
            notes.append(
                BuildDiagnostic(
                    page.source,
                    link.line,
                    "link-outside-root",
                    f"link {link.target} leads outside the pages root {root}; not followed",
                )
            )
            continue
        if len(found) >= MAX_FOLLOWED:
            notes.append(
                BuildDiagnostic(
                    page.source,
                    link.line,
                    "link-limit",
                    f"link following stopped after {MAX_FOLLOWED} pages; {link.target} not read",
                )
            )
            break
        try:
            linked = parse_page(Path(path))
        except InputError as exc:
            notes.append(
                BuildDiagnostic(
                    page.source, link.line, "link-unreadable", f"linked page not read: {exc}"
                )
            )
            continue
        if linked.is_api_page:
            continue  # an API page is an operation, not a type: name it to build it
        found.append(linked)
        queue.extend((linked, next_link) for next_link in linked.type_links)
    return Followed(tuple(found), tuple(notes))
