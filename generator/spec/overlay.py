"""OpenAPI Overlay 1.0: a document's actions applied to a spec, in order.

An overlay lets a user change a built spec (rename, describe, remove) without editing the
pages it came from; its targets are JSONPath expressions. Only the JSONPath subset overlays
need is read here: ``$``, ``.name``, ``['name']``, ``[n]``, ``.*``/``[*]``, ``..name`` and
``[?(@.key == 'value')]``. A malformed overlay is an `InputError` with a JSON pointer into it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import InputError
from generator.spec.io import SpecFile, count_values

__all__ = ["Overlaid", "Unmatched", "apply_overlay", "select"]

_SEGMENT = re.compile(
    r"\.\.(?P<deep>[A-Za-z_@$][\w@$\-.]*?)(?=\.|\[|$)|\.(?P<name>[A-Za-z_@$][\w@$\-]*)|\.\*|\[\*\]"
    r"|\[(?P<quote>['\"])(?P<key>.*?)(?P=quote)\]|\[(?P<index>-?\d+)\]"
    r"|\[\?\(?@(?P<fpath>(?:\.[\w@$\-]+|\[['\"][^'\"]*['\"]\])+)\s*==\s*(?P<fq>['\"])(?P<fval>.*?)(?P=fq)\)?\]"
)


def _jsonpath_steps(expr: str) -> list[re.Match[str]]:
    """Parse the JSONPath subset overlays need: ``$``, ``.name``, ``['name']``, ``[n]``,
    ``.*``/``[*]``, ``..name`` and ``[?(@.key == 'value')]``."""
    if not expr.startswith("$"):
        raise InputError(f"overlay target must start with '$': {expr!r}", pointer=expr)
    steps: list[re.Match[str]] = []
    pos = 1
    while pos < len(expr):
        m = _SEGMENT.match(expr, pos)
        if m is None or m.end() == pos:
            raise InputError(f"overlay target not understood at {expr[pos:]!r}", pointer=expr)
        steps.append(m)
        pos = m.end()
    return steps


def _children(node: Any) -> list[tuple[Any, Any]]:
    if isinstance(node, dict):
        return list(node.items())
    if isinstance(node, list):
        return list(enumerate(node))
    return []


def _pick(node: Any, fpath: str) -> Any:
    for m in re.finditer(r"\.([\w@$\-]+)|\[['\"]([^'\"]*)['\"]\]", fpath):
        key = m.group(1) or m.group(2)
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def select(doc: Any, expr: str) -> list[tuple[Any, Any]]:
    """``(parent, key)`` pairs for the nodes ``expr`` selects (the root is ``(None, None)``)."""
    current: list[tuple[Any, Any]] = [(None, None)]

    def value(pair: tuple[Any, Any]) -> Any:
        parent, key = pair
        return doc if parent is None else parent[key]

    for step in _jsonpath_steps(expr):
        nxt: list[tuple[Any, Any]] = []
        for pair in current:
            node = value(pair)
            if step.group("deep"):
                stack = [node]
                while stack:
                    n = stack.pop(0)
                    for k, v in _children(n):
                        if k == step.group("deep"):
                            nxt.append((n, k))
                        stack.append(v)
            elif step.group("name") is not None or step.group("key") is not None:
                key = step.group("name") if step.group("name") is not None else step.group("key")
                if isinstance(node, dict) and key in node:
                    nxt.append((node, key))
            elif step.group("index") is not None:
                i = int(step.group("index"))
                if isinstance(node, list) and -len(node) <= i < len(node):
                    nxt.append((node, i % len(node)))
            elif step.group("fpath"):
                for k, v in _children(node):
                    if str(_pick(v, step.group("fpath"))) == step.group("fval"):
                        nxt.append((node, k))
            else:
                nxt.extend((node, k) for k, _ in _children(node))
        current = nxt
    return current


def _merge(target: Any, update: Any) -> Any:
    """Overlay ``update`` semantics: objects merge recursively, arrays append, scalars replace."""
    if isinstance(target, dict) and isinstance(update, dict):
        out = dict(target)
        for k, v in update.items():
            out[k] = _merge(out[k], v) if k in out else copy.deepcopy(v)
        return out
    if isinstance(target, list):
        return target + (
            copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)]
        )
    return copy.deepcopy(update)


# The most values an overlay's updates may copy into a spec, counted as an update's size
# times the nodes its target selects. Real overlays add a few values to a few nodes; each
# selected node gets its own copy, so a large update on a wide target grows as the product.
MAX_OVERLAY_VALUES = 1_000_000


@dataclass(frozen=True)
class Unmatched:
    """An overlay action that changed nothing: its target matched no node. The caller warns
    (a renamed schema would otherwise make a correction vanish unseen)."""

    line: int
    target: str


@dataclass(frozen=True)
class Overlaid:
    spec: dict[str, Any]
    unmatched: tuple[Unmatched, ...]


def apply_overlay(spec: Mapping[str, Any], overlay: SpecFile) -> Overlaid:
    """Apply an OpenAPI Overlay 1.0 document's actions in order, to a copy of ``spec``.

    Problems are `InputError`s naming the overlay file and line; actions whose target
    matches nothing are listed in the result."""
    data = overlay.data

    def fail(message: str, ptr: str) -> InputError:
        return InputError(message, file=overlay.path, line=overlay.line_of(ptr), pointer=ptr)

    if not isinstance(data, Mapping) or not str(data.get("overlay", "")).startswith("1."):
        raise fail("not an OpenAPI Overlay 1.x document (no 'overlay: 1.0.0')", "/overlay")
    actions = data.get("actions")
    if not isinstance(actions, list):
        raise fail("overlay has no 'actions' list", "/actions")
    doc: Any = copy.deepcopy(dict(spec))
    unmatched: list[Unmatched] = []
    copied = 0  # values the updates have copied so far, against `MAX_OVERLAY_VALUES`
    for index, action in enumerate(actions):
        where = f"/actions/{index}"
        if not isinstance(action, Mapping) or not isinstance(action.get("target"), str):
            raise fail("overlay action needs a 'target' JSONPath string", where)
        try:
            selected = select(doc, action["target"])
        except InputError as exc:
            raise fail(exc.message, where + "/target") from None
        if not selected:
            unmatched.append(Unmatched(overlay.line_of(where + "/target") or 0, action["target"]))
        if action.get("remove") is True:
            for parent, key in sorted(
                selected,
                key=lambda pk: pk[1] if isinstance(pk[1], int) else 0,
                reverse=True,
            ):
                if parent is None:
                    raise fail("overlay cannot remove the document root", where)
                del parent[key]
        elif "update" in action:
            copied += count_values(action["update"], MAX_OVERLAY_VALUES) * len(selected)
            if copied > MAX_OVERLAY_VALUES:
                raise fail(
                    f"overlay updates would copy more than {MAX_OVERLAY_VALUES:,} values into "
                    f"the spec (this action's update, times the {len(selected)} nodes its "
                    "target selects)",
                    where,
                )
            for parent, key in selected:
                if parent is None:
                    doc = _merge(doc, action["update"])
                else:
                    parent[key] = _merge(parent[key], action["update"])
        else:
            raise fail("overlay action has neither 'update' nor 'remove: true'", where)
    return Overlaid(dict(doc), tuple(unmatched))
