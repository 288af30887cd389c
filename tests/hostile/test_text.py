"""Text that is not what it seems, and names that would become paths: located errors, or the
text exactly as written."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from agreement_builder.textdiff import keyed_opcodes, word_diff
from agreement_builder.workbook.model import json_schema
from agreement_builder.workbook.problems import WorkbookError
from agreement_builder.workbook.validate import load_workbook
from tests.hostile.helpers import edited, run, write

VERSION = '  version: "0.1"'


# -- names that become paths -------------------------------------------------------------------


@pytest.mark.parametrize(
    "version",
    ['"../../x"', '"/etc/cron.d"', '".."', '"a/b"', '"0.1\\\\..\\\\x"', '" "', '".hidden"'],
)
def test_a_version_that_is_no_single_path_segment_is_a_located_error(
    tmp_path: Path, version: str
) -> None:
    path = write(tmp_path, edited({VERSION: f"  version: {version}"}))
    code, _, err = run("validate", str(path))
    assert code == 1
    assert f"{path}:8:12: agreement.version:" in err
    assert "never a path" in err or "must not be empty" in err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  id: testi", "  id: ../testi"),
        ("  - id: ranua", "  - id: ../../ranua"),
        ("  - id: T1\n", "  - id: T1/../../x\n"),
        ("  languages: [fi]\n  period", "  languages: [../fi]\n  period"),
    ],
)
def test_ids_and_languages_that_would_leave_the_folder_are_located_errors(
    tmp_path: Path, old: str, new: str
) -> None:
    path = write(tmp_path, edited({old: new}))
    code, _, err = run("validate", str(path))
    assert code == 1
    assert f"{path}:" in err and "is not valid" in err


def test_the_schema_refuses_a_version_that_is_a_path() -> None:
    schema = json_schema()["$defs"]["Agreement"]["properties"]["version"]
    jsonschema.validate("0.3", schema)
    jsonschema.validate("1.0-rc1", schema)
    for bad in ("../../x", "/abs", "..", "a/b", ""):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


# -- YAML 1.1 implicit types where the format expects text -------------------------------------


def test_free_text_is_kept_exactly_as_written(tmp_path: Path) -> None:
    text = edited(
        {
            VERSION: "  version: 1.10",
            '        baseline: "31 %"': "        baseline: 0x7E3",
            '        target: "40 %"': "        target: 0.50",
            "        indicators: [T1-I1]": "        indicators: [T1-I1]\n        schedule: 1:20",
            "  date: 2026-11-20": "  date: 2026-11-20\n  diary_number: 2026-01-01",
            "      - id: T1.1\n        text: {fi: Liikuntaneuvonta käynnistetään.}": (
                "      - id: T1.1\n        text: {fi: 0.50}"
            ),
            "  purpose: Sopimuksen tarkoitus on sopia yhteisistä tavoitteista.": "  purpose: yes",
        }
    )
    workbook = load_workbook(write(tmp_path, text))
    assert workbook.agreement.version == "1.10"
    assert workbook.agreement.diary_number == "2026-01-01"
    assert workbook.agreement.purpose.get("fi") == "yes"
    indicator = workbook.goals[0].indicators[0]
    assert indicator.baseline is not None
    assert (indicator.baseline.plain, indicator.target.plain) == ("0x7E3", "0.50")
    measure = workbook.goals[0].measures[0]
    assert (measure.schedule, measure.text.get("fi")) == ("1:20", "0.50")


def test_a_code_written_as_a_number_still_asks_for_quotes(tmp_path: Path) -> None:
    path = write(tmp_path, edited({'    code: "683"': "    code: 683"}))
    with pytest.raises(WorkbookError) as error:
        load_workbook(path)
    assert "put it in quotes" in str(error.value)


def test_an_id_written_as_a_number_still_asks_for_quotes(tmp_path: Path) -> None:
    path = write(tmp_path, edited({"  - id: T1\n": "  - id: 0x7E3\n"}))
    with pytest.raises(WorkbookError) as error:
        load_workbook(path)
    assert "YAML reads 0x7E3 as a number: put it in quotes" in str(error.value)


# -- invisible and control characters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ('"Liikunta\\e[31m lisääntyy"', "U+001B (ESC)"),
        ('"Liikunta\\flisääntyy"', "U+000C (form feed)"),
        ('"Liikunta\\0 lisääntyy"', "U+0000 (NUL)"),
        ('"Liikunta\\uFFFE lisääntyy"', "U+FFFE"),
        ('"txt.exe\\u202Efdp.pdf"', "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ('"rivi\\rrivi"', "U+000D (carriage return)"),
        ('"a\\x85b"', "U+0085"),
    ],
)
def test_control_characters_are_refused_at_their_field(
    tmp_path: Path, written: str, shown: str
) -> None:
    path = write(
        tmp_path,
        edited({"    title: {fi: Liikkuminen lisääntyy}": f"    title: {{fi: {written}}}"}),
    )
    code, _, err = run("validate", str(path))
    assert code == 1
    assert f"{path}:34:17:" in err
    assert "goals[T1].title.fi: holds the invisible character " + shown in err
    # The message never carries the character itself to the terminal.
    assert all(ch.isprintable() or ch == "\n" for ch in err)


def test_tabs_and_line_breaks_are_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited({"    title: {fi: Liikkuminen lisääntyy}": '    title: {fi: "a\\tb\\nc"}'}),
    )
    assert load_workbook(path).goals[0].title.get("fi") == "a\tb\nc"


def test_a_control_character_in_a_key_is_echoed_escaped(tmp_path: Path) -> None:
    path = write(tmp_path, edited({"  status: draft": '  status: draft\n  "\\e]0;pwned\\a": 1'}))
    code, _, err = run("validate", str(path))
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;pwned\\x07" in err


def test_export_refuses_control_characters_and_writes_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited({"    title: {fi: Liikkuminen lisääntyy}": '    title: {fi: "a\\eb"}'}),
    )
    target = tmp_path / "out.xlsx"
    code, _, err = run("export-xlsx", str(path), "-o", str(target))
    assert code == 1 and "U+001B (ESC)" in err
    assert not target.exists()


# -- word differences --------------------------------------------------------------------------


def test_opcodes_take_tuple_keys_with_their_own_glue() -> None:
    old = [("text", "Kehitetään"), ("text", " "), ("text", "mallia")]
    new = [("text", "Luodaan"), ("text", " "), ("text", "malli")]
    glued = keyed_opcodes(old, new, is_space=lambda key: key[0] == "text" and not key[1].strip())
    assert glued == [("replace", 0, 3, 0, 3)]
    apart = keyed_opcodes(old, new, is_space=lambda key: False)
    assert apart == [("replace", 0, 1, 0, 1), ("equal", 1, 2, 1, 2), ("replace", 2, 3, 2, 3)]


def test_word_diff_still_glues_spaces_between_changes() -> None:
    assert word_diff("a b", "x y") == [("-", "a b"), ("+", "x y")]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - id: ranua", "  - id: yes", "YAML reads yes as true/false: put it in quotes"),
        ("  - id: hyte", "  - id: 2026-01-01", "YAML reads 2026-01-01 as a date: put it in quotes"),
        ("    theme: hyte", "    theme: off", "YAML reads off as true/false: put it in quotes"),
    ],
)
def test_an_identifier_yaml_reads_otherwise_asks_for_quotes(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = write(tmp_path, edited({old: new}))
    with pytest.raises(WorkbookError) as error:
        load_workbook(path)
    assert message in str(error.value)
