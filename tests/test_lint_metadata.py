"""`apigen lint --metadata FILE.csdl`: pages checked against the service's metadata.

A small CSDL document and small pages written here: each rule finds its fault on a page
that disagrees with the metadata, at the line that states it, and says nothing on the page
that agrees. Then the command line: the option, the config key, and bad metadata (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run_cli

from generator import api
from generator.errors import InputError
from generator.lint import RULES, LintSettings, lint_paths, settings_from_config
from generator.lint.core import Hit
from generator.lint.metadata import lint_against_metadata
from generator.metadata.csdl import parse_csdl
from generator.pages.parse import parse_page

CSDL = """<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="widgetStatus">
        <Member Name="active" Value="0" />
        <Member Name="retired" Value="1" />
        <Member Name="unknownFutureValue" Value="2" />
      </EnumType>
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="graph.entity">
        <Property Name="displayName" Type="Edm.String" />
        <Property Name="size" Type="Edm.Int32" Nullable="false" />
        <Property Name="status" Type="graph.widgetStatus" />
        <Property Name="tags" Type="Collection(Edm.String)" />
        <NavigationProperty Name="parts" Type="Collection(graph.part)" ContainsTarget="true" />
        <NavigationProperty Name="owner" Type="graph.part" />
      </EntityType>
      <EntityType Name="specialWidget" BaseType="graph.widget">
        <Property Name="color" Type="Edm.String" />
      </EntityType>
      <EntityType Name="part" BaseType="graph.entity">
        <Property Name="label" Type="Edm.String" />
      </EntityType>
      <ComplexType Name="itemBody">
        <Property Name="content" Type="Edm.String" />
      </ComplexType>
      <Action Name="polish" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.widget" />
        <Parameter Name="level" Type="Edm.Int32" />
        <Parameter Name="note" Type="graph.itemBody" />
        <ReturnType Type="graph.widget" />
      </Action>
      <Function Name="measure" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.widget" />
        <Parameter Name="unit" Type="Edm.String" />
        <ReturnType Type="Edm.Double" />
      </Function>
      <EntityContainer Name="GraphService">
        <EntitySet Name="widgets" EntityType="graph.widget" />
      </EntityContainer>
    </Schema>
    <Schema Namespace="microsoft.graph.extra" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="gadget">
        <Property Name="name" Type="Edm.String" />
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"""
MD = parse_csdl(CSDL.encode(), "small.csdl")

RESOURCE = """---
title: "widget resource type"
description: "A widget."
author: "someone"
doc_type: resourcePageType
---

# widget resource type

Namespace: microsoft.graph

Inherits from [entity](entity.md).

A widget on a shelf.

## Properties

|Property|Type|Description|
|:---|:---|:---|
|displayName|String|The name shown to people. Nullable.|
|id|String|The identifier. Inherited from [entity](entity.md). Not nullable.|
|size|Int32|The size in units. Not nullable.|
|status|widgetStatus|The state. The possible values are: `active`, `retired`, `unknownFutureValue`.|
|tags|String collection|Labels people gave it.|

## Relationships

|Relationship|Type|Description|
|:---|:---|:---|
|owner|[part](part.md)|The part that owns it.|
|parts|[part](part.md) collection|The parts it is made of.|

## JSON representation

<!-- {
  "blockType": "resource",
  "@odata.type": "microsoft.graph.widget"
}
-->
``` json
{
  "displayName": "String",
  "id": "String (identifier)",
  "size": "Int32",
  "status": "String",
  "tags": ["String"]
}
```
"""

ENUMS = """---
title: "Enum types"
description: "The enums."
author: "someone"
doc_type: enumPageType
---

# Enum types

Namespace: microsoft.graph

### widgetStatus values

|Member|
|:---|
|active|
|retired|
|unknownFutureValue|
"""


def api_page(title: str, request: str, body: str, response: str) -> str:
    return f"""---
