"""A rebuild with nothing to do is answered before the workbook is loaded, and only then."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agreement_builder.pipeline.quick import up_to_date
from agreement_builder.pipeline.render import FORMATS
from agreement_builder.pipeline.run import BuildReport, build
from agreement_builder.theme import Templates
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("quick")
    workbook = folder / "minimal.yaml"
    shutil.copy(FIXTURES / "minimal.yaml", workbook)
    report = build(workbook, folder / "out", jobs=1)
    assert report.ok and not report.unchanged
    return workbook, folder / "out"


def quick(workbook: Path, output: Path, previous: Path | None = None):
    return up_to_date(
        workbook,
        output,
        templates=Templates.of(None),
        reference_docx=None,
        formats=FORMATS,
        previous=previous,
    )


def test_nothing_changed_is_known_without_the_workbook_model(built: tuple[Path, Path]) -> None:
    workbook, output = built
    report = quick(workbook, output)
    assert report is not None and report.unchanged
    assert len(report.documents) == len(build(workbook, output, jobs=1).documents)
    # The command line answers without importing the model (pydantic) or the renderers.
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('pydantic', 'weasyprint', 'docx')"
        " if m in sys.modules)))\n"
        "from agreement_builder.cli import main\n"
        f"main(['build', {str(workbook)!r}, '-o', {str(output)!r}])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert result.stdout.strip().endswith("[]")


def test_any_change_takes_the_full_path(built: tuple[Path, Path], tmp_path: Path) -> None:
    workbook, output = built
    copy = tmp_path / "out"
    shutil.copytree(output, copy)
    assert quick(workbook, copy) is not None
    # Another version beside it, which a draft's change summary would compare with.
    sibling = copy / "testi" / "0.0"
    sibling.mkdir()
    (sibling / "workbook.yaml").write_bytes((copy / "testi" / "0.1" / "workbook.yaml").read_bytes())
    assert quick(workbook, copy) is None
    shutil.rmtree(sibling)
    assert quick(workbook, copy) is not None
    # A document gone.
    [pdf, *_] = sorted((copy / "testi" / "0.1").glob("*.pdf"))
    pdf.rename(pdf.with_suffix(".bak"))
    assert quick(workbook, copy) is None
    pdf.with_suffix(".bak").rename(pdf)
    # Another --previous than recorded.
    assert quick(workbook, copy, previous=workbook) is None
    # The workbook changed by one byte: the full path decides.
    edited = tmp_path / "minimal.yaml"
    edited.write_text(workbook.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert quick(edited, copy) is None
    assert quick(workbook, copy) is not None


def test_the_two_document_form_is_up_to_date_when_both_folders_are(tmp_path: Path) -> None:
    """The agreement's and the plan's folder are each recorded; the quick answer needs both."""
    workbook = tmp_path / "two.yaml"
    shutil.copy(FIXTURES / "two-documents.yaml", workbook)
    output = tmp_path / "out"
    first = build(workbook, output, jobs=1, formats=("pdf",))
    assert first.ok and first.plan is not None

    def quick_pdf() -> BuildReport | None:
        return up_to_date(
            workbook,
            output,
            templates=Templates.of(None),
            reference_docx=None,
            formats=("pdf",),
            previous=None,
        )

    report = quick_pdf()
    assert report is not None and report.unchanged
    assert report.plan is not None and report.plan.unchanged
    assert report.plan.version_dir == output / "testi" / "plan-2026.1"
    assert len(report.plan.documents) == len(first.plan.documents)
    # A plan document removed: the plan's folder is not up to date, so neither is the build.
    removed = next(output.glob("testi/plan-2026.1/*.pdf"))
    removed.unlink()
    assert quick_pdf() is None
    again = build(workbook, output, jobs=1, formats=("pdf",))
    assert again.unchanged and again.plan is not None and again.plan.written == [removed.name]
    assert quick_pdf() is not None
    # A final plan takes the full path, built or not.
    text = workbook.read_text(encoding="utf-8")
    draft = "status: draft\n  date: 2026-11-20\nwellbeing_area"
    assert draft in text
    workbook.write_text(text.replace(draft, draft.replace("draft", "final")), encoding="utf-8")
    assert build(workbook, output, jobs=1, formats=("pdf",)).ok
    assert quick_pdf() is None
