"""Request bodies and responses: whether an operation takes a body and must be given one,
which status codes it answers with, and, for both, the media types and their schemas.

A request body is the SDK method's ``body`` argument, judged by request rules; a success status
decides what the method returns, so removing one is breaking, while error statuses only
document failures. Removing a response media type (or the whole body) is breaking: the SDK
stops decoding what the server still sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.diff import schemas
from generator.diff.directions import REQUEST, RESPONSE, Directions
from generator.diff.model import (
    BREAKING,
    NON_BREAKING,
    CheckInfo,
    Side,
    as_map,
    check,
    ptr,
    quote,
)
from generator.diff.sites import ON_MEDIA_TYPE, ON_REQUEST_BODY, ON_RESPONSE, BodyPair, Pair
from generator.diff.walk import Walk
from generator.spec.openapi import PARTIAL_OF
from generator.spec.partial import flattened

CHECKS: Mapping[str, CheckInfo] = {
    "required-request-body-added": check(
        BREAKING, "Changed", "An operation now requires a request body."
    ),
    "optional-request-body-added": check(
        NON_BREAKING, "Added", "An operation accepts an optional request body."
    ),
    "request-body-removed": check(
        BREAKING,
        "Removed",
        "The request body was removed: the method's body argument vanishes.",
    ),
    "request-body-became-required": check(BREAKING, "Changed", "The request body became required."),
    "request-body-became-optional": check(
        NON_BREAKING, "Changed", "The request body became optional."
    ),
    "request-media-type-added": check(
        NON_BREAKING, "Added", "A request body media type was added."
    ),
    "request-media-type-removed": check(
        BREAKING, "Removed", "A request body media type was removed."
    ),
    "response-success-status-added": check(NON_BREAKING, "Added", "A new success status code."),
    "response-success-status-removed": check(
        BREAKING,
        "Removed",
        "A success status code was removed: the method's return changes.",
    ),
    "response-error-status-added": check(NON_BREAKING, "Added", "A new documented error response."),
    "response-error-status-removed": check(
        NON_BREAKING, "Removed", "A documented error response was removed."
    ),
    "response-media-type-added": check(NON_BREAKING, "Added", "A response media type was added."),
    "response-media-type-removed": check(
        BREAKING,
        "Removed",
        "A response media type was removed (or the body was dropped).",
    ),
}


def compare_request_body(walk: Walk, op: Pair) -> None:
    """A request body added, removed, or checked and its media types walked."""
    o, n, po, pn, label = op.old, op.new, op.old_ptr, op.new_ptr, op.what
    if "requestBody" not in o and "requestBody" not in n:
        return
    if "requestBody" not in n:
        walk.emit(
            "request-body-removed",
            "old",
            ptr(po, "requestBody"),
            f"{label}: request body removed",
        )
        return
    nb, nbp = walk.deref("new", n["requestBody"], ptr(pn, "requestBody"))
    if "requestBody" not in o:
        if nb.get("required"):
            walk.emit(
                "required-request-body-added",
                "new",
                nbp,
                f"{label}: now requires a request body",
            )
        else:
            walk.emit(
                "optional-request-body-added",
                "new",
                nbp,
                f"{label}: accepts an optional request body",
            )
        return
    ob, obp = walk.deref("old", o["requestBody"], ptr(po, "requestBody"))
    body = BodyPair(ob, nb, obp, nbp, f"{label} request body", label)
    ON_REQUEST_BODY.run(walk, body)
    _compare_content(walk, body, frozenset({REQUEST}), "request")


@ON_REQUEST_BODY.register
def request_body_required(walk: Walk, body: BodyPair) -> None:
    was, now = bool(body.old.get("required")), bool(body.new.get("required"))
    if now and not was:
        walk.emit(
            "request-body-became-required",
            "new",
            ptr(body.new_ptr, "required"),
            f"{body.operation}: request body became required",
        )
    elif was and not now:
        walk.emit(
            "request-body-became-optional",
            "new",
            body.new_ptr,
            f"{body.operation}: request body became optional",
        )


def compare_responses(walk: Walk, op: Pair) -> None:
    """Status codes added or removed; each matched response checked and its media types walked."""
    orr, nrr = as_map(op.old.get("responses")), as_map(op.new.get("responses"))
    for status in sorted(set(orr) | set(nrr), key=str):
        kind = "success" if str(status).startswith("2") else "error"
        so = ptr(op.old_ptr, "responses", str(status))
        sn = ptr(op.new_ptr, "responses", str(status))
        if status not in nrr:
            walk.emit(
                f"response-{kind}-status-removed",
                "old",
                so,
                f"{op.what}: response {status} removed",
            )
        elif status not in orr:
            walk.emit(
                f"response-{kind}-status-added",
                "new",
                sn,
                f"{op.what}: response {status} added",
            )
        else:
            ro, rop = walk.deref("old", orr[status], so)
            rn, rnp = walk.deref("new", nrr[status], sn)
            response = Pair(ro, rn, rop, rnp, f"{op.what} response {status}")
            ON_RESPONSE.run(walk, response)
            _compare_content(walk, response, frozenset({RESPONSE}), "response")


def _compare_content(walk: Walk, body: Pair, dirs: Directions, prefix: str) -> None:
    """Media types of a request body or response: ``prefix`` (request/response) names their
    checks, ``dirs`` judges their schemas."""
    o, n, po, pn, what = body.old, body.new, body.old_ptr, body.new_ptr, body.what
    oc, nc = as_map(o.get("content")), as_map(n.get("content"))
    for media in sorted(set(oc) | set(nc)):
        mo, mn = ptr(po, "content", media), ptr(pn, "content", media)
        if media not in nc:
            walk.emit(
                f"{prefix}-media-type-removed",
                "old",
                mo,
                f"{what}: media type {quote(media)} removed",
            )
        elif media not in oc:
            walk.emit(
                f"{prefix}-media-type-added",
                "new",
                mn,
                f"{what}: media type {quote(media)} added",
            )
        else:
            om, nm = as_map(oc[media]), as_map(nc[media])
            ON_MEDIA_TYPE.run(walk, Pair(om, nm, mo, mn, f"{what} ({media})"))
            if isinstance(om.get("schema"), Mapping) and isinstance(nm.get("schema"), Mapping):
                os_, ns_ = _partial_views(walk, om["schema"], nm["schema"])
                schemas.compare_schema(
                    walk,
                    os_,
                    ns_,
                    ptr(mo, "schema"),
                    ptr(mn, "schema"),
                    dirs,
                    "body",
                    what,
                )


def _partial_views(
    walk: Walk, old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """Body schemas as the diff compares them when one is a partial view of an entity
    schema (`generator.spec.partial`, an update body built from pages). Both partial: each
    is its entity schema (whose properties are compared under /components/schemas). One
    partial: the other side is its entity flattened the same way (bases' properties and
    `required` merged in), so the change reads as properties becoming optional."""
    o_of, n_of = old.get(PARTIAL_OF), new.get(PARTIAL_OF)
    if isinstance(o_of, str) and isinstance(n_of, str):
        return {"$ref": o_of}, {"$ref": n_of}
    if isinstance(n_of, str) and isinstance(old.get("$ref"), str):
        return flattened(old["$ref"], _schemas(walk, "old")), new
    if isinstance(o_of, str) and isinstance(new.get("$ref"), str):
        return old, flattened(new["$ref"], _schemas(walk, "new"))
    return old, new


def _schemas(walk: Walk, side: Side) -> Mapping[str, Any]:
    return as_map(as_map(walk.docs[side].get("components")).get("schemas"))