title: "{title}"
description: "Do something with a widget."
author: "someone"
doc_type: apiPageType
---

# {title}

Namespace: microsoft.graph

Do something with a [widget](../resources/widget.md).

## HTTP request

<!-- {{
  "blockType": "ignored"
}}
-->
``` http
{request}
```

## Request body

{body}

## Response

{response}
"""


ACTION = api_page(
    "widget: polish",
    "POST /widgets/{widget-id}/polish",
    """|Parameter|Type|Description|
|:---|:---|:---|
|level|Int32|How shiny.|
|note|[itemBody](itembody.md)|Why.|""",
    "If successful, this action returns a `200 OK` response code and a "
    "[widget](../resources/widget.md) object in the response body.",
)

FUNCTION = api_page(
    "widget: measure",
    "GET /widgets/{widget-id}/measure(unit='{unit}')",
    "Don't supply a request body for this method.",
    "If successful, this function returns a `200 OK` response code and a Double in the "
    "response body.",
)

UPDATE = api_page(
    "Update widget",
    "PATCH /widgets/{widget-id}",
    """|Property|Type|Description|
|:---|:---|:---|
|displayName|String|The name. Optional.|
|color|String|For a special widget. Optional.|""",
    "If successful, this method returns a `204 No Content` response code.",
)


def check(tmp_path: Path, text: str, name: str = "page.md") -> list[Hit]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_against_metadata(parse_page(path), text.splitlines(), MD)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def change(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


@pytest.mark.parametrize("page", [RESOURCE, ENUMS, ACTION, FUNCTION, UPDATE])
def test_pages_that_agree_with_the_metadata_have_no_findings(tmp_path: Path, page: str) -> None:
    assert check(tmp_path, page) == []


# (rule, the page it fires on, the line it must be reported at, words of the message)
CASES = [
    (
        "metadata-unknown-type",
        change("|tags|String collection|", "|tags|Tag collection|")(RESOURCE),
        "|tags|",
        ["`Tag`", "microsoft.graph.Tag"],
    ),
    (
        "metadata-unknown-type",  # letter case: with a "did you mean"
        change("|status|widgetStatus|", "|status|WidgetStatus|")(RESOURCE),
        "|status|",
        ["did you mean `microsoft.graph.widgetStatus`?"],
    ),
    (
        "metadata-unknown-type",  # another namespace: with a "did you mean"
        change("|note|[itemBody](itembody.md)|", "|note|gadget|")(ACTION),
        "|note|",
        ["did you mean `microsoft.graph.extra.gadget`?"],
    ),
    (
        "metadata-unknown-property",
        change("|tags|String collection|", "|labels|String|More.|\n|tags|String collection|")(
            RESOURCE
        ),
        "|labels|",
        ["no property `labels`"],
    ),
    (
        "metadata-unknown-property",  # letter case
        change("|displayName|String|The name shown", "|DisplayName|String|The name shown")(
            RESOURCE
        ),
        "|DisplayName|",
        ["did you mean `displayName`?"],
    ),
    (
        "metadata-unknown-property",  # an update body row no (derived) type has
        change("|color|String|", "|colour|String|")(UPDATE),
        "|colour|",
        ["no property `colour`"],
    ),
    (
        "metadata-missing-property",
        change("|tags|String collection|Labels people gave it.|\n", "")(RESOURCE),
        "|Property|Type|Description|",
        ["lack `tags`"],
    ),
    (
        "metadata-missing-property",
        change("|parts|[part](part.md) collection|The parts it is made of.|\n", "")(RESOURCE),
        "|Relationship|Type|Description|",
        ["relationships", "lack `parts`"],
    ),
    (
        "metadata-property-type",
        change("|size|Int32|", "|size|Int64|")(RESOURCE),
        "|size|",
        ["Edm.Int64 on the page", "Edm.Int32 in the metadata"],
    ),
    (
        "metadata-property-type",  # collection
        change("|tags|String collection|", "|tags|String|")(RESOURCE),
        "|tags|",
        ["Collection(Edm.String) in the metadata"],
    ),
    (
        "metadata-nullable",
        change("|size|Int32|The size in units. Not nullable.|", "|size|Int32|Size. Nullable.|")(
            RESOURCE
        ),
        "|size|",
        ["nullable on the page", "not nullable in the metadata"],
    ),
    (
        "metadata-base-type",
        change("Inherits from [entity](entity.md).", "Inherits from [part](part.md).")(RESOURCE),
        "Inherits from",
        [
            "inherits from microsoft.graph.part on the page",
            "microsoft.graph.entity in the metadata",
        ],
    ),
    (
        "metadata-enum-members",  # a member the metadata lacks, at its row
        change("|retired|\n", "|retired|\n|broken|\n")(ENUMS),
        "|broken|",
        ["`broken` is not a member of microsoft.graph.widgetStatus"],
    ),
    (
        "metadata-enum-members",  # a member the page lacks, at the table
        change("|retired|\n", "")(ENUMS),
        "|Member|",
        ["lack `retired`"],
    ),
    (
        "metadata-enum-members",  # a "Possible values" list
        change("`active`, `retired`, ", "`active`, `retired`, `paused`, ")(RESOURCE),
        "|status|",
        ["`paused` is not a member"],
    ),
    (
        "metadata-operation",  # a parameter the action lacks
        change("|level|Int32|", "|shine|Int32|More.|\n|level|Int32|")(ACTION),
        "|shine|",
        ["no parameter `shine`"],
    ),
    (
        "metadata-operation",  # a parameter's type
        change("|level|Int32|", "|level|String|")(ACTION),
        "|level|",
        ["parameter `level`", "Edm.String on the page", "Edm.Int32 in the metadata"],
    ),
    (
        "metadata-operation",  # a parameter the page lacks
        change("|note|[itemBody](itembody.md)|Why.|", "")(ACTION),
        "POST /widgets",
        ["lacks parameter `note`"],
    ),
    (
        "metadata-operation",  # a function parameter in the request line
        change("measure(unit='{unit}')", "measure(unit='{unit}',scale=2)")(FUNCTION),
        "GET /widgets",
        ["no parameter `scale`"],
    ),
    (
        "metadata-operation",  # the return type
        change("a Double in the", "a [widget](../resources/widget.md) object in the")(FUNCTION),
        "returns a `200 OK`",
        ["returns Edm.Double in the metadata", "microsoft.graph.widget on the page"],
    ),
    (
        "metadata-path",
        change("POST /widgets/{widget-id}/polish", "POST /widgets/{widget-id}/shine")(ACTION),
        "POST /widgets",
        ["POST /widgets/{widget-id}/shine addresses nothing", "'shine'"],
    ),
    (
        "metadata-path",  # an entity set the metadata lacks
        change("PATCH /widgets/{widget-id}", "PATCH /gizmos/{gizmo-id}")(UPDATE),
        "PATCH /gizmos",
        ["no entity set or singleton 'gizmos'"],
    ),
]


@pytest.mark.parametrize(("rule", "page", "at", "words"), CASES)
def test_each_rule_reports_the_fault_at_the_line_that_states_it(
    tmp_path: Path, rule: str, page: str, at: str, words: list[str]
) -> None:
    hits = check(tmp_path, page)
    assert [h.rule_id for h in hits] == [rule], hits  # one finding per fault, no more
    assert hits[0].line == line_of(page, at)
    for word in words:
        assert word in hits[0].message, hits[0].message


def test_every_metadata_rule_is_registered_and_tested() -> None:
    registered = {r for r in RULES if r.startswith("metadata-")}
    assert registered == {rule for rule, *_ in CASES}
    assert all(RULES[r].target == "page" for r in registered)


def test_page_conventions_are_not_reported(tmp_path: Path) -> None:
    # `...` ("any depth"), a real key in the path, $value on an entity; an unqualified name
    # of an enclosing namespace on a sub-namespace page; a "number" of any width.
    requests = """POST /widgets/{widget-id}/polish
