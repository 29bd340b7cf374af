"""Service metadata as the judge: reading CSDL safely, mapping OData types to the OpenAPI
signatures apigen writes, and measuring a spec's fidelity category by category."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import load_bench

from generator.errors import InputError
from generator.metadata import csdl
from generator.metadata.compare import FidelityReport, compare_spec, page_evidence
from generator.metadata.csdl import Metadata, Property, load_metadata, parse_csdl
from generator.metadata.types import (
    EDM,
    Signature,
    csdl_signature,
    openapi_schema,
    page_type_signature,
    schema_signature,
)
from generator.pages.build import build_spec
from generator.pages.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
REAL_METADATA = ROOT.parent / "shared" / "corpus" / "graph-metadata" / "v1.0.csdl"
REF = "#/components/schemas/"

# What bench/fidelity.py measures on tests/pages/, rounded down: the floors the figures may
# not fall below. Raise a floor when apigen gets better (run the script, round down).
FLOORS = {
    "property": 0.93,
    "property-name": 0.96,
    "property-type": 0.97,
    "property-kind": 1.00,
    "property-nullable": 0.88,
    "property-recall": 0.57,
    "page-recall": 0.93,
    "type-known": 0.95,
    "type-casing": 0.90,
    "type-kind": 1.00,
    "base-type": 0.92,
    "abstract": 1.00,
    "open-type": 1.00,
    "placeholder": 0.41,
    "enum-precision": 1.00,
    "enum-recall": 0.97,
    "path-address": 1.00,
    "path-casing": 0.93,
    "operation-method": 1.00,
    "operation-parameter": 0.26,
    "operation-return": 0.78,
    "request-body": 0.90,
    "response-type": 1.00,
    "success-code": 1.00,
}

SMALL = """<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color">
        <Member Name="red" Value="0" />
        <Member Name="green" Value="1" />
        <Member Name="unknownFutureValue" Value="2" />
      </EnumType>
      <EnumType Name="perms" IsFlags="true">
        <Member Name="read" Value="1" />
        <Member Name="write" Value="2" />
      </EnumType>
      <EntityType Name="entity">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="item" BaseType="graph.entity" Abstract="true" OpenType="true">
        <Property Name="name" Type="Edm.String" />
        <Property Name="size" Type="Edm.Int64" Nullable="false" />
        <Property Name="tags" Type="Collection(Edm.String)" />
        <Property Name="color" Type="graph.color" />
        <Property Name="body" Type="graph.body" />
        <Property Name="externalId" Type="Edm.String" />
        <NavigationProperty Name="children" Type="Collection(graph.item)" ContainsTarget="true" />
        <NavigationProperty Name="owner" Type="graph.user" />
        <Annotation Term="Org.OData.Core.V1.AlternateKeys">
          <Collection>
            <Record Type="Org.OData.Core.V1.AlternateKey">
              <PropertyValue Property="Key">
                <Collection>
                  <Record Type="Org.OData.Core.V1.PropertyRef">
                    <PropertyValue Property="Alias" String="externalId" />
                    <PropertyValue Property="Name" PropertyPath="externalId" />
                  </Record>
                </Collection>
              </PropertyValue>
            </Record>
          </Collection>
        </Annotation>
      </EntityType>
      <EntityType Name="file" BaseType="graph.item" HasStream="true">
        <Property Name="hash" Type="Edm.Binary" />
      </EntityType>
      <EntityType Name="user" BaseType="graph.entity">
        <Property Name="displayName" Type="Edm.String" />
        <NavigationProperty Name="items" Type="Collection(graph.item)" ContainsTarget="true" />
      </EntityType>
      <ComplexType Name="body">
        <Property Name="content" Type="Edm.String" />
        <Property Name="kind" Type="sec.kind" />
      </ComplexType>
      <Action Name="copy" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.item" />
        <Parameter Name="name" Type="Edm.String" />
        <Parameter Name="parentId" Type="Edm.Int32" Nullable="false" />
        <ReturnType Type="graph.item" />
      </Action>
      <Action Name="touch" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.item" />
      </Action>
      <Function Name="search" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(graph.item)" />
        <Parameter Name="q" Type="Edm.String" />
        <ReturnType Type="Collection(graph.item)" Nullable="false" />
      </Function>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(graph.item)" />
        <ReturnType Type="Collection(graph.item)" />
      </Function>
      <Function Name="stats" IsComposable="true">
        <Parameter Name="period" Type="Edm.String" Nullable="false" />
        <ReturnType Type="Edm.Stream" />
      </Function>
      <Annotations Target="microsoft.graph.item">
        <Annotation Term="Org.OData.Core.V1.Description" String="An item." />
        <Annotation Term="Org.Example">
          <Record><PropertyValue Property="Property" String="not a property" /></Record>
        </Annotation>
      </Annotations>
      <EntityContainer Name="GraphService">
        <EntitySet Name="items" EntityType="microsoft.graph.item" />
        <EntitySet Name="users" EntityType="graph.user" />
        <Singleton Name="me" Type="graph.user" />
      </EntityContainer>
    </Schema>
    <Schema Namespace="microsoft.graph.security" Alias="sec" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="kind">
        <Member Name="text" Value="0" />
        <Member Name="html" Value="1" />
      </EnumType>
      <ComplexType Name="alert">
        <Property Name="title" Type="Edm.String" />
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test has its own on-disk cache, and no test sees another's parse in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("APIGEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("APIGEN_NO_CACHE", raising=False)
    yield folder


