"""The spec's paths to the IR's operations: parameters, request bodies, responses and paging.

Each operation's parameters (the path item's shared ones, overridden by its own) are
resolved through `#/components/parameters` refs, named once for Python, and ordered as the
client's signatures list them; its JSON request body and its success responses get their
types from the schemas (`load_schemas`); a success answer shaped as a Graph collection page
(`value` plus `@odata.nextLink`) makes it a list operation. Error responses are left to
the client's error classes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.sdk import load_access, naming
from generator.sdk.ir import (
    DEFAULT_STYLES,
    BodyEncoding,
    ModelRef,
    Operation,
    Parameter,
    ParameterStyle,
    Primitive,
    RequestBody,
    Response,
    TypeRef,
)
from generator.sdk.load_context import LoadContext, text
from generator.sdk.load_schemas import SchemaLoader
from generator.spec.io import escape_pointer_token, pointer
from generator.spec.openapi import HTTP_METHODS, SCHEMA_PREFIX

NEXT_LINK = "@odata.nextLink"
_PATH_SEGMENT = re.compile(r"\{([^{}/]+)\}")
_LOCATIONS = ("path", "query", "header", "cookie")
# The styles OpenAPI allows in each location.
_STYLES: dict[str, tuple[ParameterStyle, ...]] = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
# Which body encoding the client prefers when a body or answer offers several media types.
_PREFERENCE: tuple[BodyEncoding, ...] = ("json", "form", "multipart", "text", "binary")
_BYTES = Primitive("string", "binary")
_TEXT = Primitive("string")


class OperationLoader:
    """The operations of one spec, typed through its already loaded schemas."""

    def __init__(
        self, ctx: LoadContext, types: SchemaLoader, schemes: frozenset[str] = frozenset()
    ) -> None:
        self.ctx = ctx
        self.types = types
        self.schemes = schemes  # the security schemes the client can send

    def security(self, value: Any, ptr: str) -> load_access.Requirements | None:
        return load_access.requirements(self.ctx, value, ptr, self.schemes)

    def _deref(self, value: Any, ptr: str, section: str) -> Any:
        """Follow a `$ref` into #/components/<section> (parameters, requestBodies, responses)."""
        seen: set[str] = set()
        while isinstance(value, Mapping) and "$ref" in value:
            ref = value["$ref"]
            prefix = f"#/components/{section}/"
            if not isinstance(ref, str) or not ref.startswith(prefix):
                raise self.ctx.fail(f"`$ref` {ref!r} must point into #/components/{section}", ptr)
            if ref in seen:
                raise self.ctx.fail(f"`$ref` cycle at {ref!r}", ptr)
            seen.add(ref)
            key = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
            value = ((self.ctx.spec.data.get("components") or {}).get(section) or {}).get(key)
            if value is None:
                raise self.ctx.fail(f"`$ref` {ref!r} names nothing", ptr)
        return value

    def build_operations(self) -> list[Operation]:
        paths = self.ctx.spec.data.get("paths") or {}
        raw: list[tuple[str, str, str, Mapping[str, Any], list[Any]]] = []
        for path, item in sorted(paths.items()):
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, Mapping):
                    op_id = op.get("operationId") or f"{method}_{path}"
                    raw.append((str(op_id), path, method, op, list(item.get("parameters") or [])))
        method_names = naming.method_names(op_id for op_id, *_ in raw)
        operations = []
        for op_id, path, method, op, shared_params in raw:
            ptr = pointer("paths", path, method)
            operations.append(
                self._operation(op_id, method_names[op_id], path, method, op, shared_params, ptr)
            )
        return sorted(operations, key=lambda o: o.python_name)

    def _operation(
        self,
        op_id: str,
        python_name: str,
        path: str,
        method: str,
        op: Mapping[str, Any],
        shared_params: list[Any],
        ptr: str,
    ) -> Operation:
        parameters = self._parameters(path, op, shared_params, ptr)
        body = self._request_body(op, ptr)
        responses, page_item = self._responses(op, ptr)
        return Operation(
            operation_id=op_id,
            python_name=python_name,
            method=method.upper(),
            path=path,
            summary=text(op.get("summary")),
            description=text(op.get("description")),
            parameters=tuple(parameters),
            request_body=body,
            responses=tuple(responses),
            permissions=_permissions(op.get("x-ms-permissions")),
            page_item=page_item,
            deprecated=op.get("deprecated") is True,
            security=self.security(op.get("security"), ptr + "/security"),
            delta=is_delta(path),
        )

    def _parameters(
        self, path: str, op: Mapping[str, Any], shared_params: list[Any], ptr: str
    ) -> list[Parameter]:
        """The path, query and header parameters, in the order the client lists them."""
        merged: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
        given = [(pointer("paths", path, "parameters", i), p) for i, p in enumerate(shared_params)]
        given += [(f"{ptr}/parameters/{i}", p) for i, p in enumerate(op.get("parameters") or [])]
        for p_ptr, param in given:  # the operation's own override the path item's
            resolved = self._deref(param, p_ptr, "parameters")
            place, name = resolved.get("in"), resolved.get("name", "")
            if not isinstance(place, str) or not isinstance(name, str):
                raise self.ctx.fail("a parameter needs `in` and `name` strings", p_ptr)
            merged[(place, name)] = (p_ptr, resolved)
        kept = []
        for (loc, name), (p_ptr, param) in sorted(merged.items()):
            if loc not in _LOCATIONS:
                self.ctx.warn(f"parameter {name!r} in {loc!r} is not sent (unknown place)", p_ptr)
            elif loc == "header" and name.lower() in ("accept", "content-type", "authorization"):
                # OpenAPI: these are set from the media types and security, not as parameters.
                self.ctx.warn(f"header parameter {name!r} is ignored (OpenAPI sets it)", p_ptr)
            else:
                kept.append((p_ptr, param))
        names = naming.parameter_names((s["in"], s["name"]) for _, s in kept)
        parameters = []
        for p_ptr, param in kept:
            schema = param.get("schema")
            style, explode = self._style(param, p_ptr)
            if schema is None:
                content = param.get("content") or {}
                media = _pick_media(content, ("json", "text"))
                if media is None and content:
                    self.ctx.warn("the parameter's media type is sent as text", p_ptr)
                schema = media[2].get("schema", {}) if media else {"type": "string"}
                if media is not None and media[0] == "json":
                    style = "json"  # the value is written as JSON text, then encoded
                schema_ptr = f"{p_ptr}/content/{escape_pointer_token(media[1])}" if media else p_ptr
            else:
                schema_ptr = p_ptr
            type_ref = self.types.type_of(schema, schema_ptr + "/schema")[0]
            parameters.append(
                Parameter(
                    name=param["name"],
                    python_name=names[(param["in"], param["name"])],
                    location=param["in"],
                    type=type_ref,
                    required=param.get("required") is True or param["in"] == "path",
                    description=text(param.get("description")),
                    style=style,
                    explode=explode,
                )
            )
        # The client fills the path's `{name}` segments from its positional parameters, in
        # path order: each segment needs exactly one path parameter and each one a segment.
        segments = _PATH_SEGMENT.findall(path)
        declared = sorted(p.name for p in parameters if p.location == "path")
        if len(set(segments)) != len(segments) or sorted(segments) != declared:
            raise self.ctx.fail(
                f"the path parameters {declared} do not match the segments {segments} of "
                f"the path template {path!r}",
                ptr,
            )
        # Path parameters first in path order, then query, header and cookie ones (the order
        # the client's `_endpoint.Endpoint` lists them), each group required first, then by name.
        order = {name: path.find("{" + name + "}") for name in (p.name for p in parameters)}
        parameters.sort(
            key=lambda p: (
                _LOCATIONS.index(p.location),
                order[p.name] if p.location == "path" else 0,
                not p.required,
                p.python_name,
            )
        )
        return parameters

    def _style(self, param: Mapping[str, Any], ptr: str) -> tuple[ParameterStyle, bool]:
        """The parameter's style and explode; a style its place does not allow is a warning
        and the place's default is used."""
        location = param["in"]
        style = param.get("style", DEFAULT_STYLES[location])
        if style not in _STYLES[location]:
            self.ctx.warn(
                f"style {style!r} is not one a {location} parameter may have; sent as "
                f"{DEFAULT_STYLES[location]!r}",
                ptr + "/style",
            )
            style = DEFAULT_STYLES[location]
        if param.get("allowReserved") is True:
            self.ctx.warn(
                "`allowReserved` is not honoured: reserved characters are percent-encoded",
                ptr + "/allowReserved",
            )
        explode = param.get("explode")
        return style, explode if isinstance(explode, bool) else style == "form"

    def _request_body(self, op: Mapping[str, Any], ptr: str) -> RequestBody | None:
        """The request body, if the operation takes one, in the media type the client
        sends best (JSON, form fields, multipart parts, text, bytes)."""
        if op.get("requestBody") is None:
            return None
        rb_ptr = ptr + "/requestBody"
        request_body = self._deref(op["requestBody"], rb_ptr, "requestBodies")
        media = _pick_media(request_body.get("content") or {}, _PREFERENCE)
        if media is None:
            self.ctx.warn("the request body names no media type; it is not sent", rb_ptr)
            return None
        encoding, content_type, media_obj = media
        m_ptr = f"{rb_ptr}/content/{escape_pointer_token(content_type)}"
        schema = media_obj.get("schema", {})
        if encoding in ("json", "form", "multipart"):
            body_type = self.types.type_of(schema, m_ptr + "/schema")[0]
            if media_obj.get("encoding"):
                self.ctx.warn(
                    "the per-property `encoding` is not applied; parts and fields are sent "
                    "in their default form",
                    m_ptr + "/encoding",
                )
        else:
            self._warn_raw(content_type, schema, m_ptr, "taken as")
            encoding = _raw_encoding(encoding, schema)
            body_type = _TEXT if encoding == "text" else _BYTES
        required = request_body.get("required") is True
        return RequestBody(body_type, required, content_type, encoding)

    def _warn_raw(self, content_type: str, schema: Any, ptr: str, verb: str) -> None:
        """A structured schema in a media type the SDK cannot encode goes as raw content."""
        if not isinstance(schema, Mapping):
            return
        kind = schema.get("type")
        if "$ref" in schema or kind in ("object", "array") or "properties" in schema:
            self.ctx.warn(
                f"the SDK cannot encode {content_type!r}; the body is {verb} raw bytes or text",
                ptr,
            )

    def _responses(self, op: Mapping[str, Any], ptr: str) -> tuple[list[Response], TypeRef | None]:
        """The 1xx-3xx responses, and the item type when the first typed 2xx one is a page."""
        responses = []
        page_item: TypeRef | None = None
        for status, response in sorted((op.get("responses") or {}).items()):
            r_ptr = f"{ptr}/responses/{escape_pointer_token(status)}"
            resolved = self._deref(response, r_ptr, "responses")
            status = str(status)
            if not status[:1].isdigit() or status[0] not in "123":
                continue  # error responses are handled by the client's error classes
            content = resolved.get("content") or {}
            media = _pick_media(content, ("json", "text", "binary"))
            description = text(resolved.get("description"))
            if media is None:
                if content:
                    self.ctx.warn("no media type of this answer can be read", r_ptr)
                responses.append(Response(status, None, description))
                continue
            encoding, content_type, media_obj = media
            m_ptr = f"{r_ptr}/content/{escape_pointer_token(content_type)}"
            schema = media_obj.get("schema")
            response_type: TypeRef | None = None
            if encoding == "json":
                if schema is not None:
                    response_type = self.types.type_of(schema, r_ptr + "/content")[0]
                    if status.startswith("2") and page_item is None:
                        page_item = self._page_item(schema, response_type, r_ptr)
            else:
                if status.startswith("2"):
                    self._warn_raw(content_type, schema, m_ptr, "returned as")
                encoding = _raw_encoding(encoding, schema)
                response_type = _TEXT if encoding == "text" else _BYTES
            responses.append(Response(status, response_type, description, content_type, encoding))
        return responses, page_item

    def _page_item(
        self, schema: Mapping[str, Any], response_type: TypeRef, ptr: str
    ) -> TypeRef | None:
        """The item type when a response is a Graph collection page (`value` + nextLink)."""
        target: Mapping[str, Any] | None = None
        if isinstance(response_type, ModelRef):
            target = self.types.schema(response_type.name)
        elif isinstance(schema, Mapping) and schema.get("type") == "object":
            target = schema
        if not isinstance(target, Mapping):
            return None
        properties: dict[str, Any] = {}
        for part in [target, *[p for p in target.get("allOf") or [] if isinstance(p, Mapping)]]:
            properties.update(part.get("properties") or {})
            if "$ref" in part:
                ref_schema = self.ctx.schemas.get(part["$ref"][len(SCHEMA_PREFIX) :], {})
                properties.update(ref_schema.get("properties") or {})
        value = properties.get("value")
        if (
            not isinstance(value, Mapping)
            or value.get("type") != "array"
            or NEXT_LINK not in properties
        ):
            return None
        return self.types.type_of(value.get("items", {}), ptr + "/value/items")[0]