POST /widgets/{widget-id}/.../polish
POST /widgets/0f5d1c2e-8a34-4b8e-9c1d-2e3f4a5b6c7d/polish
GET /widgets/{widget-id}/$value"""
    page = change("POST /widgets/{widget-id}/polish", requests)(ACTION)
    page = change("Namespace: microsoft.graph", "Namespace: microsoft.graph.extra")(page)
    assert check(tmp_path, page) == []
    number = change("a Double in the", "a number in the")(FUNCTION)
    assert check(tmp_path, number) == []


def test_a_string_values_table_is_not_an_unknown_enum(tmp_path: Path) -> None:
    """Pages document a string property's accepted values in an "X values" table."""
    page = RESOURCE.replace("|displayName|String|", "|displayName|String|") + (
        "\n### displayName values\n\n|Member|\n|:---|\n|Blue|\n"
    )
    assert check(tmp_path, page) == []


def write_project(tmp_path: Path, metadata_key: str | None) -> None:
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "docs" / "widget.md").write_text(
        change("|size|Int32|", "|size|Int64|")(RESOURCE), encoding="utf-8"
    )
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / "small.csdl").write_text(CSDL, encoding="utf-8")
    config = '[[build]]\nname = "x"\nspec = "x.yaml"\noutput = "out"\npackage = "x_sdk"\n'
    if metadata_key is not None:
        config += f'\n[lint]\nmetadata = "{metadata_key}"\n'
    (tmp_path / "apigen.toml").write_text(config, encoding="utf-8")


