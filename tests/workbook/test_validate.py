"""Every validation rule: a bad workbook, its exact located message, exit 1."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement_builder.cli import main
from agreement_builder.workbook.model import LocalizedText
from agreement_builder.workbook.problems import WorkbookError
from agreement_builder.workbook.validate import load_workbook
from tests.conftest import FIXTURES, WORKBOOKS

BAD = FIXTURES / "bad"

EXPECTED: dict[str, list[str]] = {
    "alias-bomb": [
        "1:32: the file expands to more than 500,000 values (YAML aliases repeating other "
        "aliases?); a workbook needs far fewer"
    ],
    "bad-date": [
        "10:9: agreement.date: '2026-13-45' is not a valid date: write YYYY-MM-DD, e.g. 2026-12-11"
    ],
    "bad-id": [
        "18:9: municipalities[Ranua_kunta].id: 'Ranua_kunta' is not valid: use lowercase letters "
        "a–z, digits and hyphens, starting with a letter or digit (e.g. 'rovaniemi', 'hyte')"
    ],
    "bad-status": ["9:11: agreement.status: 'luonnos' is not valid: use 'draft' or 'final'"],
    "business-id-check-digit": [
        "14:16: wellbeing_area.business_id: business ID '3221317-5' has a wrong check digit: "
        "check it in the YTJ register"
    ],
    "code-two-digits": [
        "19:11: municipalities[ranua].code: '68' is not valid: a municipality code is three "
        'digits, e.g. "047"'
    ],
    "code-unquoted": [
        "19:11: municipalities[ranua].code: must be text, and YAML reads 047 as a number: "
        'put it in quotes: code: "047"'
    ],
    "dangling-references": [
        "33:12: goals[T1].theme: unknown theme 'hytee'; did you mean 'hyte'?",
        "43:29: goals[T1].measures[T1.1].responsible[2]: unknown party 'rovaneimi'; "
        "did you mean 'rovaniemi'?",
        "44:22: goals[T1].measures[T1.1].indicators[1]: unknown indicator 'T1-I2'; "
        "did you mean 'T1-I1'?",
    ],
    "duplicate-id": [
        "23:9: municipalities[ranua].id: duplicate id 'ranua': party 'ranua' is already at "
        "line 18; party ids must be unique"
    ],
    "duplicate-key": [
        "9:3: duplicate key 'version' (first at line 8): each key may appear once; merge the two "
        "or remove one"
    ],
    "plan-status": ["14:11: plan.status: 'hyväksytty' is not valid: use 'draft' or 'final'"],
    "plan-approver-without-plan": [
        "23:20: municipalities[ranua].plan_approver: a plan approver needs the two-document "
        "form: add `plan:` (version, status, date) or remove it"
    ],
    "plan-version-folder": [
        "8:12: agreement.version: 'plan-1' would be a folder of the plan's versions "
        "(OUTPUT/<agreement id>/plan-<plan version>/): choose a version that does not start "
        "with 'plan-'"
    ],
    "goal-without-measures": ["40:15: goals[T1].measures: a goal needs at least one measure"],
    "missing-field": ["4:3: agreement: required key 'status' is missing"],
    "municipality-language": [
        "21:17: municipalities[ranua].languages[1]: 'sv' is not one of the agreement's languages "
        "(fi): add it to agreement.languages or remove it here"
    ],
    "not-a-mapping": [
        "1:1: the workbook must be a mapping of keys (format:, agreement:, …), not a list"
    ],
    "period-order": [
        "7:11: agreement.period: the period ends (2025-12-31) before it starts (2026-01-01): "
        "swap them or fix a year"
    ],
    "python-tag": [
        "1:9: the YAML tag '!!python/object/apply:os.system' is not allowed: a workbook holds "
        "plain text, numbers, dates, lists and mappings only"
    ],
    "tab-indented": ["4:1: a tab is used for indentation: YAML indents with spaces only"],
    "unknown-key": [
        "10:3: agreement: unknown key 'stauts'; did you mean 'status'? (valid keys: id, title, "
        "languages, period, version, status, date, diary_number, preparer, purpose, "
        "title_genitive, party_order)"
    ],
    "unknown-language": ["6:19: agreement.languages[2]: 'en' is not valid: use 'fi' or 'sv'"],
    "wrong-types": [
        "6:14: agreement.languages: must be a list (one item per line, each starting with '- '), "
        "not text",
        "30:12: themes[hyte].title: must be text, or a map of language to text such as "
        "{fi: ..., sv: ...}",
        "43:22: goals[T1].measures[T1.1].responsible: must be a list (one item per line, each "
        "starting with '- '), not text",
        "44:33: goals[T1].measures[T1.1].municipalities[2]: unknown municipality 'kemi'; "
        "known municipality ids: ranua, rovaniemi",
    ],
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# Fixtures whose many messages, or the YAML parser's wording, get a test of their own.
TESTED_ALONE = {"language-missing", "syntax-error"}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in BAD.glob("*.yaml")) == sorted({*EXPECTED, *TESTED_ALONE})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_workbook_is_explained(name: str) -> None:
    path = BAD / f"{name}.yaml"
    code, out, err = run("validate", str(path))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [f"{path}:{line}" for line in EXPECTED[name]]
    assert "Traceback" not in err


def test_syntax_error_is_located_with_advice() -> None:
    """The YAML parser's own words stand between our prefix and our advice; only ours are
    pinned, so that a PyYAML release that rewords its errors does not fail the test."""
    path = BAD / "syntax-error.yaml"
    code, out, err = run("validate", str(path))
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith(f"{path}:5:26: YAML syntax error: ")
    assert line.endswith(": close the {…} with '}', and put text that holds ':' or ',' in quotes")


def test_language_missing_names_every_field() -> None:
    with pytest.raises(WorkbookError) as caught:
        load_workbook(BAD / "language-missing.yaml")
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 12
    assert messages[0] == (
        "agreement.title: the 'sv' text is missing (the agreement is issued in fi, sv): "
        "add 'sv: ...'"
    )
    assert messages[1].startswith("agreement.purpose: plain text is allowed only in a one-language")
    assert messages[-1].startswith("goals[T1].measures[T1.1].text: the 'sv' text is missing")


def test_all_errors_are_reported_sorted_by_position(tmp_path: Path, minimal_text: str) -> None:
    text = (
        minimal_text.replace('code: "698"', "code: 698")
        .replace("status: draft", "status: valmis")
        .replace("theme: hyte", "theme: hyvinvointi")
    )
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path)
    lines = [(p.line, p.column) for p in caught.value.problems]
    assert lines == sorted(lines)
    assert [p.line for p in caught.value.problems] == [9, 24, 33]


def test_valid_workbook_prints_a_summary() -> None:
    code, out, err = run("validate", str(WORKBOOKS / "lappi.yaml"))
    assert (code, err) == (0, "")  # it states every standard clause: no warning
    assert out == f"{WORKBOOKS / 'lappi.yaml'}: valid: 22 parties, 11 goals, 54 measures\n"
    code, out, err = run("validate", str(FIXTURES / "minimal.yaml"))
    assert code == 0
    assert out == f"{FIXTURES / 'minimal.yaml'}: valid: 3 parties, 1 goal, 1 measure\n"


def test_a_workbook_without_a_standard_clause_gets_a_warning(tmp_path: Path, minimal_text):
    path = tmp_path / "clauses.yaml"
    path.write_text(
        minimal_text
        + "sections:\n  - id: riidat\n    title: {fi: Erimielisyydet}\n"
        + "    body: {fi: Neuvotellaan.}\n    covers: [disputes]\n",
        encoding="utf-8",
    )
    code, out, err = run("validate", str(path))
    assert code == 0 and "valid" in out
    warned = err.splitlines()
    assert len(warned) == 2, err
    # Located at the workbook's sections.
    assert all(line.startswith(f"{path}:") for line in warned), err
    assert all(": warning: sections: no section covers " in line for line in warned), err
    assert "covers validity" in warned[0] and "covers entry-into-force" in warned[1]


@pytest.mark.parametrize(
    ("after", "message"),
    [
        ("purpse", "unknown chapter or section 'purpse'; did you mean 'purpose'?"),
        ("forums", "unknown chapter or section 'forums'"),  # the workbook has no forums
        ("toinen", "sections placed after each other in a circle"),
    ],
)
def test_a_section_is_placed_after_what_exists(tmp_path: Path, minimal_text, after, message):
    path = tmp_path / "after.yaml"
    path.write_text(
        minimal_text
        + "sections:\n"
        + f"  - id: eka\n    title: {{fi: Eka}}\n    body: {{fi: Teksti.}}\n    after: {after}\n"
        + "  - id: toinen\n    title: {fi: Toinen}\n    body: {fi: Teksti.}\n    after: eka\n",
        encoding="utf-8",
    )
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path)
    [problem] = [p for p in caught.value.problems if "sections[eka].after" in str(p)]
    assert message in str(problem)
    assert problem.line == len(minimal_text.splitlines()) + 5  # the line of `after:`


def test_en_dash_business_id_is_stored_with_a_hyphen(tmp_path: Path, minimal_text: str) -> None:
    path = tmp_path / "dash.yaml"
    path.write_text(minimal_text.replace("3221317-4", "3221317–4"), encoding="utf-8")
    assert load_workbook(path).wellbeing_area.business_id == "3221317-4"


@pytest.mark.parametrize(
    "business_id",
    [
        "3221307-8",
        "3221317-4",
        "0826048-0",
        "0927140-5",
        "0164308-3",
        "0242746-2",
        "1919717-3",
        "0145626-1",
    ],
)
def test_published_business_ids_are_valid(
    tmp_path: Path, minimal_text: str, business_id: str
) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(minimal_text.replace("3221317-4", business_id), encoding="utf-8")
    assert load_workbook(path).wellbeing_area.business_id == business_id


def test_plain_text_serves_a_one_language_agreement() -> None:
    workbook = load_workbook(FIXTURES / "minimal.yaml")
    assert workbook.agreement.purpose == LocalizedText({}, workbook.agreement.purpose.plain)
    assert workbook.agreement.purpose.get("fi").startswith("Sopimuksen tarkoitus")
    assert workbook.municipalities[0].code == "683"


# Hostile and broken files: a clear error, quickly, never a traceback.


def _expect_single(path: Path, expected: str) -> None:
    code, out, err = run("validate", str(path))
    assert (code, out) == (1, "")
    assert err == f"{path}:{expected}\n"


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        "format: agreement-workbook/1\nagreement:\n  title: Yhteistyösopimus\n".encode("latin-1")
    )
    _expect_single(
        path,
        "3:18: the file is not UTF-8 text (byte 0xF6); save it as UTF-8 "
        "(in most editors: Save As → Encoding: UTF-8)",
    )


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("\n\n", encoding="utf-8")
    _expect_single(
        path, "1:1: the file is empty: a workbook starts with 'format: agreement-workbook/1'"
    )


def test_comments_only_file(tmp_path: Path) -> None:
    path = tmp_path / "comments.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    _expect_single(
        path, "1:1: the file is empty: a workbook starts with 'format: agreement-workbook/1'"
    )


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    _expect_single(
        path, "1:1: the file is 50.0 MB; a workbook is at most 4 MB: is this the right file?"
    )


def test_recursive_alias(tmp_path: Path) -> None:
    path = tmp_path / "recursive.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    _expect_single(path, "1:4: a YAML alias refers to itself")


def test_nesting_deeper_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    _expect_single(path, "1:68: the file nests deeper than 64 levels")


def test_deep_nesting(tmp_path: Path) -> None:
    """5000 levels: PyYAML from 6.0.4 (its libyaml) stops at its own depth limit before ours,
    in its own words; whichever stops it, the user gets one located line and no traceback."""
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert (code, out) == (1, "")
    assert re.fullmatch(rf"{re.escape(str(path))}:1:\d+: [^\n]+\n", err), err
    assert "Traceback" not in err


def test_missing_file(tmp_path: Path) -> None:
    _expect_single(
        tmp_path / "nowhere.yaml", "1:1: cannot read the file: No such file or directory"
    )


def test_alias_bomb_stays_within_bounded_memory() -> None:
    # The bomb would expand to 9**8 = 43 million strings; the loader stops at its node budget.
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(WorkbookError):
        load_workbook(BAD / "alias-bomb.yaml")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 300_000


def test_python_module_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "agreement_builder", "validate", str(BAD / "unknown-key.yaml")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert result.returncode == 1
    assert "unknown key 'stauts'; did you mean 'status'?" in result.stderr
    assert "Traceback" not in result.stderr
