"""API pages as path items and operations.

Each HTTP request line of an API page becomes one operation on its normalized path: an id
from the title's verb and noun, path, query and header parameters, the request body (an
action's parameter table or the resource type), the success response read from the Response
section, one error response per documented status, and the permissions table. Examples met on
the way are kept aside with their media objects, to be fitted once every schema exists.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from typing import Any

from generator.pages.model import Page
from generator.pages.names import (
    page_namespace,
    pascal,
    plain_text,
    property_description,
    qualify,
    singular,
    title_parts,
)
from generator.pages.paths import (
    PathParam,
    entity_collection,
    entity_parent,
    graph_root,
    normalize_path,
    split_target,
    takes_parameters,
    unbalanced,
    wrapped_parameter,
)
from generator.pages.schemas import ERROR_SCHEMA, Schemas
from generator.pages.typemodel import (
    TypeDef,
    TypeModel,
    body_type_name,
    example_types,
    row_prop,
)
from generator.spec.openapi import PARTIAL_OF, SCHEMA_PREFIX
from generator.spec.partial import partial_view

QUERY_OPTIONS: dict[str, dict[str, Any]] = {
    "$top": {
        "description": "Show only the first n items",
        "schema": {"type": "integer", "minimum": 0},
    },
    "$skip": {
        "description": "Skip the first n items",
        "schema": {"type": "integer", "minimum": 0},
    },
    "$count": {
        "description": "Include the count of all matching items (`@odata.count`)",
        "schema": {"type": "boolean"},
    },
    "$search": {
        "description": (
            "Search items by search phrases. Pass the phrase as Graph reads it, in double "
            'quotes: `"displayName:foo"` on directory objects (property:words), `"pizza"` on '
            "messages; on directory objects Graph needs the `ConsistencyLevel: eventual` header"
        ),
        "schema": {"type": "string"},
    },
    "$filter": {
        "description": (
            "Filter items by property values, an OData expression such as "
            "`startswith(displayName,'a')` or `status eq 'completed'`"
        ),
        "schema": {"type": "string"},
    },
    "$orderby": {
        "description": "Order items by property values (`displayName desc`), first key first",
        "array": True,
    },
    "$select": {"description": "Select properties to be returned", "array": True},
    "$expand": {"description": "Expand related entities", "array": True},
}

# OData's body of a reference to add (``POST .../members/$ref``, ``PUT .../manager/$ref``).
REFERENCE_SCHEMA = "ReferenceCreate"
REFERENCE = {
    "type": "object",
    "properties": {"@odata.id": {"type": "string", "description": "The URL of the entity"}},
    "required": ["@odata.id"],
}

# What Graph supports on a read of an entity set or collection (every system query option
# above), and on a read of one entity (https://learn.microsoft.com/graph/query-parameters).
COLLECTION_OPTIONS = tuple(QUERY_OPTIONS)
ENTITY_OPTIONS = ("$select", "$expand")
# Directory objects answer `$search`, and `$count` with other options, only as "advanced
# queries", which need this header (https://learn.microsoft.com/graph/aad-advanced-queries).
CONSISTENCY_LEVEL = "ConsistencyLevel"
DIRECTORY_TYPES = frozenset(
    "microsoft.graph." + name.lower()
    for name in (
        "directoryObject",
        "user",
        "group",
        "application",
        "servicePrincipal",
        "device",
        "orgContact",
        "administrativeUnit",
        "directoryRole",
        "directoryRoleTemplate",
        "contract",
        "appRoleAssignment",
    )
)

_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 302: "Found"}


@dataclass(frozen=True)
class PageExample:
    """A page's example body, kept for the media object it illustrates; ``name`` is its
    annotation's (``"name": "create-user"``), or empty."""

    media: dict[str, Any]
    value: Any
    source: str
    line: int
    name: str