@pytest.fixture
def small() -> Metadata:
    return parse_csdl(SMALL.encode(), "small.csdl")


# ---------------------------------------------------------------------------------------
# Reading CSDL


def test_the_reader_resolves_aliases_and_keeps_every_declaration(small: Metadata) -> None:
    item = small.structured["microsoft.graph.item"]
    assert (item.kind, item.base, item.abstract, item.open_type) == (
        "entity",
        "microsoft.graph.entity",
        True,
        True,
    )
    assert item.properties[1] == Property("size", "Edm.Int64", False, False)
    assert item.properties[2] == Property("tags", "Edm.String", True, True)
    assert item.properties[3].type == "microsoft.graph.color"
    children, owner = item.navigation
    assert (children.type, children.collection, children.contains_target) == (
        "microsoft.graph.item",
        True,
        True,
    )
    assert (owner.type, owner.collection, owner.contains_target) == (
        "microsoft.graph.user",
        False,
        False,
    )
    assert item.alternate_keys == (("externalId",),)
    assert small.structured["microsoft.graph.entity"].key == ("id",)
    assert small.structured["microsoft.graph.file"].has_stream
    # An alias used before the schema that declares it (sec. here) still resolves.
    body = small.structured["microsoft.graph.body"]
    assert body.kind == "complex" and body.properties[1].type == "microsoft.graph.security.kind"
    assert small.enums["microsoft.graph.color"].members == ("red", "green", "unknownFutureValue")
    assert small.enums["microsoft.graph.perms"].flags
    assert "microsoft.graph.security.alert" in small.structured
    assert [n.name for n in small.namespaces] == ["microsoft.graph", "microsoft.graph.security"]
    assert small.in_namespace("microsoft.graph.security") == [
        "microsoft.graph.security.alert",
        "microsoft.graph.security.kind",
    ]
    assert small.entity_sets == {
        "items": "microsoft.graph.item",
        "users": "microsoft.graph.user",
    }
    assert small.singletons == {"me": "microsoft.graph.user"}
    assert small.container == "GraphService"


def test_operations_keep_binding_parameters_and_return_types_apart(small: Metadata) -> None:
    (copy,) = small.operations_named("copy")
    assert (copy.kind, copy.bound, copy.binding_type, copy.binding_collection) == (
        "action",
        True,
        "microsoft.graph.item",
        False,
    )
    assert [(p.name, p.type, p.nullable) for p in copy.parameters] == [
        ("name", "Edm.String", True),
        ("parentId", "Edm.Int32", False),
    ]
    assert copy.returns is not None and copy.returns.type == "microsoft.graph.item"
    (touch,) = small.operations_named("microsoft.graph.touch")
    assert touch.returns is None and touch.parameters == ()
    (search,) = small.operations_named("search")
    assert search.kind == "function" and search.binding_collection
    assert search.returns is not None and search.returns.collection
    (stats,) = small.operations_named("stats")
    assert not stats.bound and stats.composable and stats.binding_type is None


def test_lookups_follow_the_base_chain(small: Metadata) -> None:
    assert [t.name for t in small.ancestors("microsoft.graph.file")] == [
        "microsoft.graph.item",
        "microsoft.graph.entity",
    ]
    members = small.members("microsoft.graph.file")
    assert list(members)[:2] == ["id", "name"]  # base first
    assert members["id"][0] == "microsoft.graph.entity"
    assert members["hash"][0] == "microsoft.graph.file"
    assert small.is_derived("microsoft.graph.file", "microsoft.graph.entity")
    assert not small.is_derived("microsoft.graph.user", "microsoft.graph.item")
    assert small.derived("microsoft.graph.item") == ["microsoft.graph.file"]
    assert small.name_ignoring_case("MICROSOFT.GRAPH.ITEM") == "microsoft.graph.item"
    assert small.key_of("microsoft.graph.file") == ("id",)
    # An action bound to a base applies to its subtypes too.
    assert [o.name for o in small.bound_operations("microsoft.graph.file", False)] == [
        "copy",
        "touch",
    ]
    assert [o.name for o in small.bound_operations("microsoft.graph.file", True)] == [
        "search",
        "delta",
    ]
    assert small.root("me") == ("microsoft.graph.user", False)
    assert small.root("nothing") is None


