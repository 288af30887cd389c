"""docs/workbook-format.md, the workbook format page, keeps in step with the JSON Schema: every key
of the schema (top level and of every object) is described there, and the README points to it,
never outside the project."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agreement_builder.workbook.model import json_schema
from tests.conftest import ROOT

DOC = ROOT / "docs" / "workbook-format.md"
README = ROOT / "README.md"


def schema_keys(schema: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(key, where it is, its description) for every property of the schema, following `$ref`s,
    lists and alternatives; each object (each `$defs` entry) once, at the first place it occurs."""
    defs = schema.get("$defs", {})
    seen: set[str] = set()

    def walk(node: dict[str, Any], path: str, owner: str) -> Iterator[tuple[str, str, str]]:
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                yield from walk(defs[name], path, name)
            return
        for key, value in node.get("properties", {}).items():
            where = f"{path}.{key}" if path else key
            yield key, f"{where} ({owner}.{key})", value.get("description", "")
            yield from walk(value, where, owner)
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], f"{path}[]", owner)
        for alternative in node.get("anyOf", []) + node.get("oneOf", []):
            yield from walk(alternative, path, owner)

    yield from walk(schema, "", "top level")


def documented_keys(text: str) -> set[str]:
    """The names the page gives as keys: in its YAML examples (`key:`), in the first column of
    its tables (`| key |`) and in inline code (`{name, title}`, `agreement.languages`).
    Prose alone does not count."""
    keys: set[str] = set()
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL):
        keys |= set(re.findall(r"(?:^|[\s{,-])([a-z_]+):", block, flags=re.MULTILINE))
    keys |= set(re.findall(r"^\| *([a-z_]+) *\|", text, flags=re.MULTILINE))
    for code in re.findall(r"`([^`\n]+)`", text):
        keys |= set(re.findall(r"[a-z_]+", code))
    return keys


def test_every_key_of_the_schema_is_described() -> None:
    documented = documented_keys(DOC.read_text(encoding="utf-8"))
    missing = [
        f"  {where}: {description or '(no description in the model)'}"
        for key, where, description in schema_keys(json_schema())
        if key not in documented
    ]
    assert not missing, (
        f"{DOC.relative_to(ROOT)} does not describe these keys of the workbook's JSON Schema:\n"
        + "\n".join(missing)
        + "\nAdd each to the section of its object: a table row '| key | type | required | "
        "meaning |' or the key in the YAML example, marked (added) as the project's own."
    )


def test_the_check_sees_a_key_that_is_not_described() -> None:
    schema = {
        "properties": {"goals": {"type": "array", "items": {"$ref": "#/$defs/Goal"}}},
        "$defs": {"Goal": {"properties": {"id": {}, "colour": {"description": "A colour."}}}},
    }
    documented = documented_keys("```yaml\ngoals:\n  - id: T1\n```\nA goal's colour is red.\n")
    assert [(k, w) for k, w, _ in schema_keys(schema) if k not in documented] == [
        ("colour", "goals[].colour (Goal.colour)")
    ]


def test_readme_points_to_the_format_page_and_never_outside_the_project() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("\n## The workbook format\n", 1)[1].split("\n## ", 1)[0]
    assert "(docs/workbook-format.md)" in section
    for path in (README, DOC, *sorted((ROOT / "docs").glob("*.md"))):
        assert "../shared" not in path.read_text(encoding="utf-8"), path


def test_the_format_page_links_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert links
    for link in links:
        assert (DOC.parent / link).exists(), link