def _permissions(page: Page) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in page.permissions:
        names: list[str] = []
        for cell in (row.permissions, row.higher_privileged or ""):
            text = cell.strip()
            if not text or re.fullmatch(r"not (supported|applicable)\.?", text, re.IGNORECASE):
                continue
            for part in re.split(r"\s*,\s*", text):
                part = part.strip()
                if part and part not in names:
                    names.append(part)
        if names:  # "Not supported." rows grant nothing; the type is left out
            out.append({"type": row.type, "permissions": names})
    return out


def _parameter(
    name: str,
    where: str,
    schema: dict[str, Any],
    *,
    required: bool,
    description: str = "",
) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": where}
    if description:
        p["description"] = description
    p["required"] = required
    p["schema"] = schema
    return p


class Operations:
    """Gathers path items from API pages, with the tags, servers, collection-response
    schemas and examples they bring."""

    def __init__(self, model: TypeModel, schemas: Schemas) -> None:
        self.model = model
        self.schemas = schemas
        self.paths: dict[str, dict[str, Any]] = {}
        self.examples: list[PageExample] = []
        self.collections: dict[str, dict[str, Any]] = {}
        self.tags: set[str] = set()
        self.operation_ids: set[str] = set()
        self.servers: list[str] = []
        self.source_of: dict[tuple[str, str], str] = {}  # (path, method) -> the page that added it
        self.references = False  # a /$ref operation takes `REFERENCE_SCHEMA`
        # (path, method) -> the query options its page says are not supported
        self.unsupported: dict[tuple[str, str], frozenset[str]] = {}

    def unique_id(self, op_id: str) -> str:
        base, n = op_id, 2
        while op_id in self.operation_ids:
            op_id, n = f"{base}{n}", n + 1
        self.operation_ids.add(op_id)
        return op_id

    def add_page(self, page: Page) -> None:
        ns = page_namespace(page)
        verb, noun = title_parts(page)
        body_type = body_type_name(page, self.model)
        for ex in page.examples_of("request"):
            if ex.http and ex.http.target:
                _, server = split_target(ex.http.target)
                if server and graph_root(server):
                    self.servers.append(server)
                elif server:
                    self.model.diag(
                        page.source,
                        ex.http.line,
                        "server-host",
                        f"example host {server} is not a Graph service root; "
                        "the spec's server stays Graph's",
                    )
        first_path: str | None = None
        for index, req in enumerate(page.http_requests):
            if unbalanced(req.target):
                self.model.diag(
                    page.source,
                    req.line,
                    "path-braces",
                    f"request line {req.target} leaves a {{key}} unclosed; read as closed at "
                    "the end of its segment",
                )
            path, params = normalize_path(req.target, page)
            method = req.method.lower()
            item = self.paths.setdefault(path, {})
            if method in item:
                if self.source_of.get((path, method)) == page.source:
                    continue  # the page's own variant (a query string, another key form)
                self.model.diag(
                    page.source,
                    req.line,
                    "duplicate-operation",
                    f"{req.method} {path} is already defined by another page; kept the first",
                )
                continue
            op_id = verb + noun[0].upper() + noun[1:]
            if first_path is not None:
                op_id += self.suffix(first_path, path)
            else:
                first_path = path
            self.source_of[(path, method)] = page.source
            self.unsupported[(path, method)] = page.unsupported_options
            item[method] = self.operation(
                page, ns, method, path, params, self.unique_id(op_id), body_type, noun
            )

    def infer_entity_gets(self) -> None:
        """Add GET to entity paths the pages document only for PATCH or DELETE.

        In OData every entity address answers GET; Graph's get pages list one or two
        addresses of an entity set while its update and delete pages use another (the
        learning pages: get via ``/employeeExperience/learningCourseActivities/{id}``, update
        and delete via ``.../learningProviders/{registrationId}/learningCourseActivities/{id}``).
        The GET added is the documented one for the same entity set (same collection segment,
        same single-entity response), with this path's parameters; it is marked
        ``x-ms-docs-inferred-from`` and reported, so nothing is invented silently.
        """
        gets: dict[str, tuple[str, dict[str, Any]]] = {}
        for path in sorted(self.paths):
            op = self.paths[path].get("get")
            collection = entity_collection(path)
            if op is None or collection is None or "x-ms-pageable" in op:
                continue
            gets.setdefault(collection.lower(), (path, op))
        for path in sorted(self.paths):
            item = self.paths[path]
            collection = entity_collection(path)
            if "get" in item or collection is None:
                continue
            sibling = item.get("patch") or item.get("delete")
            found = gets.get(collection.lower())
            if sibling is None or found is None:
                continue
            source_path, source = found
            body = sibling.get("requestBody", {}).get("content", {}).get("application/json", {})
            returned = (
                source["responses"].get("200", {}).get("content", {}).get("application/json", {})
            )
            if body and body.get("schema") != returned.get("schema"):
                continue  # the update takes another type than the get returns
            op = copy.deepcopy(source)
            for old_resp, new_resp in zip(source["responses"].values(), op["responses"].values()):
                old_media = old_resp.get("content", {}).get("application/json")
                new_media = new_resp.get("content", {}).get("application/json")
                for ex in list(self.examples):
                    if ex.media is old_media and new_media is not None:
                        self.examples.append(replace(ex, media=new_media))
            path_params = [p for p in sibling.get("parameters", []) if p["in"] == "path"]
            others = [p for p in source.get("parameters", []) if p["in"] != "path"]
            op["parameters"] = copy.deepcopy(path_params) + others
            if not op["parameters"]:
                del op["parameters"]
            parent = entity_parent(path)
            op["operationId"] = self.unique_id(
                source["operationId"] + ("For" + pascal(singular(parent)) if parent else "Alt")
            )
            op["x-ms-docs-inferred-from"] = f"GET {source_path}"
            self.unsupported[(path, "get")] = self.unsupported.get(
                (source_path, "get"), frozenset()
            )
            item["get"] = op
            self.model.diag(
                "(page set)",
                0,
                "inferred-get",
                f"GET {path} added from GET {source_path}: the pages document this entity "
                "address for PATCH/DELETE only, and OData entity addresses answer GET",
            )

    def add_query_options(self) -> None:
        """Give every read of an entity or a collection the OData system query options
        Graph supports there, but those its page says are not supported; a read of
        directory objects also declares the `ConsistencyLevel` header `$search` and
        `$count` need. A function's read (``delta``, ``f(x=1)``) keeps what its page lists."""
        for path in sorted(self.paths):
            op = self.paths[path].get("get")
            if op is None or _function_read(path):
                continue
            item = self.read_type(op)
            if item is None:
                continue
            collection = "x-ms-pageable" in op
            params: list[dict[str, Any]] = op.get("parameters", [])
            have = {(p["in"], p["name"].lower()) for p in params}
            skip = self.unsupported.get((path, "get"), frozenset())
            for name in COLLECTION_OPTIONS if collection else ENTITY_OPTIONS:
                if ("query", name) not in have and name not in skip:
                    params.append(system_option(name))
            names = {p["name"].lower() for p in params if p["in"] == "query"}
            if (
                collection
                and names & {"$search", "$count"}
                and ("header", CONSISTENCY_LEVEL.lower()) not in have
                and self.directory_type(item)
            ):
                params.append(consistency_level())
            if params:
                op["parameters"] = params

    def read_type(self, op: dict[str, Any]) -> str | None:
        """The object type a read answers with (of each item, for a collection), or None
        when it answers with something else (a stream, a scalar, nothing)."""
        media = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = media.get("schema", {}).get("$ref", "")
        name = ref[len(SCHEMA_PREFIX) :] if ref.startswith(SCHEMA_PREFIX) else ""
        if "x-ms-pageable" in op:
            items = self.collections.get(name, {}).get("properties", {}).get("value", {})
            ref = items.get("items", {}).get("$ref", "")
            name = ref[len(SCHEMA_PREFIX) :] if ref.startswith(SCHEMA_PREFIX) else ""
        found = self.model.get(name) if name else None
        return found.name if found is not None and found.kind == "object" else None

    def directory_type(self, name: str) -> bool:
        """A directory object: Graph's own, or a type the pages derive from one."""
        found = self.model.get(name)
        chain = [name]
        if found is not None:
            # Each type's stated base, even one no page in the set defines.
            chain += [t.base for t in [found, *self.model.ancestors(found)] if t.base]
        return any(n.lower() in DIRECTORY_TYPES for n in chain)

    @staticmethod
    def suffix(first: str, path: str) -> str:
        keys = re.findall(r"\(([^=()]+)=", path.rsplit("/", 1)[-1])
        if keys:
            return "By" + "".join(pascal(k) for k in keys)
        head = path.strip("/").split("/")[0]
        if head != first.strip("/").split("/")[0]:
            return "For" + pascal(singular(head))
        return "Alt"

    def operation(
        self,
        page: Page,
        ns: str,
        method: str,
        path: str,
        params: list[PathParam],
        op_id: str,
        body_type: str | None,
        noun: str,
    ) -> dict[str, Any]:
        response = page.response
        tag = (response.body_type.split(".")[-1] if response and response.body_type else None) or (
            body_type.split(".")[-1] if body_type else noun[0].lower() + noun[1:]
        )
        self.tags.add(tag)
        op: dict[str, Any] = {"tags": [tag]}
        if page.title:
            op["summary"] = page.title.value
        if page.description:
            op["description"] = plain_text(page.description.value)
        op["operationId"] = op_id
        parameters = self.parameters(page, params, method)
        if parameters:
            op["parameters"] = parameters
        stream = is_stream(path)
        if stream and method in ("put", "post", "patch"):
            op["requestBody"] = _binary_content(page, "request", required=True)
        elif path.endswith("/$ref") and method in ("put", "post"):
            op["requestBody"] = self.reference_body(page)
        else:
            body = self.request_body(page, ns, method, body_type)
            if body is not None:
                op["requestBody"] = body
        op["responses"] = self.responses(page, ns, op, stream and method == "get")
        perms = _permissions(page)
        if perms:
            op["x-ms-permissions"] = perms
        return op

    def parameters(self, page: Page, params: list[PathParam], method: str) -> list[dict[str, Any]]:
        ns = page_namespace(page)
        out: list[dict[str, Any]] = []
        for p in params:
            schema = {"type": "string"}
            if p.type is not None:
                schema = self.schemas.type_schema(
                    p.type, ns, (), page.source, page.title.line if page.title else 1
                )
            out.append(
                _parameter(
                    p.name,
                    "path",
                    schema,
                    required=True,
                    description=plain_text(p.description),
                )
            )
        in_path = {p.original.lower() for p in params} | {p.name.lower() for p in params}
        for row in page.parameters:
            if row.location == "path" or (
                row.location == "function" and row.name.lower() in in_path
            ):
                continue  # in the path; a function's other parameters are query options
            schema = self.schemas.type_schema(row.type, ns, (), page.source, row.line)
            out.append(
                _parameter(
                    row.name,
                    "query",
                    schema,
                    required=bool(row.required),
                    description=property_description(row.description),
                )
            )
        for q in page.query_options:
            if q.name.lower() in QUERY_OPTIONS:
                qp = system_option(q.name)
            else:
                custom: dict[str, Any] = {"type": "string"}
                if q.values:
                    custom["enum"] = list(q.values)
                qp = _parameter(q.name, "query", custom, required=False)
            out.append(qp)
        for h in page.headers:
            lname = h.name.lower()
            if lname == "authorization" or (lname == "content-type"):
                continue
            header_schema: dict[str, Any] = {"type": "string"}
            if h.value:
                header_schema["example"] = h.value  # e.g. Prefer: outlook.timezone="..."
            out.append(
                _parameter(
                    h.name,
                    "header",
                    header_schema,
                    required=bool(h.required),
                    description=property_description(h.description),
                )
            )
        return out

    def request_body(
        self, page: Page, ns: str, method: str, body_type: str | None
    ) -> dict[str, Any] | None:
        if method in ("get", "delete", "head"):
            return None
        if page.request_body_empty and not page.request_body:
            return None  # "No request body is required. However, you can specify ..." + table
        media: dict[str, Any]
        action_rows = [r for t in page.request_body if takes_parameters(page) for r in t.rows]
        wrapped = [wrapped_parameter(t) for t in page.request_body]
        if action_rows and len(wrapped) == 1 and wrapped[0] is not None:
            # The table is the inside of the one parameter; its type holds the rows.
            item = self.schemas.scalar_schema(
                wrapped[0], ns, (), page.source, page.request_body[0].line
            )
            media = {"schema": {"type": "object", "properties": {wrapped[0]: item}}}
        elif action_rows:
            props = {
                r.name: self.schemas.property_schema(row_prop(r, ns, page.source))
                for r in action_rows
            }
            schema: dict[str, Any] = {"type": "object", "properties": props}
            req = [r.name for r in action_rows if r.required]
            if req:
                schema["required"] = req
            media = {"schema": schema}
        elif page.request_body_type and not page.request_body:
            # No table: the type the section says to supply is the body.
            stated = self.schemas.scalar_schema(
                page.request_body_type, ns, (), page.source, page.title.line if page.title else 1
            )
            media = {"schema": stated}
        elif body_type is not None and (page.request_body or method in ("patch", "post", "put")):
            if not page.request_body and not any(
                e.http and e.http.has_json_body for e in page.examples_of("request")
            ):
                return None
            self.model.ensure(
                body_type, "object", page.source, page.title.line if page.title else 1
            )
            body = self.model.get(body_type)
            assert body is not None  # `ensure` just made it if it was missing
            if not body.props and not body.from_resource_page:
                body.stub = True
            self.sent_types(page, ns, body)
            media = {"schema": {"$ref": SCHEMA_PREFIX + body.name}}
        else:
            if page.request_body:
                self.model.diag(
                    page.source,
                    page.request_body[0].line,
                    "body-type",
                    "request body table with no resource type to attach it to; left out",
                )
            return None
        self.keep_examples(media, page, "request", None)
        return {"required": True, "content": {"application/json": media}}

    def sent_types(self, page: Page, ns: str, body: TypeDef) -> None:
        """The ``@odata.type``s the page's request examples send with a ``body``: Graph
        needs them named (an abstract or base type cannot be created as itself), so the
        spec must let the SDK fill them in. The body's own type is marked to carry its tag;
        a type no page defines becomes a subtype of the body (OData only accepts the
        declared type or one derived from it), reported like any undefined type."""
        line = page.title.line if page.title else 1
        for sent in example_types(page):
            name = qualify(sent, ns)
            if name.lower() == body.name.lower():
                body.sent_tagged = True
                continue
            known = self.model.get(name)
            if known is not None and (known.from_resource_page or known.base or known.props):
                continue  # a page defines it: its own base and tag stand
            subtype = self.model.ensure(name, "object", page.source, line)
            subtype.base, subtype.stub = body.name, True
            self.model.diag(
                page.source,
                line,
                "type-stub",
                f"type {name}, which the request example sends as its @odata.type, is not "
                f"defined by any page given; made a subtype of {body.name} with no properties "
                "of its own (pass --pages-root or its resource page)",
            )

    def reference_body(self, page: Page) -> dict[str, Any]:
        """What a ``/$ref`` POST or PUT takes, by OData: the reference to the entity to link,
        ``{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}``."""
        self.references = True
        media: dict[str, Any] = {"schema": {"$ref": SCHEMA_PREFIX + REFERENCE_SCHEMA}}
        self.keep_examples(media, page, "request", None)
        return {"required": True, "content": {"application/json": media}}

    def keep_examples(
        self, media: dict[str, Any], page: Page, kind: str, status: int | None
    ) -> None:
        """Every JSON body of the page's ``kind`` examples (of ``status``, for responses),
        each whole, to be attached to ``media`` once the schemas exist."""
        for ex in page.examples_of(kind):
            http = ex.http
            if http is None or not http.has_json_body:
                continue
            if status is not None and http.status is not None and http.status != status:
                continue
            name = ex.annotation.get("name")
            self.examples.append(
                PageExample(
                    media,
                    http.body_json,
                    page.source,
                    http.body_line or ex.line,
                    name.strip() if isinstance(name, str) else "",
                )
            )

    def responses(
        self, page: Page, ns: str, op: dict[str, Any], stream: bool = False
    ) -> dict[str, Any]:
        """The success response the page states, the documented errors and the default.

        A read of a stream (``/content``, ``/$value``) answers with the bytes (of the MIME
        type the example states, else ``application/octet-stream``) or, when the page says
        so, with a 302 to a download URL, which leads to the bytes (a 200 beside it)."""
        info = page.response
        status = stated_status(page) or 200
        if info is None:
            self.model.diag(
                page.source,
                page.title.line if page.title else 1,
                "response-status",
                f"no success status in the Response section; used {status}",
            )
        reason = info.reason if info else _REASONS.get(status, "Success")
        resp: dict[str, Any] = {"description": reason}
        body_type, collection = response_type(page)
        if stream and status == 302:
            resp["headers"] = {
                "Location": {
                    "description": "The preauthenticated URL of the content (send no token)",
                    "schema": {"type": "string"},
                }
            }
        elif stream and status != 204:
            resp.update(_binary_content(page, "response"))
        elif status != 204 and body_type:
            item = self.schemas.scalar_schema(
                body_type, ns, (), page.source, info.line if info else 1
            )
            if collection:
                schema = self.collection_schema(item, body_type, ns)
                op["x-ms-pageable"] = {
                    "nextLinkName": "@odata.nextLink",
                    "itemName": "value",
                }
            else:
                schema = item
            media: dict[str, Any] = {"schema": schema}
            self.keep_examples(media, page, "response", status)
            resp["content"] = {"application/json": media}
        out: dict[str, Any] = {str(status): resp}
        if stream and status == 302:
            # The redirect leads to the bytes: a client that follows it gets a 200 with them,
            # which is what the operation returns (and some stores answer so directly).
            content = {"description": "The content", **_binary_content(page, "response")}
            out = {"200": content, **out}
        out.update(_error_responses(page))
        out["default"] = {"$ref": "#/components/responses/error"}
        return out

    def collection_schema(self, item: dict[str, Any], body_type: str, ns: str) -> dict[str, Any]:
        name = (
            item["$ref"][len(SCHEMA_PREFIX) :] if "$ref" in item else qualify(body_type, ns)
        ) + "CollectionResponse"
        self.collections[name] = {
            "type": "object",
            "properties": {
                "value": {"type": "array", "items": item},
                "@odata.nextLink": {"type": "string", "nullable": True},
            },
        }
        return {"$ref": SCHEMA_PREFIX + name}