def test_the_compact_json_form_reads_back_equal(small: Metadata) -> None:
    again = Metadata.from_json(small.to_json())
    assert again.structured == small.structured
    assert again.enums == small.enums
    assert again.operations == small.operations
    assert (again.entity_sets, again.singletons) == (small.entity_sets, small.singletons)
    assert again.namespaces == small.namespaces


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE x [<!ENTITY lol "lol">]>',
        '<!DOCTYPE x SYSTEM "http://example.com/evil.dtd">',
        "<!DOCTYPE x>",
    ],
)
def test_a_doctype_or_entity_declaration_is_refused(declaration: str) -> None:
    text = f'<?xml version="1.0"?>\n{declaration}\n<edmx:Edmx xmlns:edmx="x"/>'
    with pytest.raises(InputError, match="DOCTYPE|ENTITY") as caught:
        parse_csdl(text.encode(), "evil.csdl")
    assert caught.value.file == "evil.csdl" and caught.value.line == 2


def test_a_billion_laughs_is_refused_before_any_expansion() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    text = f'<?xml version="1.0"?>\n<!DOCTYPE x [{laughs}]>\n<x>&l9;</x>'
    with pytest.raises(InputError, match="not allowed"):
        parse_csdl(text.encode(), "laughs.csdl")


def test_a_malformed_file_names_the_file_and_line(tmp_path: Path) -> None:
    broken = SMALL.replace('<Property Name="hash" Type="Edm.Binary" />', "<Property Name=>")
    path = tmp_path / "broken.csdl"
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("        <Property Name=>") + 1
    with pytest.raises(InputError, match="malformed metadata XML") as caught:
        load_metadata(path)
    assert (caught.value.file, caught.value.line) == (str(path), line)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_missing_attribute_or_a_foreign_document_is_bad_input() -> None:
    text = SMALL.replace('<Property Name="hash" Type="Edm.Binary" />', '<Property Name="h" />')
    with pytest.raises(InputError, match="no Type attribute") as caught:
        parse_csdl(text.encode(), "m.csdl")
    assert caught.value.line == text.splitlines().index('        <Property Name="h" />') + 1
    with pytest.raises(InputError, match="root element is <html>"):
        parse_csdl(b"<html><body/></html>", "page.html")
    with pytest.raises(InputError, match="malformed"):
        parse_csdl(b"", "empty.csdl")


def test_a_file_over_the_byte_cap_is_refused_while_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csdl"
    path.write_text(SMALL, encoding="utf-8")
    with pytest.raises(InputError, match="larger than 1000 bytes") as caught:
        load_metadata(path, max_bytes=1000)
    assert caught.value.file == str(path)
    assert load_metadata(path, max_bytes=len(SMALL.encode())).structured  # at the cap: read
    with pytest.raises(InputError, match="not found"):
        load_metadata(tmp_path / "missing.csdl")


