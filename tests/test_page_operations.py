"""Operations read from API pages shaped like the published reference: request blocks under
any heading the reference uses, header tables and prose, actions and functions, binary
content, OData options, path literals, examples and the server URL. Each story is a small
page of its own, written here."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from support.http_server import ScriptedServer, reply

from generator.pages.build import build
from generator.pages.parse import parse_text


def page(body: str, title: str = "Do thing") -> str:
    return f"""---
title: "{title}"
doc_type: apiPageType
---

# {title}
Namespace: microsoft.graph

Does a thing.

{body}
"""


def spec_of(*texts: str) -> tuple[dict[str, Any], list[str]]:
    pages = [parse_text(t, f"page{i}.md") for i, t in enumerate(texts)]
    result = build(pages)
    validate(result.spec)
    diags = [f"{d.code}: {d.message}" for d in result.diagnostics]
    for p in pages:
        diags += [f"{d.code}: {d.message}" for d in p.diagnostics]
    return result.spec, diags


@pytest.fixture
def sdk_of(tmp_path: Path) -> Iterator[Any]:
    """Build the pages' spec, render its SDK into a folder and import it."""
    from generator.sdk.load import load_api
    from generator.sdk.render import PackageInfo, render_package
    from generator.spec.io import parse_spec_text

    names: list[str] = []

    def make(*texts: str) -> Any:
        spec, _ = spec_of(*texts)
        name = f"pages_sdk_{len(names)}_{tmp_path.name}".replace("-", "_")
        api = load_api(parse_spec_text(json.dumps(spec), "spec.json"))
        for rel, text in render_package(api, PackageInfo(name, name, "1.0.0")).items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        names.append(name)
        return importlib.import_module(name)

    sys.path.insert(0, str(tmp_path))
    try:
        yield make
    finally:
        sys.path.remove(str(tmp_path))
        for name in names:
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


# -- 1. request blocks ---------------------------------------------------------------------