def partial_bodies(paths: dict[str, dict[str, Any]], components: dict[str, Any]) -> None:
    """Make each update's body a partial view of the entity schema it names
    (`generator.spec.partial`); creates keep the `$ref`, and with it what the pages require.
    Run again after an overlay, it copies the properties anew, with the overlay's changes."""
    for path in sorted(paths):
        media = _dig(paths[path], "patch", "requestBody", "content", "application/json")
        schema = _dig(media, "schema")
        ref = schema.get(PARTIAL_OF) or schema.get("$ref")  # a view already: made anew
        view = partial_view(ref, components) if isinstance(ref, str) else None
        if view is not None:
            media["schema"] = copy.deepcopy(view)


def _dig(node: Any, *keys: str) -> dict[str, Any]:
    """``node[k1][k2]...`` when each is a mapping (an overlay may have made anything), else {}."""
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def system_option(name: str) -> dict[str, Any]:
    """The query parameter of an OData system query option (``$select``...): a list of
    names is sent comma-separated (form, not exploded), as Graph reads it."""
    known = QUERY_OPTIONS[name.lower()]
    if known.get("array"):
        qp = _parameter(
            name,
            "query",
            {"type": "array", "uniqueItems": True, "items": {"type": "string"}},
            required=False,
            description=str(known["description"]),
        )
        qp["style"], qp["explode"] = "form", False
        return qp
    return _parameter(
        name, "query", dict(known["schema"]), required=False, description=str(known["description"])
    )


