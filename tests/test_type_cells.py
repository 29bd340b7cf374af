"""Type cells as real pages write them, read into the types the spec gives; a name that is
no type is a located diagnostic, never an invented empty model; nullability, bases and enum
members as the pages state them."""

from __future__ import annotations

from typing import Any

from generator.pages.build import BuildResult, build
from generator.pages.cells import read_type
from generator.pages.parse import parse_text

REF = "#/components/schemas/microsoft.graph."


def page(rows: str, preamble: str = "A thing.", extra: str = "") -> str:
    return f"""---
doc_type: resourcePageType
---
# thing resource type

Namespace: microsoft.graph

{preamble}

## Properties

| Property | Type | Description |
|:---|:---|:---|
{rows}
{extra}
"""


def built(*texts: str) -> BuildResult:
    return build([parse_text(t, f"page{i}.md") for i, t in enumerate(texts)])


def props(result: BuildResult, name: str = "thing") -> dict[str, Any]:
    schema = result.spec["components"]["schemas"][f"microsoft.graph.{name}"]
    for part in schema.get("allOf", [schema]):
        if "properties" in part:
            return dict(part["properties"])
    return dict(schema["properties"])


def test_type_cells_read_as_pages_write_them() -> None:
    cases = {
        "String": ("String", False),
        "string (readonly)": ("string", False),
        "String collection": ("String", True),
        "Collection(microsoft.graph.itemBody)": ("microsoft.graph.itemBody", True),
        "Collection(Edm.String)": ("String", True),
        "Collection(x) (read-only)": ("x", True),
        "Edm.Int64": ("Int64", False),
        "[audio][]": ("audio", False),
        "[itemBody](itembody.md) collection": ("itemBody", True),
    }
    for cell, (name, collection) in cases.items():
        text = read_type(cell)
        assert (text.name, text.collection) == (name, collection), cell
    assert read_type("[audio][]").label == "audio"
    assert read_type("[Text][ref]").label == "ref"
    assert read_type("[x](../resources/x.md)").link == "../resources/x.md"


def test_reference_style_links_resolve_by_the_definitions_below() -> None:
    text = page(
        "| body | [ItemBody][body-ref] | The body. |\n| audio | [audio][] | Sound. |",
        extra="\n[body-ref]: itembody.md\n[audio]: audio.md\n",
    )
    parsed = parse_text(text, "resources/thing.md")
    types = {r.name: r.type for r in parsed.properties}
    assert types["body"].link == "itembody.md" and types["audio"].link == "audio.md"
    assert {link.target for link in parsed.type_links} == {"itembody.md", "audio.md"}


def test_primitives_and_their_formats() -> None:
    result = built(
        page(
            "| a | string (readonly) | A. |\n| b | Edm.Stream | B. |\n| c | Edm.Binary | C. |\n"
            "| d | Collection(Edm.Int32) | D. |\n| e | String collection | E. |"
        )
    )
    p = props(result)
    assert p["a"]["type"] == "string"
    assert p["b"]["format"] == "binary"  # a stream is raw bytes
    assert p["c"]["format"] == "base64url"
    assert p["d"]["items"]["format"] == "int32" and p["e"]["items"]["type"] == "string"


def test_a_typo_for_a_primitive_is_a_located_diagnostic_not_a_model() -> None:
    result = built(page("| count | Int23 | How many. |\n| flag | Boolen | A flag. |"))
    schemas = result.spec["components"]["schemas"]
    assert "microsoft.graph.Int23" not in schemas and "microsoft.graph.Boolen" not in schemas
    found = {(d.source, d.line, d.code) for d in result.diagnostics}
    assert ("page0.md", 14, "type-unknown") in found and ("page0.md", 15, "type-unknown") in found
    assert any("did you mean Int32" in d.message for d in result.diagnostics)
    assert props(result)["count"] == {"description": "How many."}


def test_nullable_where_the_page_says_so_and_not_where_it_says_not() -> None:
    result = built(
        page(
            "| a | String | Nullable. |\n| b | String | Not nullable. |\n"
            "| c | String | Required. |\n| d | String | Something. |"
        )
    )
    p = props(result)
    assert p["a"].get("nullable") is True
    assert "nullable" not in p["b"]  # stated: not nullable, even though optional
    assert "nullable" not in p["c"]
    assert p["d"].get("nullable") is True  # unstated: Graph's default (the metadata's too)


def test_inheritance_statements_give_the_base() -> None:
    for preamble in (
        "Inherits from [entity](entity.md).",
        "The **thing** resource is derived from [**entity**](entity.md) and more.",
        "Derived from [entity][].",
    ):
        schema = built(page("| a | String | A. |", preamble))
        thing = schema.spec["components"]["schemas"]["microsoft.graph.thing"]
        assert thing["allOf"][0] == {"$ref": REF + "entity"}, preamble
    rows = "| id | String | Id. Inherited from [entity](entity.md). |\n| a | String | A. |"
    thing = built(page(rows)).spec["components"]["schemas"]["microsoft.graph.thing"]
    assert thing["allOf"][0] == {"$ref": REF + "entity"}
    rows += "\n| b | String | B. Inherited from [outlookItem](outlookitem.md). |"
    thing = built(page(rows)).spec["components"]["schemas"]["microsoft.graph.thing"]
    assert thing["allOf"][0] == {"$ref": REF + "outlookItem"}


