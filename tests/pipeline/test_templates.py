"""A templates folder of one's own (`--templates DIR`): file by file over the shipped set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from agreement_builder.cli import main
from agreement_builder.errors import OutputExists, TemplateError
from agreement_builder.pipeline.run import build
from agreement_builder.theme import Templates, export_templates
from tests.conftest import FIXTURES, TEMPLATES

WORKBOOK = FIXTURES / "minimal.yaml"


def agreement_text(report) -> str:
    [pdf] = [d for d in report.documents if (d.kind, d.format) == ("agreement", "pdf")]
    pages = PdfReader(report.version_dir / pdf.path).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


OVERRIDES = {
    # print.css alone: the shipped one, and a mark the text layer shows (its fonts still come
    # from the shipped folder, through the user's folder's URL).
    "print.css": lambda: (
        (TEMPLATES / "print.css").read_text(encoding="utf-8")
        + '\nh1.title::after { content: " (OMA TYYLI)"; }\n'
    ),
    # One template, the others shipped (it includes shipped parts).
    "agreement.html.j2": lambda: (
        (TEMPLATES / "agreement.html.j2")
        .read_text(encoding="utf-8")
        .replace(
            '{% include "parts/toc.html.j2" %}',
            '<p>OMA POHJA</p>\n{% include "parts/toc.html.j2" %}',
        )
    ),
    # One label of one catalog: the rest of the catalog is the shipped one.
    "messages/fi.yaml": lambda: "contents: Sisältö ja OMA SANASTO\n",
}
SHOWN = {
    "print.css": "(OMA TYYLI)",
    "agreement.html.j2": "OMA POHJA",
    "messages/fi.yaml": "Sisältö ja OMA SANASTO",
}


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_a_folder_with_one_file_changed_builds_and_the_change_shows(
    tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "omat"
    (folder / name).parent.mkdir(parents=True)
    (folder / name).write_text(OVERRIDES[name](), encoding="utf-8")
    report = build(WORKBOOK, tmp_path / "out", templates=folder, formats=("pdf",))
    assert report.ok, report.failures
    text = agreement_text(report)
    assert SHOWN[name] in text
    assert "Testialueen yhteistyösopimus · versio 0.1" in text  # the rest as shipped
    if name == "messages/fi.yaml":
        assert "Sisällys" not in text
    # Nothing else was refused: fonts and the stylesheet came from the two folders.
    assert report.notes == []
    [pdf] = [d for d in report.documents if (d.kind, d.format) == ("agreement", "pdf")]
    page = PdfReader(report.version_dir / pdf.path).pages[0]
    resources: Any = page["/Resources"]
    fonts = {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    assert fonts and all(name.split("+")[-1].startswith("Agreement-Sans") for name in fonts)


def test_the_effective_files_are_the_users_first_then_the_shipped(tmp_path: Path) -> None:
    folder = tmp_path / "omat"
    (folder / "messages").mkdir(parents=True)
    (folder / "print.css").write_text("p { color: red }", encoding="utf-8")
    own = Templates.of(folder)
    assert own.dirs == (folder.resolve(), TEMPLATES.resolve())
    assert own.find("print.css") == folder.resolve() / "print.css"
    assert own.find("fonts/LiberationSans-Regular.ttf").is_relative_to(TEMPLATES.resolve())
    assert own.locate(folder / "fonts" / "LiberationSans-Bold.ttf") == (
        TEMPLATES.resolve() / "fonts" / "LiberationSans-Bold.ttf"
    )
    assert own.locate(tmp_path / "elsewhere.css") is None
    # What the documents depend on: the effective files, each one of them.
    assert own.fingerprint() != Templates.shipped().fingerprint()
    before = own.fingerprint()
    (folder / "messages" / "fi.yaml").write_text("contents: Sisältö\n", encoding="utf-8")
    assert own.fingerprint() != before
    assert own.messages("fi")["contents"] == "Sisältö"
    assert own.messages("fi")["version_label"] == "versio {version}"  # merged: the shipped one
    shipped = Templates.shipped()
    assert shipped.find("print.css") == TEMPLATES.resolve() / "print.css"
    with pytest.raises(TemplateError, match=r"no template file nothing\.css"):
        shipped.find("nothing.css")
    assert shipped.lookup("../pyproject.toml") is None


def test_export_then_build_gives_the_same_bytes_as_the_shipped_templates(tmp_path: Path) -> None:
    folder = tmp_path / "omat"
    result = CliRunner().invoke(main, ["templates", "export", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "print.css").read_bytes() == (TEMPLATES / "print.css").read_bytes()
    assert (folder / "messages" / "sv.yaml").is_file() and (folder / "fonts").is_dir()
    assert Templates.of(folder).fingerprint() == Templates.shipped().fingerprint()
    default = build(WORKBOOK, tmp_path / "default")
    own = build(WORKBOOK, tmp_path / "own", templates=folder)
    assert default.ok and own.ok
    assert [d.path for d in own.documents] == [d.path for d in default.documents]
    for document in default.documents:
        assert (own.version_dir / document.path).read_bytes() == (
            default.version_dir / document.path
        ).read_bytes(), document.path
    assert (own.version_dir / "index.html").read_bytes() == (
        default.version_dir / "index.html"
    ).read_bytes()


def test_export_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    folder = tmp_path / "omat"
    folder.mkdir()
    (folder / "print.css").write_text("/* mine */", encoding="utf-8")
    result = CliRunner().invoke(main, ["templates", "export", str(folder)])
    assert result.exit_code == 1
    assert "already has print.css" in result.stderr and "--force" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["print.css"]  # nothing was copied
    assert (folder / "print.css").read_text(encoding="utf-8") == "/* mine */"
    with pytest.raises(OutputExists):
        export_templates(folder)
    export_templates(folder, force=True)
    assert (folder / "print.css").read_bytes() == (TEMPLATES / "print.css").read_bytes()


def test_a_broken_template_is_an_error_naming_file_and_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "omat"
    (folder / "parts").mkdir(parents=True)
    (folder / "parts" / "cover.html.j2").write_text(
        '<section class="cover">\n<h1>{{ doc.title }</h1>\n</section>\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(WORKBOOK), "-o", str(out), "--templates", str(folder)]
    )
    assert result.exit_code == 1
    assert f"{folder.resolve() / 'parts' / 'cover.html.j2'}:2:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(out.rglob("*.pdf")) and not list(out.rglob("*.yaml"))


def test_a_name_a_template_does_not_have_is_located_in_the_failure(tmp_path: Path) -> None:
    folder = tmp_path / "omat"
    (folder / "parts").mkdir(parents=True)
    (folder / "parts" / "cover.html.j2").write_text(
        '<section class="cover">\n<h1>{{ doc.title }}</h1>\n<p>{{ doc.no_such_field }}</p>\n'
        "</section>\n",
        encoding="utf-8",
    )
    report = build(WORKBOOK, tmp_path / "out", templates=folder, formats=("pdf",), only=("ranua",))
    assert not report.ok
    reason = report.failures[0].reason
    assert reason.startswith("TemplateError: ")
    assert f"{folder.resolve() / 'parts' / 'cover.html.j2'}:3: " in reason
    assert "no_such_field" in reason


def test_a_missing_folder_or_catalog_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(WORKBOOK), "-o", str(tmp_path / "out"), "--templates", "nowhere"]
    )
    assert result.exit_code == 1
    assert "nowhere: the templates folder does not exist" in result.stderr
    assert "templates export nowhere" in result.stderr
    folder = tmp_path / "omat"
    (folder / "messages").mkdir(parents=True)
    (folder / "messages" / "fi.yaml").write_text("contents: [Sisältö\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"fi\.yaml:2:1: not a valid YAML message catalog"):
        build(WORKBOOK, tmp_path / "out", templates=folder)
    assert not (tmp_path / "out" / "testi" / "0.1" / "workbook.yaml").exists()