def consistency_level() -> dict[str, Any]:
    """The `ConsistencyLevel: eventual` header of advanced directory queries."""
    return _parameter(
        CONSISTENCY_LEVEL,
        "header",
        {"type": "string", "enum": ["eventual"]},
        required=False,
        description="Indicates the requesting client is using an advanced query capability; "
        "`$search`, and `$count` on directory objects, need `eventual` (the client sends "
        "it when they are used and it is not given)",
    )


def _function_read(path: str) -> bool:
    """A read of a function's result (``delta``, ``getByPath(...)``), not of an entity set."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "(" in last or last.lower() == "delta"


def is_stream(path: str) -> bool:
    """A path that addresses a stream: a media entity's or property's ``/content``, or
    ``/$value``."""
    return path.rstrip("/").rsplit("/", 1)[-1].lower() in ("content", "$value")


def _binary_content(page: Page, kind: str, *, required: bool | None = None) -> dict[str, Any]:
    """Bytes as an OpenAPI body: the MIME type the page's first ``kind`` example states in
    its Content-Type (when not JSON), else ``application/octet-stream``."""
    media_type = "application/octet-stream"
    for ex in page.examples_of(kind):
        stated = (
            {k.lower(): v for k, v in ex.http.headers}.get("content-type", "") if ex.http else ""
        )
        stated = stated.split(";")[0].strip().lower()
        if re.fullmatch(r"[a-z]+/[\w.+-]+", stated) and "json" not in stated:
            media_type = stated
            break
    out: dict[str, Any] = {}
    if required is not None:
        out["required"] = required
    out["content"] = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return out


def stated_status(page: Page) -> int | None:
    """The success status the Response section states, else the first response example's."""
    if page.response is not None:
        return page.response.status
    statuses = [e.http.status for e in page.examples_of("response") if e.http and e.http.status]
    return statuses[0] if statuses else None