def test_cli_option_and_config_key_check_pages_against_the_metadata(tmp_path: Path) -> None:
    write_project(tmp_path, None)
    plain = run_cli("lint", "docs", cwd=tmp_path)
    assert "metadata-" not in plain.stdout
    given = run_cli("lint", "docs", "--metadata", "meta/small.csdl", cwd=tmp_path)
    assert given.returncode == 1, given.stderr
    assert "docs/widget.md:" in given.stdout and " error metadata-property-type " in given.stdout
    write_project(tmp_path / "configured", "meta/small.csdl")  # relative to the config file
    configured = run_cli("lint", "docs", cwd=tmp_path / "configured")
    assert configured.returncode == 1 and "metadata-property-type" in configured.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "metadata file not found"),
        ("<root/>", "not OData CSDL metadata"),
        ("<edmx:Edmx xmlns:edmx='x'><unclosed>", "malformed metadata XML"),
    ],
)
def test_bad_metadata_is_exit_2_with_one_clear_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    write_project(tmp_path, None)
    if content is not None:
        (tmp_path / "bad.csdl").write_text(content, encoding="utf-8")
    result = run_cli("lint", "docs", "--metadata", "bad.csdl", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("apigen: bad.csdl") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_metadata_setting_must_be_a_path() -> None:
    with pytest.raises(InputError) as caught:
        settings_from_config({"metadata": 3}, "pyproject.toml")
    assert "tool.apigen.lint.metadata" in str(caught.value)
    settings = settings_from_config({"metadata": "m/v1.csdl"}, "/repo/pyproject.toml")
    assert settings.metadata == Path("/repo/m/v1.csdl")


def test_python_api_and_runner_take_the_metadata(tmp_path: Path) -> None:
    write_project(tmp_path, None)
    report = api.lint([tmp_path / "docs"], metadata=tmp_path / "meta" / "small.csdl")
    assert [f.rule_id for f in report.findings if f.rule_id.startswith("metadata-")] == [
        "metadata-property-type"
    ]
    quiet = lint_paths(
        [tmp_path / "docs"],
        LintSettings({"metadata-property-type": "off"}, tmp_path / "meta" / "small.csdl"),
    )
    assert not [f for f in quiet.findings if f.rule_id.startswith("metadata-")]