def test_a_second_process_loads_from_the_disk_cache(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.csdl"
    path.write_text(SMALL, encoding="utf-8")
    first = load_metadata(path)
    assert load_metadata(path) is first  # the same process: parsed once
    assert list(private_cache.glob("csdl.*/*/*"))  # the compact form is on disk

    def no_parsing(data: bytes, source: str = "") -> Metadata:
        raise AssertionError("parsed again instead of reading the cache")

    csdl._load.cache_clear()  # as a new process would start
    monkeypatch.setattr(csdl, "parse_csdl", no_parsing)
    second = load_metadata(path)
    assert second is not first and second.structured == first.structured
    assert second.source == str(path)


def test_a_damaged_cache_entry_is_parsed_again(tmp_path: Path, private_cache: Path) -> None:
    path = tmp_path / "m.csdl"
    path.write_text(SMALL, encoding="utf-8")
    load_metadata(path)
    for entry in private_cache.glob("csdl.*/*/*"):
        entry.write_text('{"v": "csdl-reader 1", "types": 3}', encoding="utf-8")
    csdl._load.cache_clear()
    assert "microsoft.graph.item" in load_metadata(path).structured


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "m.csdl"
    path.write_text(SMALL, encoding="utf-8")
    assert "microsoft.graph.file" in load_metadata(path).structured
    path.write_text(SMALL.replace('Name="file"', 'Name="folder"'), encoding="utf-8")
    assert "microsoft.graph.folder" in load_metadata(path).structured


# ---------------------------------------------------------------------------------------
# Types: one mapping, two sides that compare equal


@pytest.mark.parametrize("edm", [k for k, v in EDM.items() if v[0] != "any"])
@pytest.mark.parametrize("collection", [False, True])
def test_both_sides_of_every_edm_type_compare_equal(edm: str, collection: bool) -> None:
    from_csdl = csdl_signature(Property("p", edm, collection))
    from_spec = schema_signature(openapi_schema(edm, collection))
    assert from_csdl.same_type(from_spec), (from_csdl, from_spec)


def test_the_mapping_is_the_one_graph_uses() -> None:
    assert EDM["Edm.Int32"] == ("integer", "int32")
    assert EDM["Edm.Byte"] == ("integer", "uint8")
    assert EDM["Edm.DateTimeOffset"] == ("string", "date-time")
    assert EDM["Edm.Stream"] == ("string", "binary")
    assert EDM["Edm.Binary"] == ("string", "base64url")
    assert openapi_schema("microsoft.graph.itemBody") == {"$ref": REF + "microsoft.graph.itemBody"}


def test_a_schema_signature_sees_through_apigens_wrappers() -> None:
    ref = {"$ref": REF + "microsoft.graph.itemBody"}
    named = Signature("microsoft.graph.itemBody", None, False, False)
    assert schema_signature(ref) == named
    assert schema_signature({"allOf": [ref], "description": "x"}) == named
    nullable = schema_signature({"anyOf": [ref, {"type": "object", "nullable": True}]})
    assert nullable == Signature("microsoft.graph.itemBody", None, False, True)
    assert schema_signature({"type": "string", "format": "date-time", "nullable": True}) == (
        Signature("string", "date-time", False, True)
    )
    assert schema_signature({"type": "array", "items": ref}) == Signature(
        "microsoft.graph.itemBody", None, True, None
    )
    assert schema_signature({"type": "object", "properties": {}}).type == "object"
    assert schema_signature({}).type == "any"
    assert schema_signature({"anyOf": [ref, {"type": "string"}]}).type == "any"
    assert Signature("integer", "int64").describe() == "Edm.Int64"
    assert Signature("integer").describe() == "integer"


def test_a_page_type_means_its_edm_type() -> None:
    assert page_type_signature("Stream").same_type(Signature("string", "binary"))
    assert page_type_signature("Edm.Int64").same_type(Signature("integer", "int64"))
    assert page_type_signature("Timestamp").same_type(Signature("string", "date-time"))
    assert page_type_signature("Collection(String)").same_type(Signature("string", None, True))
    assert page_type_signature("microsoft.graph.x").same_type(Signature("microsoft.graph.x"))
    assert page_type_signature("[x][]").type == "any"


# ---------------------------------------------------------------------------------------
# Comparing a spec with the metadata


def ref(name: str) -> dict[str, Any]:
    return {"$ref": REF + "microsoft.graph." + name}


def doc(
    schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None
) -> dict[str, Any]:
    named = {"microsoft.graph." + k: v for k, v in (schemas or {}).items()}
    return {"openapi": "3.0.3", "paths": paths or {}, "components": {"schemas": named}}


def obj(base: str | None = None, **props: Any) -> dict[str, Any]:
    body = {"type": "object", "properties": props}
    return {"allOf": [ref(base), body]} if base else body


def wrongs(report: FidelityReport, category: str) -> list[tuple[str, str, str]]:
    return [(m.reason, m.expected, m.got) for m in report.mismatches if m.category == category]


def counted(report: FidelityReport, category: str) -> tuple[int, int, int]:
    c = report.count(category)
    return c.right, c.wrong, c.page_caused


def test_type_names_are_known_in_the_metadatas_letter_case(small: Metadata) -> None:
    spec = doc({"item": obj(), "Body": obj(content={"type": "string"}), "nothing": obj()})
    spec["components"]["schemas"]["microsoft.graph.ODataErrors.ODataError"] = obj()
    spec["components"]["schemas"]["microsoft.graph.itemCollectionResponse"] = {
        "type": "object",
        "properties": {"value": {"type": "array", "items": ref("item")}},
    }
    report = compare_spec(spec, small)
    assert counted(report, "type-known") == (2, 1, 0)
    assert wrongs(report, "type-known") == [
        ("unknown type", "a type the metadata declares", "microsoft.graph.nothing")
    ]
    assert counted(report, "type-casing") == (1, 1, 0)
    assert wrongs(report, "type-casing") == [
        ("casing", "microsoft.graph.body", "microsoft.graph.Body")
    ]


def test_a_type_names_the_right_kind_and_base(small: Metadata) -> None:
    spec = doc(
        {
            "color": obj(),
            "perms": {"type": "string", "enum": ["read", "write"]},
            "user": obj("entity", displayName={"type": "string"}),
            "file": obj("entity", hash={"type": "string", "format": "base64url"}),
            "body": obj("entity", content={"type": "string"}),
        }
    )
    report = compare_spec(spec, small)
    assert wrongs(report, "type-kind") == [("kind", "enum", "object")]
    assert counted(report, "base-type") == (1, 2, 0)
    assert sorted(wrongs(report, "base-type")) == [
        ("extra base", "(none)", "microsoft.graph.entity"),
        ("skips a level", "microsoft.graph.item", "microsoft.graph.entity"),
    ]


def test_abstract_and_open_are_checked_when_the_spec_says_them(small: Metadata) -> None:
    item = obj("entity", name={"type": "string"})
    item["x-ms-abstract"] = True
    item["allOf"][1]["additionalProperties"] = True
    user = obj("entity", displayName={"type": "string"})
    user["x-ms-abstract"] = True
    user["allOf"][1]["additionalProperties"] = True
    report = compare_spec(doc({"item": item, "user": user}), small)
    assert counted(report, "abstract") == (1, 1, 0)
    assert counted(report, "open-type") == (1, 1, 0)


def test_an_empty_placeholder_is_counted_and_not_judged_further(small: Metadata) -> None:
    spec = doc({"body": {"type": "object", "properties": {}}})
    spec["components"]["schemas"]["microsoft.graph.security.alert"] = obj(title={"type": "string"})
    report = compare_spec(spec, small)
    assert counted(report, "placeholder") == (1, 1, 0)
    assert wrongs(report, "placeholder") == [
        ("empty placeholder", "2 properties", "an empty object")
    ]
    assert report.count("base-type").total == 1  # the placeholder's base is not judged


def test_properties_are_judged_by_name_type_kind_and_nullability(small: Metadata) -> None:
    item = obj(
        "entity",
        name={"type": "string", "nullable": True},
        size={"type": "integer", "format": "int32"},
        tags={"type": "string", "nullable": True},
        color=ref("color"),
        body={"anyOf": [ref("body"), {"type": "object", "nullable": True}]},
        children={"type": "array", "items": ref("item"), "x-ms-navigationProperty": True},
        owner={"allOf": [ref("user")], "description": "not marked as navigation"},
        ExternalId={"type": "string", "nullable": True},
        bogus={"type": "string"},
    )
    report = compare_spec(doc({"item": item}), small)
    assert counted(report, "property-name") == (7, 2, 0)
    assert sorted(wrongs(report, "property-name")) == [
        ("casing", "externalId", "ExternalId"),
        ("unknown property", "a property of microsoft.graph.item", "bogus"),
    ]
    assert sorted(wrongs(report, "property-type")) == [
        ("collection", "Collection(Edm.String)", "Edm.String"),
        ("format", "Edm.Int64", "Edm.Int32"),
    ]
    assert counted(report, "property-type") == (6, 2, 0)
    assert counted(report, "property") == (5, 4, 0)  # both name and type right
    assert wrongs(report, "property-kind") == [
        ("navigation as structural", "navigation", "structural")
    ]
    # color and owner may be null in the metadata; the spec says they may not.
    assert counted(report, "property-nullable") == (4, 2, 0)
    assert [
        m.pointer.rsplit("/", 1)[1] for m in report.mismatches if m.category == "property-nullable"
    ] == ["color", "owner"]


def test_recall_counts_the_metadata_properties_of_filled_types(small: Metadata) -> None:
    spec = doc(
        {
            "entity": obj(id={"type": "string"}),
            "user": obj("entity", displayName={"type": "string", "nullable": True}),
        }
    )
    report = compare_spec(spec, small)
    # entity: id; user: id (through its base), displayName, but not items.
    assert counted(report, "property-recall") == (3, 1, 0)
    assert wrongs(report, "property-recall") == [
        ("missing", "items: Collection(microsoft.graph.item)", "absent")
    ]


def test_a_mismatch_the_page_causes_is_counted_apart(small: Metadata) -> None:
    item = obj(
        "entity",
        size={"type": "integer", "format": "int32"},
        name={"type": "integer", "format": "int32"},
        color={"type": "string"},
    )
    page_types = {
        ("microsoft.graph.item", "size"): "Int32",  # the page is wrong; the spec follows it
        ("microsoft.graph.item", "name"): "String",  # the page is right; apigen is wrong
        ("microsoft.graph.item", "color"): "[color][]",  # apigen could not read the cell
    }
    report = compare_spec(doc({"item": item}), small, page_types)
    assert counted(report, "property-type") == (0, 2, 1)
    page = [m for m in report.mismatches if m.page_caused and m.category != "property-recall"]
    assert [(m.category, m.pointer.rsplit("/", 1)[1]) for m in page] == [
        ("property-type", "size"),
        ("property", "size"),
    ]
    # Recall: what no page documents is the page's omission.
    missing = [m for m in report.mismatches if m.category == "property-recall"]
    assert [m.expected.split(":")[0] for m in missing if m.page_caused][:2] == ["id", "tags"]
    assert all(m.page_caused for m in missing)


def test_page_recall_finds_the_rows_of_the_pages_tables(small: Metadata) -> None:
    spec = doc({"user": obj("entity", displayName={"type": "string"}), "entity": obj(id={})})
    documented = [
        ("microsoft.graph.user", "displayName"),
        ("microsoft.graph.user", "id"),
        ("microsoft.graph.user", "mail"),
        ("microsoft.graph.group", "x"),
    ]
    report = compare_spec(spec, small, documented=documented)
    assert counted(report, "page-recall") == (2, 2, 0)
    assert sorted(m.reason for m in report.mismatches if m.category == "page-recall") == [
        "property missing",
        "schema missing",
    ]


def test_enum_members_both_ways(small: Metadata) -> None:
    spec = doc({"color": {"type": "string", "enum": ["red", "blue", "unknownFutureValue"]}})
    report = compare_spec(spec, small, page_enums={"microsoft.graph.color": ["red", "blue"]})
    assert counted(report, "enum-precision") == (2, 0, 1)  # blue: the page lists it
    assert counted(report, "enum-recall") == (2, 0, 1)  # green: no page lists it
    without_pages = compare_spec(spec, small)
    assert counted(without_pages, "enum-precision") == (2, 1, 0)
    assert wrongs(without_pages, "enum-recall") == [("missing member", "green", "absent")]


def op(status: int = 200, body: Any = None, response: Any = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"responses": {str(status): {"description": "ok"}}, **extra}
    if response is not None:
        out["responses"][str(status)]["content"] = {"application/json": {"schema": response}}
    if body is not None:
        out["requestBody"] = {"content": {"application/json": {"schema": body}}}
    return out


COLLECTION = {"type": "object", "properties": {"value": {"type": "array", "items": ref("item")}}}


@pytest.mark.parametrize(
    "path",
    [
        "/items/{itemId}",
        "/items('{itemId}')",
        "/items(externalId='{externalId}')",
        "/items/externalId={externalId}",
        "/me/items/{itemId}/children/{childId}",
        "/users/{userId}/items/$count",
        "/items/{itemId}/owner/$ref",
        "/items/{itemId}/microsoft.graph.file/$value",
        "/items/{itemId}/microsoft.graph.file/content",
        "/items/{itemId}/body/content",
        "/me/items/{itemId}:/{path}:/name",
        "/items/delta()",
        "/items/microsoft.graph.delta",
    ],
)
def test_paths_the_metadata_can_address(small: Metadata, path: str) -> None:
    report = compare_spec(doc(paths={path: {"get": op()}}), small)
    assert counted(report, "path-address") == (1, 0, 0), report.mismatches


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/things", "unknown root"),
        ("/items/{itemId}/nothing", "unknown segment"),
        ("/items/{itemId}/{otherId}", "key on single"),
        ("/items(name='{name}')", "unknown key"),
        ("/items/{itemId}/$value", "$value misplaced"),
        ("/items/{itemId}/touch/name", "segment after action"),
        ("/items/{itemId}/microsoft.graph.user", "bad cast"),
        ("/items/{itemId}/hash", "unknown segment"),
    ],
)
def test_paths_the_metadata_cannot_address(small: Metadata, path: str, reason: str) -> None:
    report = compare_spec(doc(paths={path: {"get": op()}}), small)
    assert counted(report, "path-address") == (0, 1, 0)
    assert report.mismatches[0].reason == reason


