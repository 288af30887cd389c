"""One document's rendering, as a worker process runs it: its HTML parts in, file bytes out.

Nothing here writes files; the build's own process does, so that only it touches the output.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from ..theme import Templates

if TYPE_CHECKING:
    from .plan import Target

FORMATS = ("pdf", "docx")  # what a document can be written as
# What a paste kit is written as: its fields as plain text and simple HTML, and its metadata.
PASTE_KIT = ("txt", "html", "json")


@dataclass(frozen=True)
class PartPdf:
    """A part drawn once for the documents that share it."""

    data: bytes
    refused: tuple[str, ...]  # URLs its HTML asked for and did not get


@dataclass(frozen=True)
class RenderTask:
    target: Target
    parts: tuple[str, ...]  # the document's HTML, one whole HTML document per part
    formats: tuple[str, ...]
    fingerprint: str
    assets: str  # the fingerprint of the program, templates and reference DOCX
    templates: Templates
    reference_docx: bytes | None  # the checked reference DOCX (render/reference.py)
    # By part index: the PDF of a part drawn before (the full agreement inside a package, the
    # measures common to all municipalities), joined in instead of drawn again.
    prepared: tuple[tuple[int, PartPdf], ...] = ()

    @property
    def part_fingerprints(self) -> tuple[str, ...]:
        """Each part's fingerprint: a one-part document's is the document's own."""
        return tuple(fingerprint(self.assets, (part,)) for part in self.parts)

    @property
    def joins_parts(self) -> bool:
        """A PDF of several parts, each of which may be drawn once for several documents."""
        return len(self.parts) > 1 and "pdf" in self.formats


def fingerprint(assets: str, parts: Sequence[str]) -> str:
    """What a document's files depend on: the assets and its HTML."""
    return hashlib.sha256("\0".join([assets, *parts]).encode()).hexdigest()


@dataclass(frozen=True)
class Output:
    format: str
    data: bytes
    pages: int | None


@dataclass
class TaskResult:
    target: Target
    fingerprint: str
    outputs: list[Output] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (format, reason)
    notes: list[str] = field(default_factory=list)
    # Of several parts: each part's PDF by its fingerprint, kept for the next build (run.py).
    parts: list[tuple[str, bytes]] = field(default_factory=list)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def collected_once(work: Callable[_P, _R]) -> Callable[_P, _R]:
    """`work` with Python's cycle collector paused while it runs and run once after it, over
    the objects made since.

    Drawing a document makes millions of objects (WeasyPrint's boxes and styles); each few
    hundred of them set off a collection, and every so often one over the whole heap: about
    2,800 collections and 2.3 s of a Lapland build's 18.6 s CPU. Paused, the same garbage goes
    in one pass over the youngest objects, peak memory staying the same (benchmarks/batch.py).
    """

    @functools.wraps(work)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return work(*args, **kwargs)
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            gc.enable()
            gc.collect(0)

    return paused


def load_writers() -> None:
    """Import the writers (WeasyPrint takes about half a second)."""
    from ..render import docx, pdf  # noqa: F401


@collected_once
def draw_part(html: str, templates: Templates) -> PartPdf:
    """The PDF of one part that several documents share."""
    from ..render.pdf import render_pdf

    pdf = render_pdf(html, templates=templates)
    return PartPdf(pdf.data, pdf.refused)


@collected_once
def render_task(task: RenderTask) -> TaskResult:
    """Write the document in each asked format; a failing format does not stop the other.

    The formats are independent: each is made from the HTML alone, so a document's DOCX comes
    out the same whether its PDF is made in the same task or not."""
    # Imported here: WeasyPrint takes a while to import, and a build with nothing to do needs
    # neither writer.
    from ..render.docx import render_docx
    from ..render.pdf import render_pdf

    result = TaskResult(task.target, task.fingerprint)
    described = task.target.describe()
    if task.target.kind.endswith("paste-kit"):
        return _paste_kit(task, result)
    for fmt in FORMATS:
        if fmt not in task.formats:
            continue
        try:
            if fmt == "pdf":
                prepared = {index: part.data for index, part in task.prepared}
                pdf = render_pdf(task.parts, templates=task.templates, prepared=prepared)
                refused = [*pdf.refused, *(url for _, p in task.prepared for url in p.refused)]
                result.notes.extend(
                    f"{described}: refused to fetch {url}" for url in dict.fromkeys(refused)
                )
                result.outputs.append(Output("pdf", pdf.data, pdf.pages))
                result.parts = list(zip(task.part_fingerprints, pdf.parts, strict=False))
            else:
                # Composed of the parts' bodies, each written once a process (the agreement's).
                docx = render_docx(task.parts, reference_docx=task.reference_docx)
                result.notes.extend(f"{described}: {warning}" for warning in docx.warnings)
                result.outputs.append(Output("docx", docx.data, None))
        except Exception as exc:  # reported per document; the build goes on
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            result.failures.append((fmt, reason))
    return result


def _paste_kit(task: RenderTask, result: TaskResult) -> TaskResult:
    """The fields of an agenda item's HTML as text and simple HTML; metadata as given."""
    from ..render.pastekit import paste_kit

    try:
        if "json" in task.formats:
            result.outputs.append(Output("json", task.parts[0].encode(), None))
        else:
            kit = paste_kit(task.parts[0])
            for fmt in task.formats:
                data = kit.text if fmt == "txt" else kit.html
                result.outputs.append(Output(fmt, data.encode(), None))
    except Exception as exc:  # reported per document; the build goes on
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        result.failures.extend((fmt, reason) for fmt in task.formats)
    return result