def is_delta(path: str) -> bool:
    """Whether a path names a delta function: its last segment is `delta` or `delta()`
    (also qualified, `microsoft.graph.delta()`, or with arguments, `delta(token='{t}')`)."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return _DELTA_SEGMENT.fullmatch(last) is not None


_DELTA_SEGMENT = re.compile(r"(?:microsoft\.graph\.)?delta(?:\(.*\))?")


def _raw_encoding(encoding: BodyEncoding, schema: Any) -> BodyEncoding:
    """A text media type whose schema is `format: binary` (a file's contents sent as
    `text/plain`, as Graph's uploads are) carries bytes, not a string."""
    if encoding == "text" and isinstance(schema, Mapping) and schema.get("format") == "binary":
        return "binary"
    return encoding


def body_encoding(content_type: str) -> BodyEncoding:
    """How a media type goes on the wire; what the SDK cannot encode is raw bytes."""
    media = content_type.split(";")[0].strip().lower()
    if media.endswith("json"):
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    if media == "multipart/form-data":
        return "multipart"
    if media.startswith("text/"):
        return "text"
    return "binary"


def _pick_media(
    content: Mapping[str, Any], preference: tuple[BodyEncoding, ...]
) -> tuple[BodyEncoding, str, Mapping[str, Any]] | None:
    """The media type the client uses among ``content``'s: the first encoding of
    ``preference`` that one has, then the media type's name."""
    if not isinstance(content, Mapping):
        return None
    ranked = sorted(
        (preference.index(enc), str(ct), content[ct])
        for ct in content
        if (enc := body_encoding(str(ct))) in preference
    )
    if not ranked:
        return None
    _, content_type, media_obj = ranked[0]
    obj = media_obj if isinstance(media_obj, Mapping) else {}
    return preference[ranked[0][0]], content_type, obj


def _permissions(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    result = []
    for entry in value:
        if isinstance(entry, Mapping):
            perms = entry.get("permissions")
            listed = (
                ", ".join(str(p) for p in perms) if isinstance(perms, list) else str(perms or "")
            )
            result.append(f"{entry.get('type', '')}: {listed}")
    return tuple(result)