def test_path_casing_and_methods(small: Metadata) -> None:
    paths = {
        "/Items/{itemId}": {"get": op()},
        "/items": {"patch": op(204, body=ref("item"))},
    }
    report = compare_spec(doc(paths=paths), small)
    assert counted(report, "path-address") == (2, 0, 0)
    assert wrongs(report, "path-casing") == [("casing", "Items -> items", "/Items/{itemId}")]
    assert wrongs(report, "operation-method") == [
        ("patch on entities", "GET/POST on entities microsoft.graph.item", "PATCH")
    ]


def test_action_parameters_and_return_types(small: Metadata) -> None:
    good_body = obj(name={"type": "string"}, parentId={"type": "integer", "format": "int32"})
    bad_body = obj(name={"type": "string"}, parentid={"type": "integer"}, extra={})
    paths = {
        "/items/{itemId}/copy": {"post": op(200, body=good_body, response=ref("item"))},
        "/items/{itemId}/microsoft.graph.copy": {"post": op(200, body=bad_body)},
        "/items/{itemId}/touch": {"post": op(204)},
        "/me/items/{itemId}/touch": {"post": op(200, response=ref("item"))},
    }
    report = compare_spec(doc(paths=paths), small)
    assert counted(report, "operation-parameter") == (3, 2, 0)
    assert sorted(wrongs(report, "operation-parameter")) == [
        ("extra parameter", "no parameter extra of microsoft.graph.copy", "extra"),
        ("parameter casing", "parentId", "parentid"),
    ]
    assert counted(report, "operation-return") == (2, 2, 0)
    assert sorted(m.reason for m in report.mismatches if m.category == "operation-return") == [
        "body for no return type",
        "no body",
    ]
    assert wrongs(report, "success-code") == [("post 200", "202/204", "200")]


