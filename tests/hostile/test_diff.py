"""diff -o over measure texts rephrased inside the agreement's measure table: the tracked
changes mark the words (this crashed with AttributeError in textdiff's glue)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.hostile.helpers import edited, run, write

MEASURE = "        text: {fi: Liikuntaneuvonta käynnistetään.}"


@pytest.mark.parametrize(
    ("old", "new", "deleted", "inserted"),
    [
        ("Kehitetään mallia.", "Luodaan malli.", "Kehitetään mallia", "Luodaan malli"),
        (
            "Kehitetään mallia yhdessä.",
            "Luodaan malli yhdessä.",
            "Kehitetään mallia",
            "Luodaan malli",
        ),
        ("a b c d", "x b y d", "a", "x"),
    ],
)
def test_rephrased_measure_texts_give_tracked_changes(
    tmp_path: Path, old: str, new: str, deleted: str, inserted: str
) -> None:
    old_path = write(tmp_path, edited({MEASURE: f"        text: {{fi: {old}}}"}), "old.yaml")
    new_path = write(
        tmp_path,
        edited({MEASURE: f"        text: {{fi: {new}}}", '  version: "0.1"': '  version: "0.2"'}),
        "new.yaml",
    )
    out = tmp_path / "out"
    code, _stdout, err = run("diff", str(old_path), str(new_path), "-o", str(out))
    assert code == 1, err  # changes found
    (docx,) = out.glob("*_muutosmerkinnat_*.docx")
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode()
    # A word Word may hyphenate has its optional hyphens between pieces of its text.
    body = re.sub(r"</w:(t|delText)><w:softHyphen/><w:\1(?: [^>]*)?>", "", body)
    assert "<w:del " in body and "<w:ins " in body
    assert deleted.split()[0] in body and inserted.split()[0] in body
