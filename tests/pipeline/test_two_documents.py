"""The two-document form (workbook `plan:`): the agreement refers to a separate plan of goals,
measures and indicators, built into a folder of its own, revised without touching the agreement."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx

from agreement_builder.cli import main
from agreement_builder.errors import BuildRefused
from agreement_builder.pipeline.run import BuildReport, build
from tests.conftest import FIXTURES, pdf_text
from tests.pipeline.conftest import docx_blocks

MEASURE = "Ranuan koulujen välituntiliikunta lisätään."
REVISED = "Ranuan ja Rovaniemen koulujen välituntiliikunta lisätään."


def _workbook(tmp_path: Path, **replace: str) -> Path:
    text = (FIXTURES / "two-documents.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "workbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _documents(report: BuildReport) -> dict[tuple[str, str | None, str], Path]:
    """(kind, party, format) -> path, of the Finnish documents of a build's folder."""
    listed = json.loads((report.version_dir / "manifest.json").read_text(encoding="utf-8"))
    return {
        (d["kind"], d["party"], d["format"]): report.version_dir / d["path"]
        for d in listed["documents"]
        if d["language"] == "fi"
    }


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` (hidden ones too): its bytes and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_agreement_refers_to_the_plan_which_is_a_document_of_its_own(
    tmp_path: Path,
) -> None:
    report = build(_workbook(tmp_path), tmp_path / "out")
    assert report.ok, report.failures
    assert report.plan is not None and report.plan.ok, report.plan
    assert report.version_dir == tmp_path / "out" / "testi" / "0.1"
    assert report.plan.version_dir == tmp_path / "out" / "testi" / "plan-2026.1"
    agreement, plan = _documents(report), _documents(report.plan)

    # The agreement: no goal, measure or indicator; it names the plan, not the plan's version.
    text = pdf_text(agreement[("agreement", None, "pdf")])
    assert "Yhdyspintasuunnitelma" in text
    for shown_in_the_plan in ("T1.1", "Liikuntaneuvonta", "T1-I1", "Liikkuvat lapset", MEASURE):
        assert shown_in_the_plan not in text
    assert "2026.1" not in text
    agreement_docx = "\n".join(docx_blocks(open_docx(str(agreement[("agreement", None, "docx")]))))
    assert "Yhdyspintasuunnitelma" in agreement_docx and "Liikuntaneuvonta" not in agreement_docx
    package = pdf_text(agreement[("package", "ranua", "pdf")])
    assert "T1.2" not in package and "Liikuntaneuvonta" not in package
    # The agreement's agenda item: the plan is the next item; the package has no measure annex.
    agreement_agenda = pdf_text(agreement[("agenda-item", "ranua", "pdf")])
    assert "erillisessä yhdyspintasuunnitelmassa, joka käsitellään seuraavana asiana" in (
        agreement_agenda
    )
    assert "ja allekirjoitussivu" in agreement_agenda and "T1.2" not in agreement_agenda
    assert "erillisen yhdyspintasuunnitelman suunnitelmaliitteessä" in package
    assert "Yhdyspintasuunnitelma (erillinen asiakirja, hyväksytään omana asianaan)" in package

    # The plan: its own document, version, status and approvers, in PDF and DOCX.
    plan_text = pdf_text(plan[("plan", None, "pdf")])
    assert "Yhdyspintasuunnitelma" in plan_text and "versio 2026.1" in plan_text
    assert "Liikuntaneuvonta käynnistetään." in plan_text and MEASURE in plan_text
    assert "Testialueen yhteistyösopimus" in plan_text  # what it belongs to
    assert "kunnanhallitus" in plan_text  # Ranua's plan approver, not its council
    docx_text = "\n".join(docx_blocks(open_docx(str(plan[("plan", None, "docx")]))))
    assert MEASURE in docx_text and "Liikkuvat lapset" in docx_text
    # Each party its annex of the measures that concern it, and an agenda item for the plan.
    ranua = pdf_text(plan[("plan-package", "ranua", "pdf")])
    assert MEASURE in ranua
    assert "Sopimus Testialueen yhteistyösopimus" in ranua  # its cover names the agreement
    rovaniemi_annex = pdf_text(plan[("plan-package", "rovaniemi", "pdf")])
    assert "T1.1" in rovaniemi_annex
    for party in ("alue", "ranua", "rovaniemi"):
        assert ("plan-agenda-item", party, "pdf") in plan
        assert ("plan-agenda-item", party, "docx") in plan
    agenda = pdf_text(plan[("plan-agenda-item", "ranua", "pdf")])
    assert "Yhdyspintasuunnitelma" in agenda and "T1.2" in agenda
    # Ranua's plan approver (its board) decides the plan itself: one stage, the plan approved.
    assert "Kunnanhallitus hyväksyy liitteen 1 mukaisen yhdyspintasuunnitelman" in agenda
    assert "Suunnitelman sisältö" in agenda and "Sopimuksen sisältö" not in agenda
    manifest = json.loads((report.plan.version_dir / "manifest.json").read_text("utf-8"))
    assert (manifest["document"], manifest["version"], manifest["status"]) == (
        "plan",
        "2026.1",
        "draft",
    )
    assert "document" not in json.loads((report.version_dir / "manifest.json").read_text())


def test_a_plan_revision_leaves_the_approved_agreement_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    approved = "status: final\n  date: 2026-11-20\n  purpose"
    final = {"status: draft\n  date: 2026-11-20\n  purpose": approved}  # the agreement
    first = build(_workbook(tmp_path, **final), out, formats=("pdf",))
    assert first.ok and first.plan is not None and first.plan.ok
    agreement_dir, old_plan_dir = first.version_dir, first.plan.version_dir
    before, plan_before = _files(agreement_dir), _files(old_plan_dir)
    assert any(name.endswith(".pdf") for name in before)

    revised = _workbook(
        tmp_path, **final, **{'version: "2026.1"': 'version: "2026.2"', MEASURE: REVISED}
    )
    second = build(revised, out, formats=("pdf",))
    assert second.ok and second.plan is not None and second.plan.ok, second.plan
    assert second.unchanged and second.written == []
    assert _files(agreement_dir) == before  # every byte and modification time
    assert _files(old_plan_dir) == plan_before
    assert second.plan.version_dir == out / "testi" / "plan-2026.2"
    plan = _documents(second.plan)
    assert REVISED in pdf_text(plan[("plan", None, "pdf")])
    # The change summary against plan 2026.1: the measure changed, nothing of the agreement.
    changes = pdf_text(plan[("plan-changes", None, "pdf")])
    assert "T1.2" in changes and "Rovaniemen" in changes
    assert "muutettu 1," in changes and "Verrattuna versioon 2026.1" in changes

    # The same again: nothing to do anywhere.
    again = build(revised, out, formats=("pdf",))
    assert again.unchanged and again.plan is not None and again.plan.unchanged
    assert _files(agreement_dir) == before


def test_a_final_plan_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    approved = "status: final\n  date: 2026-11-20\nwellbeing_area"
    final_plan = {"status: draft\n  date: 2026-11-20\nwellbeing_area": approved}  # the plan
    first = build(_workbook(tmp_path, **final_plan), out, formats=("pdf",))
    assert first.ok and first.plan is not None and first.plan.ok
    plan_dir = first.plan.version_dir
    before = _files(plan_dir)
    changed = _workbook(tmp_path, **final_plan, **{MEASURE: REVISED})
    with pytest.raises(BuildRefused, match=r"final .* raise plan\.version"):
        build(changed, out, formats=("pdf",))
    assert _files(plan_dir) == before
    result = CliRunner().invoke(main, ["build", str(changed), "-o", str(out)])
    assert result.exit_code != 0 and "plan.version" in result.stderr
    assert _files(plan_dir) == before


def test_the_agreement_files_keep_their_time_when_only_the_plan_changes(tmp_path: Path) -> None:
    """A draft agreement too: its folder (workbook.yaml included) stays as it was, but for the
    quick check's record, which names the bytes of the workbook the folder is up to date with."""
    out = tmp_path / "out"
    first = build(_workbook(tmp_path), out, formats=("pdf",))
    assert first.ok
    before = _files(first.version_dir)
    recorded = before.pop(".build-quick.json")
    os.utime(first.version_dir, ns=(1, 1))  # the folder's time is not what is compared
    second = build(_workbook(tmp_path, **{MEASURE: REVISED}), out, formats=("pdf",))
    assert second.ok and second.unchanged
    after = _files(first.version_dir)
    assert after.pop(".build-quick.json")[0] != recorded[0]  # names the revised workbook
    assert after == before
    assert second.plan is not None and second.plan.written  # the draft plan was rebuilt


def test_the_agreement_change_summary_leaves_the_plan_out(tmp_path: Path) -> None:
    """A new agreement version's change summary lists what the agreement says, never a measure
    (the plan's change summary lists those)."""
    out = tmp_path / "out"
    assert build(_workbook(tmp_path), out, formats=("pdf",)).ok
    changed = _workbook(
        tmp_path,
        **{
            'version: "0.1"': 'version: "0.2"',
            "sopia yhteisistä tavoitteista": "sopia yhteisistä tavoitteista ja työnjaosta",
            MEASURE: REVISED,
        },
    )
    report = build(changed, out, formats=("pdf",))
    assert report.ok and report.plan is not None and report.plan.ok
    changes = pdf_text(_documents(report)[("changes", None, "pdf")])
    assert "työnjaosta" in changes and "Verrattuna versioon 0.1" in changes
    assert "T1.2" not in changes and "Rovaniemen koulujen" not in changes
    assert ("plan-changes", None, "pdf") not in _documents(report.plan)  # no earlier plan