def test_a_resource_body_is_not_an_actions_parameters(small: Metadata) -> None:
    paths = {"/items/{itemId}/copy": {"post": op(200, body=ref("item"), response=ref("item"))}}
    report = compare_spec(doc(paths=paths), small)
    assert [m.reason for m in report.mismatches] == ["body is a resource type"] * 2


def test_function_parameters_in_the_path_or_the_query(small: Metadata) -> None:
    q = [{"name": "q", "in": "path", "required": True, "schema": {"type": "string"}}]
    q_int = [{"name": "q", "in": "query", "schema": {"type": "integer"}}]
    paths = {
        "/items/search(q='{q}')": {"get": op(response=COLLECTION, parameters=q)},
        "/items/search": {
            "get": op(response={"type": "array", "items": ref("item")}, parameters=q_int)
        },
        "/items/search(Q='{q}')": {"get": op(response=ref("item"), parameters=q)},
    }
    report = compare_spec(doc(paths=paths), small)
    assert counted(report, "operation-parameter") == (1, 2, 0)
    assert sorted(m.reason for m in report.mismatches if m.category == "operation-parameter") == [
        "parameter casing",
        "parameter primitive type",
    ]
    assert wrongs(report, "operation-return") == [
        ("return collection", "Collection(microsoft.graph.item)", "microsoft.graph.item")
    ]