def test_http_request_one_level_down_under_a_topic_heading() -> None:
    text = page(
        """
## Create an upload session

### HTTP request

#### Create new file

```http
POST /me/drive/items/{parentItemId}:/{fileName}:/createUploadSession
```

#### Update existing file

```http
POST /drives/{driveId}/items/{itemId}/createUploadSession
```

### Request body

| Parameter | Type | Description |
|:--|:--|:--|
| deferCommit | Boolean | Wait for an explicit commit. |

## Response

If successful, this method returns a `200 OK` response code.

## Example

### HTTP request

```http
POST /me/drive/items/01ABC/createUploadSession
```
""",
        "driveItem: createUploadSession",
    )
    parsed = parse_text(text, "p.md")
    assert [r.target for r in parsed.http_requests] == [
        "/me/drive/items/{parentItemId}:/{fileName}:/createUploadSession",
        "/drives/{driveId}/items/{itemId}/createUploadSession",
    ]
    spec, _ = spec_of(text)
    assert sorted(spec["paths"]) == [
        "/drives/{driveId}/items/{itemId}/createUploadSession",
        "/me/drive/items/{parentItemId}:/{fileName}:/createUploadSession",
    ]
    body = spec["paths"]["/drives/{driveId}/items/{itemId}/createUploadSession"]["post"]
    schema = body["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["deferCommit"]["type"] == "boolean"


def test_several_http_request_sections_are_paths_of_one_operation() -> None:
    text = page(
        """
## HTTP request (to replace an existing item)

```http
PUT /drives/{drive-id}/items/{item-id}/content
```

## HTTP request (to upload a new file)

```http
PUT /drives/{drive-id}/items/{parent-id}:/{filename}:/content
```

## Response

If successful, this method returns a `201 Created` response code.
""",
        "Upload content",
    )
    spec, _ = spec_of(text)
    ops = [(p, m) for p, item in spec["paths"].items() for m in item]
    assert ops == [
        ("/drives/{driveId}/items/{itemId}/content", "put"),
        ("/drives/{driveId}/items/{parentId}:/{filename}:/content", "put"),
    ]


# -- 2. header tables ----------------------------------------------------------------------

HEADERS = """
## HTTP request

```http
GET /me/events
```

## Request headers

| Name | Description |
|:--|:--|
| Authorization | Bearer {token}. Required. |
| Prefer: outlook.timezone | The time zone of the response. Optional. |
| Prefer: outlook.body-content-type | The body format. Optional. |
| ConsistencyLevel | eventual. Required. |
| consistencylevel | eventual. |
| Bad Header | Not a token. |

## Optional request headers

| Name | Description |
|:--|:--|
| If-Match | The etag. |

You can ask for changes only with the `Prefer: odata.track-changes` header.

## Response

If successful, this method returns a `200 OK` response code.
"""


def test_header_cells_with_values_duplicates_optional_tables_and_prose() -> None:
    spec, diags = spec_of(page(HEADERS, "List events"))
    params = spec["paths"]["/me/events"]["get"]["parameters"]
    headers = {p["name"]: p for p in params if p["in"] == "header"}
    assert list(headers) == ["Prefer", "ConsistencyLevel", "If-Match"]
    assert headers["Prefer"]["schema"]["example"] == (
        "outlook.timezone, outlook.body-content-type, odata.track-changes"
    )
    assert headers["Prefer"]["required"] is False
    assert headers["ConsistencyLevel"]["required"] is True
    assert headers["If-Match"]["required"] is False
    assert any(d.startswith("duplicate-header: header consistencylevel") for d in diags)
    assert any(d.startswith("header-name: header 'Bad Header'") for d in diags)


def test_a_prefer_cell_gives_a_client_that_sends_the_prefer_header() -> None:
    import json

    from generator.sdk.load import load_api
    from generator.spec.io import parse_spec_text

    spec, _ = spec_of(page(HEADERS, "List events"))
    api = load_api(parse_spec_text(json.dumps(spec), "spec.json"))
    op = next(o for o in api.operations if o.path == "/me/events")
    names = [p.name for p in op.parameters if p.location == "header"]
    assert sorted(names) == ["ConsistencyLevel", "If-Match", "Prefer"]


# -- 8. the server URL ---------------------------------------------------------------------

DOWNLOAD = """
## HTTP request

```http
GET /me/drive/items/{item-id}/content
```

## Response

Returns a `302 Found` response redirecting to a preauthenticated download URL.

## Example

<!-- { "blockType": "request", "name": "download" } -->
```http
GET https://files.example-cdn.net/y4mxyz/content
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 302 Found
Location: https://files.example-cdn.net/y4mxyz/file.txt
```
"""


def test_an_example_host_never_becomes_the_server() -> None:
    import json

    from helpers import rendered

    spec, diags = spec_of(page(DOWNLOAD, "Download a file"))
    assert spec["servers"] == [{"url": "https://graph.microsoft.com/v1.0"}]
    assert any(
        d.startswith("server-host: example host https://files.example-cdn.net") for d in diags
    )
    files = rendered(json.dumps(spec), "spec.json")
    assert 'DEFAULT_BASE_URL = "https://graph.microsoft.com/v1.0"' in files["pkg/client.py"]
    assert not [name for name, text in files.items() if "example-cdn" in text]


def test_a_national_cloud_root_the_page_names_is_kept() -> None:
    text = page(
        DOWNLOAD.replace(
            "https://files.example-cdn.net/y4mxyz",
            "https://graph.microsoft.us/v1.0/me/drive/items/1",
        ),
        "Download a file",
    )
    spec, _ = spec_of(text)
    assert spec["servers"] == [{"url": "https://graph.microsoft.us/v1.0"}]


# -- 3. actions and functions --------------------------------------------------------------

ACTION = """
## HTTP request

```http
POST /me/drive/items/{item-id}/checkin
```

## Request body

| Name | Value | Description |
|:--|:--|:--|
| checkInAs | string | Optional. The status after check-in. |
| comment | String | A check-in comment. Required. |

## Response

If successful, this method returns a `204 No Content` response code.
"""


def test_an_action_body_is_its_parameters_whatever_the_table_heads_its_columns() -> None:
    resource = """---
title: "driveItem resource type"
doc_type: resourcePageType
---

# driveItem resource type
Namespace: microsoft.graph

A file.

## Properties

| Property | Type | Description |
|:--|:--|:--|
| name | String | The name. |
"""
    spec, _ = spec_of(page(ACTION, "driveItem: checkin"), resource)
    op = spec["paths"]["/me/drive/items/{itemId}/checkin"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert list(schema["properties"]) == ["checkInAs", "comment"]
    assert schema["required"] == ["comment"]
    item = spec["components"]["schemas"]["microsoft.graph.driveItem"]
    assert list(item["properties"]) == ["name"]  # the action's parameters stay off the type


def test_a_table_that_describes_one_parameter_object_wraps_it() -> None:
    text = page(
        """
## HTTP request

```http
POST /applications/{id}/addPassword
```

## Request body

In the request body, provide an optional `passwordCredential` object with the following properties.

| Property | Type | Description |
|:--|:--|:--|
| displayName | String | Friendly name. Optional. |

## Response

If successful, this method returns a `200 OK` response code and a new [passwordCredential](../resources/passwordcredential.md) object in the response body.
""",
        "application: addPassword",
    )
    spec, _ = spec_of(text)
    op = spec["paths"]["/applications/{applicationId}/addPassword"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    ref = {"$ref": "#/components/schemas/microsoft.graph.passwordCredential"}
    assert schema == {"type": "object", "properties": {"passwordCredential": ref}}
    credential = spec["components"]["schemas"]["microsoft.graph.passwordCredential"]
    assert list(credential["properties"]) == ["displayName"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == ref


def test_a_body_table_after_no_body_is_required_is_still_the_body() -> None:
    text = ACTION.replace(
        "## Request body\n",
        "## Request body\n\nNo request body is required. However, you can specify these.\n",
    )
    spec, _ = spec_of(page(text, "driveItem: checkin"))
    op = spec["paths"]["/me/drive/items/{itemId}/checkin"]["post"]
    assert "requestBody" in op


def test_a_collection_annotation_types_the_return() -> None:
    text = page(
        """
## HTTP request

```http
GET /me/drive/root/search(q='{search-text}')
```

## Example

<!-- { "blockType": "response", "@odata.type": "Collection(microsoft.graph.driveItem)" } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"value": [{"name": "a.txt"}]}
```
""",
        "driveItem: search",
    )
    spec, _ = spec_of(text)
    op = spec["paths"]["/me/drive/root/search(q='{q}')"]["get"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/microsoft.graph.driveItemCollectionResponse"}
    assert op["x-ms-pageable"]["itemName"] == "value"


def test_the_client_never_sends_the_token_to_the_example_host(
    sdk_of: Any, http_server: ScriptedServer, other_origin_server: ScriptedServer
) -> None:
    sdk = sdk_of(page(DOWNLOAD, "Download a file"))
    client_module = importlib.import_module(sdk.__name__ + ".client")
    assert client_module.DEFAULT_BASE_URL == "https://graph.microsoft.com/v1.0"
    # The service answers with a redirect to the download host (here another origin).
    http_server.script(reply(302, headers={"Location": f"{other_origin_server.url}/file.txt"}))
    other_origin_server.script(reply(200, json={}))
    with sdk.Client(http_server.url, token="secret-token") as client:
        client.get_download_file("1")
    (first,) = http_server.requests
    (second,) = other_origin_server.requests
    assert first.headers["Authorization"] == "Bearer secret-token"
    assert "Authorization" not in second.headers


# -- 6. OData function-call literals -------------------------------------------------------


def test_a_quoted_function_argument_has_its_quotes_doubled(
    sdk_of: Any, http_server: ScriptedServer
) -> None:
    sdk = sdk_of(
        page(
            """
## HTTP request

```http
GET /me/drive/root/search(q='{search-text}')
```

## Response

If successful, this method returns a `200 OK` response code.
""",
            "driveItem: search",
        )
    )
    http_server.script(reply(200, json={}))
    with sdk.Client(http_server.url, token="t") as client:
        client.search_drive_item("O'Brien & co")
    (request,) = http_server.requests
    assert request.url_path == "/me/drive/root/search(q='O%27%27Brien%20%26%20co')"


# -- 4. binary content ---------------------------------------------------------------------


def test_content_reads_are_streams_or_a_documented_redirect_and_puts_send_bytes() -> None:
    download, _ = spec_of(page(DOWNLOAD, "Download a file"))
    answer = download["paths"]["/me/drive/items/{itemId}/content"]["get"]["responses"]
    assert "content" not in answer["302"] and "Location" in answer["302"]["headers"]
    photo = page(
        """
## HTTP request

```http
GET /me/photo/$value
PUT /me/photo/$value
```

## Response

If successful, this method returns a `200 OK` response code.

## Example

<!-- { "blockType": "request", "name": "put-photo" } -->
```http
PUT https://graph.microsoft.com/v1.0/me/photo/$value
Content-type: image/jpeg

Binary data for the image
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: image/jpeg
```
""",
        "Photo",
    )
    spec, _ = spec_of(photo)
    item = spec["paths"]["/me/photo/$value"]
    binary = {"schema": {"type": "string", "format": "binary"}}
    assert item["get"]["responses"]["200"]["content"] == {"image/jpeg": binary}
    assert item["put"]["requestBody"] == {"required": True, "content": {"image/jpeg": binary}}
    assert not [p for p in item["get"].get("parameters", []) if p["name"] == "$value"]


# -- 5. OData options in prose -------------------------------------------------------------


def test_query_options_named_in_prose_and_those_the_page_refuses() -> None:
    text = page(
        """
## HTTP request

```http
GET /groups
```

## Optional query parameters

This method supports the `$count`, `$filter`, and `$top` OData query parameters. `$skip` isn't supported. Use the `$value` parameter to get the MIME content.

This method supports the `@microsoft.graph.conflictBehavior` query parameter.

| Value | Description |
|:--|:--|
| fail | Report the failure. |
| rename | Rename the item. |

### Extensions

| Extension type | Comments |
|:--|:--|
| Schema extensions | Returned only with `$select`. |

## Response

If successful, this method returns a `200 OK` response code.
""",
        "List groups",
    )
    spec, diags = spec_of(text)
    params = {p["name"]: p for p in spec["paths"]["/groups"]["get"]["parameters"]}
    assert list(params) == ["$count", "$filter", "$top", "@microsoft.graph.conflictBehavior"]
    assert params["@microsoft.graph.conflictBehavior"]["schema"]["enum"] == ["fail", "rename"]
    assert any(d.startswith("query-option: $value is not an OData query option") for d in diags)
    assert any(
        d.startswith("table-not-understood: table with columns Extension type") for d in diags
    )


REF_PAGE = """
## HTTP request

```http
POST /groups/{id}/members/$ref
```

## Request body

In the request body, supply a JSON representation of a **directoryObject** reference.

## Response

If successful, this method returns a `204 No Content` response code.

## Example

<!-- { "blockType": "request", "name": "add-member" } -->
```http
POST https://graph.microsoft.com/v1.0/groups/1/members/$ref
Content-type: application/json

{
  "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/2"
}
```
"""


def test_a_ref_endpoint_takes_the_odata_id_of_what_it_links(
    sdk_of: Any, http_server: ScriptedServer
) -> None:
    spec, _ = spec_of(page(REF_PAGE, "Add members"))
    op = spec["paths"]["/groups/{groupId}/members/$ref"]["post"]
    media = op["requestBody"]["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/ReferenceCreate"}
    assert media["example"] == {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/2"}
    assert spec["components"]["schemas"]["ReferenceCreate"]["required"] == ["@odata.id"]
    sdk = sdk_of(page(REF_PAGE, "Add members"))
    http_server.script(reply(204))
    with sdk.Client(http_server.url, token="t") as client:
        client.add_members("1", sdk.ReferenceCreate(odata_id="https://x/directoryObjects/2"))
    (request,) = http_server.requests
    assert request.json() == {"@odata.id": "https://x/directoryObjects/2"}


def test_function_parameters_go_in_the_call_or_else_the_query() -> None:
    text = page(
        """
## HTTP request

```http
GET /me/drive/root/delta
GET /reports/getReport(period='{period_value}')
```

## Function parameters

| Parameter | Type | Description |
|:--|:--|:--|
| token | string | Optional. A previous delta token. |
| period | string | The period. Required. |

## Response

If successful, this method returns a `200 OK` response code.
""",
        "driveItem: delta",
    )
    spec, _ = spec_of(text)
    delta = spec["paths"]["/me/drive/root/delta"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in delta] == [
        ("token", "query", False),
        ("period", "query", True),
    ]
    report = spec["paths"]["/reports/getReport(period='{period}')"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in report] == [("period", "path"), ("token", "query")]


# -- 7. examples ---------------------------------------------------------------------------


def test_every_example_is_kept_whole_even_against_a_placeholder_schema() -> None:
    text = page(
        """
## HTTP request

```http
POST /me/widgets
```

## Request body

In the request body, supply a JSON representation of a [widget](../resources/widget.md) object.

## Response

If successful, this method returns a `201 Created` response code and a [widget](../resources/widget.md) object in the response body.

## Examples

<!-- { "blockType": "request", "name": "create-widget" } -->
```http
POST /me/widgets
Content-type: application/json

{"displayName": "A", "size": {"width": 2, "height": 3}}
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
```http
HTTP/1.1 201 Created
Content-type: application/json

{"id": "1", "displayName": "A"}
```

<!-- { "blockType": "request", "name": "create-bare-widget" } -->
```http
POST /me/widgets
Content-type: application/json

{"displayName": "B"}
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
```http
HTTP/1.1 201 Created
Content-type: application/json

{"id": "2", "displayName": "B"}
```
""",
        "Create widget",
    )
    spec, _ = spec_of(text)
    op = spec["paths"]["/me/widgets"]["post"]
    assert op["requestBody"]["content"]["application/json"]["examples"] == {
        "create-widget": {"value": {"displayName": "A", "size": {"width": 2, "height": 3}}},
        "create-bare-widget": {"value": {"displayName": "B"}},
    }
    answers = op["responses"]["201"]["content"]["application/json"]["examples"]
    assert [a["value"] for a in answers.values()] == [
        {"id": "1", "displayName": "A"},
        {"id": "2", "displayName": "B"},
    ]


def test_the_body_type_the_request_body_section_names_and_creates_with_parameter_tables() -> None:
    stated = page(
        """
## HTTP request

```http
PATCH /sites/{site-id}/lists/{list-id}/items/{item-id}/fields
```

## Request body

In the request body, supply a JSON representation of a [fieldValueSet][] specifying the fields to update.

## Response

If successful, this method returns a `200 OK` response code.

[fieldValueSet]: ../resources/fieldvalueset.md
""",
        "Update listItem",
    )
    spec, _ = spec_of(stated)
    op = spec["paths"]["/sites/{siteId}/lists/{listId}/items/{itemId}/fields"]["patch"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/microsoft.graph.fieldValueSet"}
    create = page(
        """
## HTTP request

```http
POST /servicePrincipals/{id}/appRoleAssignedTo
```

## Request body

| Parameter | Type | Description |
|:--|:--|:--|
| principalId | Guid | The principal. |

## Response

If successful, this method returns a `201 Created` response code and an [appRoleAssignment](../resources/approleassignment.md) object in the response body.
""",
        "Grant an appRoleAssignment for a service principal",
    )
    spec, _ = spec_of(create)
    op = spec["paths"]["/servicePrincipals/{servicePrincipalId}/appRoleAssignedTo"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/microsoft.graph.appRoleAssignment"}
    props = spec["components"]["schemas"]["microsoft.graph.appRoleAssignment"]["properties"]
    assert list(props) == ["principalId"]


def test_a_disclaimer_beside_the_permissions_table_is_text_not_an_include_to_read() -> None:
    text = page(
        """
## Permissions

|Permission type | Permissions |
|:--|:--|
|Application | Application.ReadWrite.All |

[!INCLUDE [permissions-ownedby-disclaimer](../../includes/permissions-ownedby-disclaimer.md)]

## HTTP request

```http
GET /servicePrincipals/delta
```

## Response

If successful, this method returns a `200 OK` response code.
""",
        "servicePrincipal: delta",
    )
    parsed = parse_text(text, "p.md")
    assert [r.permissions for r in parsed.permissions] == ["Application.ReadWrite.All"]


def test_a_resource_page_filed_as_an_api_page_is_read_as_a_resource_page() -> None:
    text = page(
        """
## Properties

| Property | Type | Description |
|:--|:--|:--|
| emailAddress | String | The email address. |
""",
        "emailAuthenticationMethod resource type",
    )
    parsed = parse_text(text, "p.md")
    assert parsed.is_resource_page and [p.name for p in parsed.properties] == ["emailAddress"]
    assert [d.code for d in parsed.diagnostics] == ["doc-type"]
    spec, _ = spec_of(text)
    assert "microsoft.graph.emailAuthenticationMethod" in spec["components"]["schemas"]


# -- 7. Derived-type bodies: the @odata.type the page's request sends --------------------

_MEMBER_BODY = """
## HTTP request

```http
POST /teams/{team-id}/members
```

## Request body

In the request body, supply a JSON representation of a conversationMember object.

| Property | Type | Description |
|:---|:---|:---|
|roles|String collection|The roles of the member.|

## Response

If successful, this method returns a `201 Created` response code and a
[conversationMember](../resources/conversationmember.md) object in the response body.

## Example

### Request

<!-- { "blockType": "request", "name": "add_member" } -->
```http
POST https://graph.microsoft.com/v1.0/teams/ee0f5ae2/members
Content-type: application/json

{
  "@odata.type": "#microsoft.graph.%s",
  "roles": ["owner"]
}
```
"""


def test_a_subtype_the_request_sends_without_its_page_is_stated_and_sent(
    sdk_of: Any, http_server: ScriptedServer
) -> None:
    # The page creates a conversationMember by sending the derived type's @odata.type; no
    # page defines that type. It becomes a subtype of the body (with a warning), so the base
    # names it in its discriminator and the SDK's model sends it.
    text = page(_MEMBER_BODY % "aadUserConversationMember", "Create conversationMember")
    spec, diags = spec_of(text)
    schemas = spec["components"]["schemas"]
    base = schemas["microsoft.graph.conversationMember"]
    assert base["discriminator"] == {
        "propertyName": "@odata.type",
        "mapping": {
            "#microsoft.graph.aadUserConversationMember": (
                "#/components/schemas/microsoft.graph.aadUserConversationMember"
            )
        },
    }
    assert schemas["microsoft.graph.aadUserConversationMember"]["allOf"][0] == {
        "$ref": "#/components/schemas/microsoft.graph.conversationMember"
    }
    assert any("type-stub" in d and "aadUserConversationMember" in d for d in diags)
    sdk = sdk_of(text)
    http_server.script(reply(201, json={}))
    with sdk.Client(http_server.url, token="t") as client:
        client.create_conversation_member("t1", sdk.AadUserConversationMember(roles=["owner"]))
    (request,) = http_server.requests
    assert json.loads(request.body) == {
        "@odata.type": "#microsoft.graph.aadUserConversationMember",
        "roles": ["owner"],
    }


def test_a_body_sent_with_its_own_odata_type_names_it_in_the_spec_and_on_the_wire(
    sdk_of: Any, http_server: ScriptedServer
) -> None:
    text = page(_MEMBER_BODY % "conversationMember", "Create conversationMember")
    spec, _ = spec_of(text)
    body = spec["components"]["schemas"]["microsoft.graph.conversationMember"]
    assert body["properties"]["@odata.type"] == {"type": "string"}
    assert body["discriminator"]["mapping"] == {
        "#microsoft.graph.conversationMember": (
            "#/components/schemas/microsoft.graph.conversationMember"
        )
    }
    sdk = sdk_of(text)
    http_server.script(reply(201, json={}))
    with sdk.Client(http_server.url, token="t") as client:
        client.create_conversation_member("t1", sdk.ConversationMember(roles=["owner"]))
    (request,) = http_server.requests
    assert json.loads(request.body)["@odata.type"] == "#microsoft.graph.conversationMember"
