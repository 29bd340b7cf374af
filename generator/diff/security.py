"""Security checks: the declared schemes, and the requirements of the API and of each operation.

A requirement list is compared as a set of alternatives (each a set of scheme and scopes), so
reordering says nothing; what a client must do to authenticate with a scheme (its type,
location, flow URLs) is compared, its descriptions and scopes' texts are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.diff.document import compare_docs
from generator.diff.model import (
    BREAKING,
    INFO,
    NON_BREAKING,
    CheckInfo,
    as_map,
    check,
    ptr,
    quote,
)
from generator.diff.sites import ON_DOCUMENT, ON_OPERATION, Pair
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "security-added": check(BREAKING, "Changed", "Authentication is now required where none was."),
    "security-removed": check(NON_BREAKING, "Removed", "Authentication is no longer required."),
    "security-alternative-added": check(
        NON_BREAKING, "Added", "A new way to authenticate (security requirement) is accepted."
    ),
    "security-alternative-removed": check(
        BREAKING,
        "Removed",
        "A way to authenticate (scheme or scope set) is no longer accepted.",
    ),
    "security-scheme-added": check(INFO, "Added", "A security scheme was declared."),
    "security-scheme-removed": check(BREAKING, "Removed", "A security scheme was removed."),
    "security-scheme-changed": check(
        BREAKING, "Changed", "A security scheme's type, location or flow URLs changed."
    ),
}

Alternative = tuple[tuple[str, tuple[str, ...]], ...]


@ON_DOCUMENT.register
def security_schemes(walk: Walk, doc: Pair) -> None:
    o = as_map(as_map(doc.old.get("components")).get("securitySchemes"))
    n = as_map(as_map(doc.new.get("components")).get("securitySchemes"))
    base = "/components/securitySchemes"
    for name in sorted(set(o) | set(n)):
        po, pn = ptr(base, name), ptr(base, name)
        if name not in n:
            walk.emit(
                "security-scheme-removed",
                "old",
                po,
                f"security scheme {quote(name)} removed",
            )
        elif name not in o:
            walk.emit(
                "security-scheme-added",
                "new",
                pn,
                f"security scheme {quote(name)} added",
            )
        else:
            os_, _ = walk.deref("old", o[name], po)
            ns_, _ = walk.deref("new", n[name], pn)
            if _scheme_identity(os_) != _scheme_identity(ns_):
                walk.emit(
                    "security-scheme-changed",
                    "new",
                    pn,
                    f"security scheme {quote(name)} changed how clients authenticate",
                )
            compare_docs(walk, os_, ns_, po, pn, f"security scheme {quote(name)}")


@ON_DOCUMENT.register
def api_security(walk: Walk, doc: Pair) -> None:
    compare_security(
        walk, doc.old.get("security"), doc.new.get("security"), "/security", "/security", doc.what
    )


@ON_OPERATION.register
def operation_security(walk: Walk, op: Pair) -> None:
    """An operation's own requirements, where either side has them, against the API's."""
    o, n = op.old, op.new
    if "security" in o or "security" in n:
        o_sec = o["security"] if "security" in o else walk.docs["old"].get("security")
        n_sec = n["security"] if "security" in n else walk.docs["new"].get("security")
        compare_security(
            walk,
            o_sec,
            n_sec,
            ptr(op.old_ptr, "security") if "security" in o else "/security",
            ptr(op.new_ptr, "security") if "security" in n else "/security",
            op.what,
        )


def compare_security(walk: Walk, o: Any, n: Any, po: str, pn: str, what: str) -> None:
    """Two requirement lists (``what`` names their owner) as sets of alternatives."""
    old_alts, new_alts = _alternatives(o), _alternatives(n)
    if old_alts == new_alts:
        return
    if not old_alts:
        walk.emit(
            "security-added",
            "new",
            pn,
            f"{what} now requires authentication ({_alts_text(new_alts)})",
        )
        return
    if not new_alts:
        walk.emit(
            "security-removed",
            "old",
            po,
            f"{what} no longer requires authentication",
        )
        return
    gone = old_alts - new_alts
    if gone:
        walk.emit(
            "security-alternative-removed",
            "new",
            pn,
            f"{what} no longer accepts {_alts_text(gone)}",
        )
    added = new_alts - old_alts
    if added:
        walk.emit(
            "security-alternative-added",
            "new",
            pn,
            f"{what} now also accepts {_alts_text(added)}",
        )


def _scheme_identity(scheme: Mapping[str, Any]) -> Any:
    """What a client must do to authenticate with a scheme (descriptions and scopes left out)."""
    flows = {
        name: {
            k: v
            for k, v in as_map(flow).items()
            if k in ("authorizationUrl", "tokenUrl", "refreshUrl")
        }
        for name, flow in as_map(scheme.get("flows")).items()
    }
    keys = ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl")
    return quote({k: scheme.get(k) for k in keys} | {"flows": flows})


def _alternatives(requirements: Any) -> frozenset[Alternative]:
    """A security requirement list as a set of alternatives, each a set of (scheme, scopes)."""
    if not isinstance(requirements, list):
        return frozenset()
    result = set()
    for req in requirements:
        items = tuple(
            sorted(
                (
                    str(name),
                    (tuple(sorted(str(s) for s in scopes)) if isinstance(scopes, list) else ()),
                )
                for name, scopes in as_map(req).items()
            )
        )
        result.add(items)
    return frozenset(result)


def _alts_text(alts: Iterable[Alternative]) -> str:
    texts = []
    for alt in sorted(alts):
        parts = [name + (f"({' '.join(scopes)})" if scopes else "") for name, scopes in alt]
        texts.append(" + ".join(parts) if parts else "anonymous")
    return " or ".join(quote(t) for t in texts)
