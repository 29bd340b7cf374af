"""Document-wide checks: ``info``, servers, and the texts every level carries (titles,
summaries, descriptions, examples and the ``deprecated`` flag).

Texts only change docstrings, so they are info level; the first server is `Client`'s default
``base_url``, so moving it is felt by callers, while the further servers are documentation.
`compare_docs` and `compare_deprecated` are shared by the levels below, which register or call
them with their own check ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.diff.model import INFO, NON_BREAKING, CheckInfo, as_map, check, ptr, quote
from generator.diff.sites import (
    ON_DOCUMENT,
    ON_MEDIA_TYPE,
    ON_OPERATION,
    ON_PARAMETER,
    ON_REQUEST_BODY,
    ON_RESPONSE,
    ON_SCHEMA,
    Pair,
)
from generator.diff.walk import Walk

CHECKS: Mapping[str, CheckInfo] = {
    "api-version-changed": check(INFO, "Documentation", "info.version changed."),
    "description-changed": check(
        INFO,
        "Documentation",
        "A title, summary or description changed (docstrings only).",
    ),
    "example-changed": check(INFO, "Documentation", "An example changed (docs only)."),
    "default-server-changed": check(
        NON_BREAKING,
        "Changed",
        "The first server URL changed: Client's default base_url moves.",
    ),
    "server-added": check(INFO, "Added", "A further server URL was listed."),
    "server-removed": check(INFO, "Removed", "A further (not the default) server was dropped."),
    "undeprecated": check(INFO, "Changed", "A deprecation was withdrawn."),
}


def compare_docs(
    walk: Walk, o: Mapping[str, Any], n: Mapping[str, Any], po: str, pn: str, what: str
) -> None:
    """Description-like and example changes: info level, docstrings only."""
    for key in ("title", "summary", "description"):
        if o.get(key) != n.get(key):
            walk.emit_at(
                "description-changed",
                ptr(po, key),
                ptr(pn, key),
                key in n,
                f"{what}: {key} changed",
            )
    for key in ("example", "examples"):
        if o.get(key) != n.get(key):
            walk.emit_at(
                "example-changed",
                ptr(po, key),
                ptr(pn, key),
                key in n,
                f"{what}: {key} changed",
            )


def texts(walk: Walk, pair: Pair) -> None:
    """`compare_docs` on a matched pair, for every level that carries texts."""
    compare_docs(walk, pair.old, pair.new, pair.old_ptr, pair.new_ptr, pair.what)


for _site in (ON_OPERATION, ON_PARAMETER, ON_REQUEST_BODY, ON_RESPONSE, ON_MEDIA_TYPE, ON_SCHEMA):
    _site.register(texts)


def compare_deprecated(walk: Walk, pair: Pair, check_id: str) -> None:
    """``check_id`` when ``pair`` became deprecated, ``undeprecated`` when that was withdrawn."""
    was, now = bool(pair.old.get("deprecated")), bool(pair.new.get("deprecated"))
    if now and not was:
        walk.emit(check_id, "new", ptr(pair.new_ptr, "deprecated"), f"{pair.what} deprecated")
    elif was and not now:
        walk.emit("undeprecated", "new", pair.new_ptr, f"{pair.what} is no longer deprecated")


@ON_DOCUMENT.register
def info(walk: Walk, doc: Pair) -> None:
    o, n = as_map(doc.old.get("info")), as_map(doc.new.get("info"))
    if o.get("version") != n.get("version"):
        walk.emit(
            "api-version-changed",
            "new",
            "/info/version",
            f"API version changed from {quote(o.get('version'))} to {quote(n.get('version'))}",
        )
    for key in ("title", "description"):
        if o.get(key) != n.get(key):
            walk.emit_at(
                "description-changed",
                f"/info/{key}",
                f"/info/{key}",
                key in n,
                f"API {key} changed",
            )


def _server_urls(doc: Mapping[str, Any]) -> list[str]:
    servers = doc.get("servers")
    if not isinstance(servers, list):
        return []
    return [str(as_map(s).get("url", "")) for s in servers]


@ON_DOCUMENT.register
def servers(walk: Walk, doc: Pair) -> None:
    old, new = _server_urls(doc.old), _server_urls(doc.new)
    skip: set[str] = set()
    old_default = old[0] if old else "/"
    new_default = new[0] if new else "/"
    if old_default != new_default:
        skip = {old_default, new_default}
        walk.emit_at(
            "default-server-changed",
            "/servers/0",
            "/servers/0",
            bool(new),
            f"default server changed from {quote(old_default)} to {quote(new_default)}",
        )
    for i, url in enumerate(old):
        if url not in new and url not in skip:
            walk.emit(
                "server-removed",
                "old",
                f"/servers/{i}",
                f"server {quote(url)} removed",
            )
    for i, url in enumerate(new):
        if url not in old and url not in skip:
            walk.emit("server-added", "new", f"/servers/{i}", f"server {quote(url)} added")