def test_an_enum_linked_without_values_takes_its_members_from_the_enums_page() -> None:
    enums = """---
doc_type: enumPageType
---
# Enum types

Namespace: microsoft.graph

### colour values

| Member |
|:---|
| red |
| blue |
"""
    result = built(page("| c | [colour](enums.md#colour-values) | A colour. |"), enums)
    colour = result.spec["components"]["schemas"]["microsoft.graph.colour"]
    assert colour["enum"] == ["red", "blue"]
    assert not [d for d in result.diagnostics if d.code == "type-stub"]


def test_cells_with_prose_notes_and_shortcut_links() -> None:
    assert (read_type("[educationModule] collection").name, True) == ("educationModule", True)
    assert read_type("[educationModule] collection").label == "educationmodule"
    assert read_type("[itemAnalytics](itemanalytics.md) resource").name == "itemAnalytics"
    text = read_type("[educationOutcome](o.md) collection. Holds grades and feedback.")
    assert (text.name, text.collection) == ("educationOutcome", True)


def test_a_deprecated_property_keeps_its_name_and_says_so() -> None:
    p = props(built(page("| owner (deprecated) | String | Use group instead. |")))
    assert p["owner"]["deprecated"] is True and "owner (deprecated)" not in p


def test_an_undefined_type_is_named_as_graph_names_types() -> None:
    # "Recipient" in a cell is Graph's recipient: the name its page will give it.
    result = built(page("| from | [Recipient](recipient.md) | The sender. Not nullable. |"))
    assert props(result)["from"] == {
        "allOf": [{"$ref": REF + "recipient"}],
        "description": "The sender. Not nullable.",
    }
    assert "microsoft.graph.Recipient" not in result.spec["components"]["schemas"]


def test_a_link_to_a_section_names_the_enum_there_not_the_page_type() -> None:
    chat = page(
        "| chatType | [chatType](thing.md#chattype-values) | The kind. |",
        extra="\n### chatType values\n\n| Member |\n|:---|\n| group |\n| oneOnOne |\n",
    )
    result = build([parse_text(chat, "resources/thing.md")])
    assert props(result)["chatType"]["anyOf"][0] == {"$ref": REF + "chatType"}
    assert result.spec["components"]["schemas"]["microsoft.graph.chatType"]["enum"] == [
        "group",
        "oneOnOne",
    ]


def test_a_resource_keyed_by_id_with_no_stated_base_derives_from_entity() -> None:
    keyed = page(
        "| name | String | A name. |",
        extra='\n## JSON representation\n\n<!-- { "blockType": "resource", "keyProperty": "id",'
        ' "@odata.type": "microsoft.graph.thing" } -->\n\n```json\n{"name": "String"}\n```\n',
    )
    thing = built(keyed).spec["components"]["schemas"]["microsoft.graph.thing"]
    assert thing["allOf"][0] == {"$ref": REF + "entity"}


def test_inheritance_statements_in_prose_are_linked_or_named_not_any_word() -> None:
    text = page(
        "| a | String | A. |", extra="\nSome values are derived from descendants of the item.\n"
    )
    thing = built(text).spec["components"]["schemas"]["microsoft.graph.thing"]
    assert "allOf" not in thing


def test_instance_attribute_tables_are_never_enum_members() -> None:
    text = page(
        "| status | [thingStatus](#thingstatus-values) | The status. |",
        extra="\n### thingStatus values\n\n| Member |\n|:---|\n| on |\n| off |\n\n"
        "### Instance attributes\n\n| Property name | Type | Description |\n|:---|:---|:---|\n"
        "| @microsoft.graph.downloadUrl | string | A URL. |\n",
    )
    parsed = parse_text(text, "thing.md")
    assert [(e.name, [m.name for m in e.members]) for e in parsed.enums] == [
        ("thingStatus", ["on", "off"])
    ]
    assert any(d.code == "instance-attributes" and d.line == 25 for d in parsed.diagnostics)
    result = build([parsed])
    assert result.spec["components"]["schemas"]["microsoft.graph.thingStatus"]["enum"] == [
        "on",
        "off",
    ]
    assert "@microsoft.graph.downloadUrl" not in props(result)


def test_a_property_table_under_an_enum_heading_lists_no_members() -> None:
    text = page(
        "| a | String | A. |",
        extra="\n### colour values\n\n| Property | Type | Description |\n|:---|:---|:---|\n"
        "| red | String | Not a member. |\n",
    )
    parsed = parse_text(text, "thing.md")
    assert parsed.enums == ()
    assert any(d.code == "enum-table-columns" for d in parsed.diagnostics)


def test_a_base_no_page_defines_is_reported_with_the_hint() -> None:
    result = built(page("| a | String | A. |", "Inherits from [outlookItem](outlookitem.md)."))
    found = [d for d in result.diagnostics if "base type microsoft.graph.outlookItem" in d.message]
    assert found and found[0].code == "type-stub" and found[0].source == "page0.md"
    assert "pass --pages-root or the resource page" in found[0].message
