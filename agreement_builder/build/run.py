"""The build, top to bottom: load and validate, plan the targets, render, write."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..document.context import build_context
from ..render.docx import render_docx
from ..render.html import render_html
from ..render.pdf import render_pdf
from ..workbook.model import Workbook
from ..workbook.validate import load_workbook
from .files import sha256, write_atomic
from .plan import Target, plan

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MANIFEST = "manifest.json"
STATE = ".build-state.json"


class BuildRefused(Exception):
    """The build would overwrite what must not be overwritten; nothing was written."""


@dataclass(frozen=True)
class Document:
    """A written file, as the manifest lists it."""

    path: str
    kind: str
    party: str | None
    language: str
    format: str
    pages: int | None
    sha256: str


@dataclass(frozen=True)
class Failure:
    target: str
    format: str
    reason: str


@dataclass
class BuildReport:
    version_dir: Path
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures


def build(
    workbook_path: Path,
    output_root: Path = Path("output"),
    *,
    templates_dir: Path = DEFAULT_TEMPLATES,
    reference_docx: Path | None = None,
) -> BuildReport:
    """Build every document of a workbook into `output_root/<agreement id>/<version>/`.

    Raises WorkbookError (bad workbook) or BuildRefused (a final version would change) before
    anything is written. A failing document does not stop the others: see `BuildReport.failures`.
    """
    workbook = load_workbook(workbook_path, display=str(workbook_path))
    agreement = workbook.agreement
    version_dir = output_root / agreement.id / agreement.version
    fingerprint = _fingerprint(workbook_path, templates_dir, reference_docx)
    report = BuildReport(version_dir)
    previous = _read_json(version_dir / STATE)
    if previous.get("status") == "final":
        if agreement.status == "final" and previous.get("fingerprint") == fingerprint:
            report.unchanged = True
            return report
        raise BuildRefused(
            f"version {agreement.version} is final and already built in {version_dir}; "
            "its inputs have changed since. An approved version is never overwritten: "
            "raise agreement.version in the workbook to build a new version."
        )

    contexts = {
        language: build_context(workbook, language, templates_dir / "messages")
        for language in agreement.languages
    }
    targets = plan(workbook, {lang: ctx.status_mark for lang, ctx in contexts.items()})
    for target in targets:
        _build_target(target, contexts[target.language], templates_dir, reference_docx, report)

    _write_manifest(workbook, report)
    _remove_stale(version_dir, previous, report)
    state = {
        "status": agreement.status,
        "fingerprint": fingerprint,
        "files": sorted(d.path for d in report.documents),
    }
    if report.ok:
        write_atomic(version_dir / STATE, json.dumps(state, indent=2).encode())
    return report


def _build_target(
    target: Target,
    context: object,
    templates_dir: Path,
    reference_docx: Path | None,
    report: BuildReport,
) -> None:
    """Render one target's HTML once, then write it as PDF and as DOCX."""
    try:
        html = render_html(templates_dir, target.template, context)
    except Exception as exc:  # one broken document must not stop the others
        report.failures.append(Failure(target.describe(), "html", _reason(exc)))
        return
    page_numbers: dict[str, int] = {}
    for fmt in ("pdf", "docx"):
        try:
            if fmt == "pdf":
                pdf = render_pdf(html, base_dir=templates_dir)
                data, pages, page_numbers = pdf.data, pdf.pages, pdf.anchor_pages
                report.notes.extend(
                    f"{target.describe()}: refused to fetch {url}" for url in pdf.refused
                )
            else:
                docx = render_docx(html, reference_docx=reference_docx, page_numbers=page_numbers)
                data, pages = docx.data, None
                report.notes.extend(f"{target.describe()}: {w}" for w in docx.warnings)
            name = f"{target.stem}.{fmt}"
            path = report.version_dir / name
            digest = sha256(data)
            if not (path.exists() and sha256(path.read_bytes()) == digest):
                write_atomic(path, data)
            report.documents.append(
                Document(name, target.kind, target.party, target.language, fmt, pages, digest)
            )
        except Exception as exc:
            report.failures.append(Failure(target.describe(), fmt, _reason(exc)))


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _write_manifest(workbook: Workbook, report: BuildReport) -> None:
    agreement = workbook.agreement
    manifest = {
        "agreement": agreement.id,
        "version": agreement.version,
        "status": agreement.status,
        "documents": [
            {
                "path": d.path,
                "kind": d.kind,
                "party": d.party,
                "language": d.language,
                "format": d.format,
                "pages": d.pages,
                "sha256": d.sha256,
            }
            for d in report.documents
        ],
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
    path = report.version_dir / MANIFEST
    if not (path.exists() and path.read_bytes() == data):
        write_atomic(path, data)


def _remove_stale(version_dir: Path, previous: dict, report: BuildReport) -> None:
    """Delete documents an earlier build wrote that this build no longer makes."""
    current = {d.path for d in report.documents}
    failed = bool(report.failures)
    for name in previous.get("files", []):
        stale = version_dir / name
        # Keep the last good file of a document that failed this time.
        if name not in current and not failed and stale.parent == version_dir:
            stale.unlink(missing_ok=True)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _fingerprint(workbook_path: Path, templates_dir: Path, reference_docx: Path | None) -> str:
    """A hash of everything the documents depend on: workbook, templates, program, reference."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(workbook_path.read_bytes())
    for path in sorted(p for p in templates_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(templates_dir)).encode())
        digest.update(path.read_bytes())
    if reference_docx is not None:
        digest.update(reference_docx.read_bytes())
    return digest.hexdigest()