def test_request_bodies_responses_and_success_codes(small: Metadata) -> None:
    paths = {
        "/items": {
            "get": op(response=COLLECTION),
            "post": op(201, body=ref("file"), response=ref("item")),
        },
        "/items/{itemId}": {
            "get": op(response=ref("user")),
            "patch": op(204, body=ref("user")),
            "delete": op(200),
        },
        "/me": {"get": op(response=ref("user")), "patch": op(200, body={"type": "object"})},
    }
    report = compare_spec(doc(paths=paths), small)
    assert counted(report, "request-body") == (1, 2, 0)  # a subtype's body is fine
    assert sorted(wrongs(report, "request-body")) == [
        ("body inline object", "microsoft.graph.user", "object"),
        ("body other named type", "microsoft.graph.item", "microsoft.graph.user"),
    ]
    assert counted(report, "response-type") == (2, 1, 0)
    assert wrongs(report, "response-type") == [
        ("response other named type", "microsoft.graph.item", "microsoft.graph.user")
    ]
    assert counted(report, "success-code") == (6, 1, 0)
    assert wrongs(report, "success-code") == [("delete 200", "204", "200")]


def test_a_report_has_figures_classes_and_groups(small: Metadata) -> None:
    report = compare_spec(doc({"nothing": obj(), "other": obj()}), small)
    figures = report.figures()
    assert figures["type-known"]["ratio"] == 0.0 and figures["property"]["ratio"] is None
    assert report.classes()[0][:3] == ("type-known", "unknown type", 2)
    assert list(report.by_category()) == ["type-known"]


# ---------------------------------------------------------------------------------------
# The real metadata, and the figures apigen reaches on tests/pages


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Metadata]:
    assert REAL_METADATA.is_file(), f"Graph's metadata is expected at {REAL_METADATA}"
    with pytest.MonkeyPatch.context() as patch:  # set up before `private_cache`: its own
        patch.setenv("APIGEN_CACHE_DIR", str(tmp_path_factory.mktemp("graph-cache")))
        yield load_metadata(REAL_METADATA)


