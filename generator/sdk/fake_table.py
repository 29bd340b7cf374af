"""The table of operations the generated test double (`<package>.testing`) answers.

Each operation gets a role, decided here from its method, path and types, so the fake's
runtime (`templates/package/__package__/_fake.py`) stays the same for every spec:
create, get, list, update, replace, delete, delta, download, upload, upload_session, or
action (what the fake cannot know the effect of; a test answers it with `fake.on`).
"""

from __future__ import annotations

from collections.abc import Callable

from generator.sdk.escape import Code, pyliteral
from generator.sdk.ir import ModelRef, Operation, TypeRef

# A body's or entity's key in the validators' `_CHECKS` (a model's class name, or the
# name of a shared check).
CheckKey = Callable[[TypeRef], str]


def _last_segment(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def role(op: Operation) -> str:
    """What the fake does for ``op`` (see the module docstring)."""
    path = op.path.rstrip("/")
    last = _last_segment(path)
    name = last.split("(", 1)[0].lower()
    body = op.request_body
    success = op.success
    json_body = body is not None and body.encoding == "json"
    # References (`$ref`) are links between entities, not entities. (Graph's path-based
    # addressing, `root:/{path}:`, is resolved by the fake at run time.)
    if "$ref" in path:
        return "action"
    if op.method == "GET":
        if name == "delta":
            return "delta" if op.page_item is not None else "action"
        if name == "content" or (success is not None and success.encoding == "binary"):
            return "download"
        if op.page_item is not None:
            return "list" if "(" not in last and "{" not in last else "action"
        if success is not None and isinstance(success.type, ModelRef):
            return "get"
        return "action"
    if op.method == "PATCH" and json_body:
        return "update"
    if op.method == "PUT":
        if name == "content" or (body is not None and body.encoding in ("binary", "text")):
            return "upload"
        replaces = json_body and body is not None and isinstance(body.type, ModelRef)
        return "replace" if replaces else "action"
    if op.method == "DELETE":
        return "delete" if name != "content" else "action"
    if op.method == "POST":
        if name == "createuploadsession":
            return "upload_session"
        creates = (
            json_body
            and "{" not in last
            and "(" not in last
            and body is not None
            and isinstance(body.type, ModelRef)
            and success is not None
            and (success.status == "201" or success.type == body.type)
        )
        return "create" if creates else "action"
    return "action"


def _status(op: Operation, kind: str) -> int:
    """The first documented 2xx or 3xx status (200 for `2XX`), 0 when there is none. A
    download that documents a redirect answers with it, as Graph does (its pages list the
    200 first), so tests meet the pre-authenticated URL."""
    if kind == "download":
        for response in op.responses:
            if response.status[:1] == "3" and response.status.isdigit():
                return int(response.status)
    for response in op.responses:
        if response.status[:1] in ("2", "3"):
            return int(response.status) if response.status.isdigit() else 200
    return 0


def _entity(op: Operation, kind: str) -> TypeRef | None:
    """The type of the entities ``op`` reads or writes, when it names one."""
    success = op.success
    if kind in ("list", "delta"):
        return op.page_item
    answers_entity = success is not None and isinstance(success.type, ModelRef)
    if kind in ("get", "create", "upload") and success is not None and answers_entity:
        return success.type
    if kind in ("create", "update", "replace") and op.request_body is not None:
        return op.request_body.type
    return None


def entries(operations: tuple[Operation, ...], check_key: CheckKey) -> list[Code]:
    """One `_fake.OperationSpec` literal per operation, in the spec's order."""
    rows = []
    for op in operations:
        kind = role(op)
        body = op.request_body
        body_key = check_key(body.type) if body is not None and body.encoding == "json" else None
        entity = _entity(op, kind)
        model = check_key(entity) if isinstance(entity, ModelRef) else None
        row = (op.python_name, op.method, op.path, kind, body_key, model, _status(op, kind))
        rows.append(pyliteral(row))
    return rows
