"""The committed JSON Schema matches the model, and the examples satisfy both."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from agreement_builder.cli import main
from agreement_builder.workbook.model import json_schema
from agreement_builder.workbook.validate import load_workbook
from tests.conftest import FIXTURES, WORKBOOKS

SCHEMA_FILE = WORKBOOKS / "agreement-workbook.schema.json"
EXAMPLES = sorted(WORKBOOKS.glob("*.yaml"))


def _as_editor_sees(value: Any) -> Any:
    """YAML data as a JSON Schema validator in an editor sees it: dates are strings."""
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_committed_schema_is_in_sync_with_the_model() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "run: agreement-builder schema > workbooks/agreement-workbook.schema.json"
    )


def test_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()


def test_there_are_examples() -> None:
    assert {p.name for p in EXAMPLES} >= {"lappi.yaml", "pohjanmaa.yaml"}


@pytest.mark.parametrize("path", [*EXAMPLES, FIXTURES / "minimal.yaml"], ids=lambda p: p.name)
def test_example_is_valid_for_model_and_schema(path: Path) -> None:
    load_workbook(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in _validator().iter_errors(_as_editor_sees(data))]
    assert errors == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=agreement-workbook.schema.json"


def test_schema_rejects_unknown_keys_too() -> None:
    data = _as_editor_sees(yaml.safe_load((FIXTURES / "minimal.yaml").read_text(encoding="utf-8")))
    data["agreement"]["stauts"] = "final"
    # What failed and where, not jsonschema's wording of it.
    [error] = _validator().iter_errors(data)
    assert (error.validator, list(error.absolute_path)) == ("additionalProperties", ["agreement"])
    assert "'stauts'" in error.message