def test_graphs_metadata_reads_with_known_facts(graph: Metadata) -> None:
    user = graph.structured["microsoft.graph.user"]
    assert user.base == "microsoft.graph.directoryObject" and user.open_type
    assert graph.structured["microsoft.graph.attachment"].abstract
    # The published page calls learningCourseActivity abstract; the metadata does not.
    lca = graph.structured["microsoft.graph.learningCourseActivity"]
    assert not lca.abstract and lca.alternate_keys == (("externalcourseActivityId",),)
    assert graph.enums["microsoft.graph.courseStatus"].members == (
        "notStarted",
        "inProgress",
        "completed",
        "unknownFutureValue",
    )
    # self.x inside microsoft.graph resolves to the microsoft.graph.security namespace.
    settings = graph.structured["microsoft.graph.retentionLabelSettings"]
    assert settings.properties[0].type == "microsoft.graph.security.behaviorDuringRetentionPeriod"
    assert graph.root("me") == ("microsoft.graph.user", False)
    assert len(graph.structured) == 1182 + 1779 and len(graph.enums) == 861
    assert len(graph.operations) == 1183
    (reminder,) = graph.operations_named("reminderView")
    assert [p.name for p in reminder.parameters] == ["StartDateTime", "EndDateTime"]


def test_the_fidelity_on_tests_pages_stays_above_its_floors(graph: Metadata) -> None:
    bench = load_bench("fidelity.py")
    result = bench.measure([ROOT / "tests" / "pages"], REAL_METADATA)
    report: FidelityReport = result["report"]
    assert result["failed"] == []
    below = {
        name: report.count(name).ratio
        for name, floor in FLOORS.items()
        if (report.count(name).ratio or 0.0) < floor
    }
    assert not below, f"figures fell below their floors {FLOORS}: {below}"
    text = bench.text_report(result)
    assert "property-recall" in text and "mismatches by category" in text


def api_page(title: str, body: str) -> str:
    """A small API page of one's own: front matter, title, namespace, then ``body``."""
    return f"""---
title: "{title}"
doc_type: apiPageType
---

# {title}
Namespace: microsoft.graph

{body}"""


def test_operation_differences_the_page_states_are_counted_apart(small: Metadata) -> None:
    text = api_page(
        "item: copy",
        """Copy an item.

## HTTP request

```http
POST /items/{id}/copy
```

## Request body

| Property | Type | Description |
|:--|:--|:--|
| parentid | Int32 | Where the copy goes. |

## Response

If successful, this action returns a `202 Accepted` response code.
""",
    )
    page = parse_text(text, "copy.md")
    spec = build_spec([page])
    body = spec["paths"]["/items/{itemId}/copy"]["post"]["requestBody"]
    assert list(body["content"]["application/json"]["schema"]["properties"]) == ["parentid"]
    evidence = page_evidence([page])
    report = compare_spec(spec, small, page_operations=evidence.operations)
    # The page lists no `name`, writes `parentid` and answers 202 without the item: its own
    # statements, so the differences are findings about the page, not apigen's errors.
    assert counted(report, "operation-parameter") == (0, 0, 2)
    assert counted(report, "operation-return") == (0, 0, 1)
    without = compare_spec(spec, small)
    assert counted(without, "operation-parameter") == (0, 2, 0)


def test_an_address_the_page_writes_and_the_metadata_lacks_is_the_pages(small: Metadata) -> None:
    text = api_page(
        "Get nothing",
        """Get it.

## HTTP request

```http
GET /items/{id}/nothing
POST /Items/{id}
```

## Response

If successful, this method returns a `200 OK` response code.
""",
    )
    page = parse_text(text, "nothing.md")
    spec = build_spec([page])
    report = compare_spec(spec, small, page_operations=page_evidence([page]).operations)
    assert counted(report, "path-address") == (1, 0, 1)
    assert counted(report, "path-casing") == (0, 0, 1)
    assert counted(report, "operation-method") == (0, 0, 1)
    assert counted(compare_spec(spec, small), "path-address") == (1, 1, 0)


# What bench/fidelity.py --split S --pages-root tests/corpus/graph-docs measures, rounded
# down: (property, type) pairs without page-caused differences, and page-documented rows.
CORPUS_FLOORS = {"train": (0.99, 0.99), "holdout": (0.99, 0.99)}


@pytest.mark.parametrize("split", sorted(CORPUS_FLOORS))
def test_the_corpus_splits_with_link_following_stay_above_their_floors(
    graph: Metadata, split: str
) -> None:
    bench = load_bench("fidelity.py")
    corpus = ROOT / "tests" / "corpus" / "graph-docs"
    result = bench.measure(bench.split_pages(split), REAL_METADATA, pages_root=corpus, md=graph)
    report: FidelityReport = result["report"]
    precision, recall = CORPUS_FLOORS[split]
    assert (report.count("property").ratio_without_page or 0.0) >= precision
    assert (report.count("page-recall").ratio or 0.0) >= recall
    # No empty placeholder for a type whose resource page is in the tree.
    pages = {p.stem.lower() for p in (corpus / "api-reference" / "v1.0" / "resources").glob("*.md")}
    placeholders = [
        m.pointer.rsplit(".", 1)[-1].lower()
        for m in report.mismatches
        if m.category == "placeholder"
    ]
    assert not [name for name in placeholders if name in pages]
