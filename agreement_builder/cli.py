"""The command line: each command parses its options and calls one function of the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .workbook.model import json_schema
from .workbook.problems import WorkbookError
from .workbook.validate import load_workbook

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