def response_type(page: Page) -> tuple[str | None, bool]:
    """(type name, collection) of the success body: the type the Response section links,
    else the ``@odata.type`` of a response example's annotation (``microsoft.graph.x``, or
    ``Collection(microsoft.graph.x)``, or with ``"isCollection": true``); (None, False)
    when the page names none."""
    info = page.response
    if info is not None and info.body_type:
        return info.body_type, info.collection
    for ex in page.examples_of("response"):
        odata = ex.annotation.get("@odata.type")
        if isinstance(odata, str) and odata.strip("# ") and ex.http and ex.http.has_json_body:
            name = odata.strip("# ")
            m = re.fullmatch(r"Collection\((.+)\)", name, re.IGNORECASE)
            if m:
                return m.group(1).strip().lstrip("#"), True
            return name, bool(ex.annotation.get("isCollection"))
    return None, False


def _error_responses(page: Page) -> dict[str, Any]:
    """One response per status of the page's error-conditions table, in status order.

    The description lists each documented ``code: message`` once, so readers of the spec and
    of the SDK's docstrings see why a call can fail; the body is Graph's error shape.
    """
    by_status: dict[int, list[str]] = {}
    for row in page.errors:
        if row.status is None or not 400 <= row.status <= 599:
            continue  # the parser reported the row; a status we cannot read has no slot
        text = ": ".join(x for x in (row.code, row.message) if x) or "error"
        lines = by_status.setdefault(row.status, [])
        if text not in lines:
            lines.append(text)
    return {
        str(status): {
            "description": "; ".join(by_status[status]),
            "content": {"application/json": {"schema": {"$ref": SCHEMA_PREFIX + ERROR_SCHEMA}}},
        }
        for status in sorted(by_status)
    }
