"""The command line: each command parses its options and calls one function of the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .workbook.model import json_schema
from .workbook.problems import WorkbookError
from .workbook.validate import load_workbook

if TYPE_CHECKING:
    from .build.run import BuildReport

MAX_SHOWN_PROBLEMS = 200


def _report(error: WorkbookError) -> None:
    """Print a workbook's problems on stderr, one `path:line:col: message` per line."""
    for problem in error.problems[:MAX_SHOWN_PROBLEMS]:
        click.echo(str(problem), err=True)
    hidden = len(error.problems) - MAX_SHOWN_PROBLEMS
    if hidden > 0:
        click.echo(f"… and {hidden} more problems", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agreement-builder")
def main() -> None:
    """Build a wellbeing area's strategic cooperation agreement from its workbook.

    \b
    Example:
      agreement-builder validate workbooks/lappi.yaml
    """


@main.command()
@click.argument(
    "workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
def validate(workbooks: tuple[Path, ...]) -> None:
    """Check workbooks and explain every problem found.

    Prints one summary line per valid workbook; prints each problem as
    `path:line:col: message` on stderr and exits 1 when any workbook is invalid.

    \b
    Example:
      agreement-builder validate workbooks/lappi.yaml workbooks/pohjanmaa.yaml
    """
    failed = False
    for path in workbooks:
        try:
            workbook = load_workbook(path, display=str(path))
        except WorkbookError as error:
            _report(error)
            failed = True
            continue
        click.echo(
            f"{path}: valid: {len(workbook.parties)} parties, {len(workbook.goals)} goals, "
            f"{len(workbook.measures())} measures"
        )
    sys.exit(1 if failed else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the workbook format.

    \b
    Example:
      agreement-builder schema > workbooks/agreement-workbook.schema.json
    """
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _summarize(report: BuildReport) -> None:
    if report.unchanged:
        click.echo(f"{report.version_dir}: final version already built and unchanged")
        return
    for document in report.documents:
        pages = f", {document.pages} pages" if document.pages else ""
        click.echo(f"  {report.version_dir / document.path}{pages}")
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for failure in report.failures:
        click.echo(f"failed: {failure.target} as {failure.format}: {failure.reason}", err=True)
    click.echo(
        f"{len(report.documents)} documents written to {report.version_dir}"
        + (f", {len(report.failures)} failed" if report.failures else "")
    )


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder the documents are written under.",
)
@click.option(
    "--reference-docx",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A municipality's own Word template: its styles, page setup and header logo are used.",
)
def build(workbook: Path, output: Path, reference_docx: Path | None) -> None:
    """Validate a workbook and build its documents as PDF and DOCX.

    Writes OUTPUT/<agreement id>/<version>/ with the documents and manifest.json.
    A bad workbook writes nothing and exits 1 with the errors of `validate`.

    \b
    Example:
      agreement-builder build workbooks/lappi.yaml -o output
    """
    # Imported here so that `validate` does not pay for loading the renderers.
    from .build.run import BuildRefused
    from .build.run import build as build_documents

    try:
        report = build_documents(workbook, output, reference_docx=reference_docx)
    except WorkbookError as error:
        _report(error)
        sys.exit(1)
    except BuildRefused as refused:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    _summarize(report)
    sys.exit(0 if report.ok else 1)
