"""The command line: each command parses its options and calls one function of the library."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from .errors import AgreementBuilderError, WorkbookError, printable
from .indicators.sotkanet import DEFAULT_API as SOTKANET_API
from .indicators.sotkanet import DEFAULT_TIMEOUT as SOTKANET_TIMEOUT
from .pipeline.report import print_report

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns

    from .pipeline.report import BuildReport

F = TypeVar("F", bound=Callable[..., Any])


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _report(error: AgreementBuilderError) -> None:
    """Print a user-facing error on stderr, one line each (a workbook's problems as
    `path:line:col: message`). User text in a message is printed safely: a control character
    from a workbook reaches the terminal as its escape (`\\x1b`), never raw."""
    for line in error.lines():
        click.echo(printable(line), err=True)


class _Main(click.Group):
    """The command group: every user-facing error is printed and mapped to its exit code here,
    once; a command may set `ctx.meta["error_exit"]` (diff exits 2 on bad input, as diff does)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AgreementBuilderError as error:
            _report(error)
            sys.exit(ctx.meta.get("error_exit", error.exit_code))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agreement-builder")
def main() -> None:
    """Build a wellbeing area's strategic cooperation agreement from its workbook.

    \b
    Example:
      agreement-builder validate workbooks/lappi.yaml
    """


_TEMPLATES_OPTION = click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="A templates folder of one's own: its files (templates, print.css, fonts, message "
    "catalogs) are used over the shipped ones, file by file [see `templates export`].",
)


@main.command()
@click.argument(
    "workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
def validate(workbooks: tuple[Path, ...]) -> None:
    """Check workbooks (YAML or XLSX) and explain every problem found.

    Prints one summary line per valid workbook; prints each problem as
    `path:line:col: message` (a spreadsheet's as `path:Sheet!C14: message`) on stderr and
    exits 1 when any workbook is invalid. Placeholders (text that starts with TODO) count
    as problems: they are still to fill in.

    \b
    Example:
      agreement-builder validate workbooks/lappi.yaml workbooks/pohjanmaa.yaml
      agreement-builder validate lappi.xlsx
    """
    # pydantic: only for the commands that load
    from .workbook.validate import check, read_workbook
    from .workbook.warnings import warnings

    failed = False
    for path in workbooks:
        try:
            loaded = read_workbook(path, display=str(path))
            workbook = check(loaded)
        except WorkbookError as error:
            _report(error)
            failed = True
            continue
        # Valid but probably wrong (a decision on another version): said, never failed.
        for warning in warnings(loaded, workbook):
            click.echo(printable(str(warning)), err=True)
        counts = (
            _counted(len(workbook.parties), "party", "parties"),
            _counted(len(workbook.goals), "goal", "goals"),
            _counted(len(workbook.measures()), "measure", "measures"),
        )
        click.echo(printable(f"{path}: valid: {', '.join(counts)}"))
    sys.exit(1 if failed else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the workbook format.

    \b
    Example:
      agreement-builder schema > workbooks/agreement-workbook.schema.json
    """
    from .workbook.model import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the change summary (HTML, PDF) and a tracked-changes DOCX here.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the changed words [default: when printing to a terminal].",
)
@_TEMPLATES_OPTION
def diff(
    old: Path, new: Path, output: Path | None, color: bool | None, templates: Path | None
) -> None:
    """Show what changed from version OLD to version NEW of an agreement.

    OLD and NEW are each a workbook or a built version folder (OUTPUT/<agreement id>/<version>).
    Prints every goal, measure, indicator, party, forum and section added, removed, changed or
    moved, with the changed words marked [-old-]{+new+}. With -o, writes per language the
    change summary as a web page and a PDF, and the new agreement as a DOCX with Word tracked
    changes against the old one.

    Exits 0 when there are no changes, 1 when there are, and 2 on bad input (as diff does).

    \b
    Examples:
      agreement-builder diff output/lapin-yhteistyosopimus/0.3 workbooks/lappi.yaml
      agreement-builder diff lappi-0.3.yaml lappi-0.4.yaml -o muutokset
    """
    _stop_cleanly_on_sigterm()
    from .commands.diff import diff as diff_versions

    click.get_current_context().meta["error_exit"] = 2
    result = diff_versions(old, new, output, templates=templates)
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(result.text(color=color), nl=False, color=color)
    sys.exit(1 if len(result.changes) else 0)


def _say(line: str, error: bool = False) -> None:
    click.echo("\n".join(printable(part) for part in line.split("\n")), err=error)


def _stop_cleanly_on_sigterm() -> None:
    """SIGTERM stops a command that writes as Ctrl-C would, unwinding: the file being written
    is removed, not left as a temporary file (exit status 143, as a killed process has)."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _progress_bar() -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A progress bar of documents done of total, naming the one just finished."""
    state: dict[str, ProgressBar[str]] = {}

    def progress(what: str, done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(
                length=total, label="rendering", item_show_func=lambda item: item, file=sys.stderr
            )
            bar.__enter__()
            state["bar"] = bar
        bar.update(1, what)

    def close() -> None:
        bar = state.get("bar")
        if bar is not None:
            bar.__exit__(None, None, None)

    return progress, close



def _run_with_progress(run: Callable[..., BuildReport]) -> NoReturn:
    """Run a build with a progress bar, print its report and exit 0, or 1 if a document
    failed (`build` and `report` alike)."""
    progress, close = _progress_bar()
    try:
        report = run(progress=progress)
    finally:
        close()
    print_report(report, _say)
    sys.exit(0 if report.ok else 1)


_BUILD_OPTIONS = [
    _TEMPLATES_OPTION,
    click.option(
        "-o",
        "--output",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help="Folder the documents are written under.",
    ),
    click.option(
        "--reference-docx",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="A municipality's own Word template: its styles, page setup and header logo.",
    ),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes [default: the cores this process may use].",
    ),
]


def _with_build_options(command: F) -> F:
    for option in reversed(_BUILD_OPTIONS):
        command = option(command)
    return command


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@_with_build_options
@click.option("--force", is_flag=True, help="Rebuild every document, changed or not.")
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="PARTY_ID",
    help="Build only this party's documents (repeatable).",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    metavar="OLD",
    help="A draft's change summary compares with this version (a workbook or a version "
    "folder) [default: the highest version below this one in OUTPUT].",
)
def build(
    workbook: Path,
    output: Path,
    templates: Path | None,
    reference_docx: Path | None,
    jobs: int | None,
    force: bool,
    only: tuple[str, ...],
    previous: Path | None,
) -> None:
    """Validate a workbook and build its documents as PDF and DOCX.

    Writes OUTPUT/<agreement id>/<version>/: the full agreement in each language, every
    party's package and agenda item in each of its languages, manifest.json and index.html.
    Only documents whose inputs changed are rebuilt. A bad workbook writes nothing and exits 1
    with the errors of `validate`; a failed document exits 1 after the others are built.
    A draft also gets a change summary PDF per language against the previous version (see
    `diff`), and the folder keeps workbook.yaml, what it was built from.

    \b
    Examples:
      agreement-builder build workbooks/lappi.yaml
      agreement-builder build workbooks/lappi.yaml -o output --jobs 2 --only ranua --only kemi
      agreement-builder build workbooks/lappi.yaml --previous output/lapin-yhteistyosopimus/0.2
      agreement-builder build workbooks/lappi.yaml --templates omat-pohjat
    """
    _stop_cleanly_on_sigterm()
    if not force and not only:  # nothing changed? answered without loading the workbook
        from .pipeline.quick import up_to_date
        from .pipeline.render import FORMATS
        from .theme import Templates

        quick = up_to_date(
            workbook,
            output,
            templates=Templates.of(templates),
            reference_docx=reference_docx,
            formats=FORMATS,
            previous=previous,
        )
        if quick is not None:
            print_report(quick, _say)
            sys.exit(0)
    # Imported here so that `validate` does not pay for loading the renderers.
    from .pipeline.run import build as build_documents

    _run_with_progress(
        partial(
            build_documents,
            workbook,
            output,
            templates=templates,
            reference_docx=reference_docx,
            jobs=jobs,
            force=force,
            only=only,
            previous=previous,
        )
    )


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@_with_build_options
def watch(
    workbook: Path,
    output: Path,
    templates: Path | None,
    reference_docx: Path | None,
    jobs: int | None,
) -> None:
    """Rebuild whenever the workbook or the templates are saved (Ctrl-C stops).

    A save with an error prints the error and keeps the last good documents.

    \b
    Example:
      agreement-builder watch workbooks/lappi.yaml -o output
    """
    from .commands.watch import watch as watch_and_build

    with contextlib.suppress(KeyboardInterrupt):
        watch_and_build(
            workbook,
            output,
            templates=templates,
            reference_docx=reference_docx,
            jobs=jobs,
            say=_say,
        )


@main.group()
def templates() -> None:
    """The templates documents are made with, and a folder of one's own to change them in."""


@templates.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files the folder already has.")
def export_templates(folder: Path, force: bool) -> None:
    """Copy the shipped templates into FOLDER, to make a set of one's own from.

    Change what you need (print.css, a template, a label in messages/fi.yaml) and delete the
    rest: `build --templates FOLDER` takes each file FOLDER has, and the shipped one for any
    it does not. A message catalog in FOLDER needs only the labels it changes. Refuses to
    overwrite files already in FOLDER unless --force.

    \b
    Example:
      agreement-builder templates export omat-pohjat
      agreement-builder build workbooks/lappi.yaml --templates omat-pohjat
    """
    from .theme import export_templates as export

    written = export(folder, force=force)
    click.echo(f"{folder}: {len(written)} template files copied; build with --templates {folder}")


@main.command("export-xlsx")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The spreadsheet to write (.xlsx).",
)
def export_xlsx(workbook: Path, output: Path) -> None:
    """Write a workbook as a spreadsheet to fill in with Excel or LibreOffice.

    One sheet per kind (Sopimus, Osapuolet, Teemat, Tavoitteet, Mittarit, Toimenpiteet,
    Foorumit, Seuranta, Osiot), a column per language of each text. A bad workbook writes
    nothing and exits 1 with the errors of `validate`; placeholders still to fill in (TODO)
    are no obstacle.

    \b
    Example:
      agreement-builder export-xlsx workbooks/lappi.yaml -o lappi.xlsx
    """
    _stop_cleanly_on_sigterm()
    from .commands.spreadsheet import export_xlsx as export

    todo = export(workbook, output)
    left = f"; {todo} placeholders (TODO) still to fill in" if todo else ""
    click.echo(printable(f"{output}: written from {workbook}{left}"))


@main.command("import-xlsx")
@click.argument("spreadsheet", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The YAML workbook to write.",
)
def import_xlsx(spreadsheet: Path, output: Path) -> None:
    """Write a spreadsheet workbook as a YAML workbook.

    The spreadsheet is validated first: a bad one writes nothing and exits 1 with every
    problem located by sheet and cell (`Toimenpiteet!C14: ...`); placeholders still to fill
    in (TODO) are no obstacle.

    \b
    Example:
      agreement-builder import-xlsx lappi.xlsx -o workbooks/lappi.yaml
    """
    _stop_cleanly_on_sigterm()
    from .commands.spreadsheet import import_xlsx as import_

    todo = import_(spreadsheet, output)
    left = f"; {todo} placeholders (TODO) still to fill in" if todo else ""
    click.echo(printable(f"{output}: written from {spreadsheet}{left}"))


@main.command()
@click.option("--area", metavar="NAME_OR_CODE", help="The wellbeing area: name, id or code.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write [default: <area id>.yaml].",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--list", "list_areas", is_flag=True, help="List the wellbeing areas and exit.")
def new(area: str | None, output: Path | None, force: bool, list_areas: bool) -> None:
    """Start a workbook for a wellbeing area from the municipality registry.

    The area and all its municipalities are filled in (names in the agreement's languages,
    approving bodies by kind), with the themes of Kuntaliitto's workbook and a placeholder
    goal for each. Every text that starts with TODO is a placeholder; `validate` lists
    each one still to fill in.

    \b
    Examples:
      agreement-builder new --list
      agreement-builder new --area lappi -o workbooks/lappi-2027.yaml
      agreement-builder new --area "Pohjanmaan hyvinvointialue"
    """
    _stop_cleanly_on_sigterm()
    from .commands.new import area_lines, new_workbook

    if list_areas:
        for line in area_lines():
            click.echo(line)
        return
    if not area:
        raise click.UsageError("name the area with --area (see --list)")
    path, found = new_workbook(area, output, force=force)
    click.echo(
        f"{path}: new workbook for {found.fi} ({len(found.municipalities)} municipalities, "
        f"{', '.join(found.languages)}); fill in the TODO placeholders, then "
        f"agreement-builder validate {path}"
    )


@main.group()
def indicators() -> None:
    """Indicator data: fetch the values of Sotkanet indicators into the lock file.

    \b
    Example:
      agreement-builder indicators fetch workbooks/lappi.yaml
    """


@indicators.command("fetch")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--api",
    default=SOTKANET_API,
    show_default=True,
    metavar="URL",
    help="The Sotkanet REST API 1.1 to ask.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=SOTKANET_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each answer.",
)
def indicators_fetch(workbook: Path, api: str, timeout: float) -> None:
    """Fetch the values of the workbook's Sotkanet indicators into its lock file.

    Every indicator with `sotkanet: {id: N}` is fetched for the wellbeing area, each
    municipality (matched by its code) and the country, for the years of the agreement's
    period and five before it, with THL's official Finnish and Swedish titles, unit and
    when THL last updated the data. The lock file is written beside the workbook
    (lappi.yaml → lappi.indicators.lock.json); builds and reports read only it, so they
    stay offline and give the same bytes. On any error (unknown indicator, unreachable API,
    timeout, an unexpected answer) the previous lock file is left as it was.

    \b
    Example:
      agreement-builder indicators fetch workbooks/lappi.yaml
    """
    _stop_cleanly_on_sigterm()
    from .commands.indicators import fetch_indicators

    report = fetch_indicators(workbook, api, timeout)
    same = "; the data is unchanged" if report.unchanged else ""
    click.echo(
        f"{report.path}: {_counted(report.indicators, 'indicator', 'indicators')}, "
        f"{_counted(report.values, 'value', 'values')}{same}"
    )


_DATA_OPTION = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the database, uploads and documents [default: ./agreement-builder-data].",
)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@_DATA_OPTION
@click.option(
    "--http",
    is_flag=True,
    help="Allow plain HTTP on a non-loopback address (cookies without the Secure flag); "
    "use only on a trusted network. On 127.0.0.1 it is the default.",
)
@click.option("--no-worker", is_flag=True, help="Start no build worker (run `worker` elsewhere).")
def serve(host: str, port: int, data: Path | None, http: bool, no_worker: bool) -> None:
    """Run the web application: pages for the preparer and the council secretaries.

    Creates or updates the database (SQLite in DATA, or PostgreSQL from DATABASE_URL), starts
    the build worker beside the server (its queue in DATA, or in Redis from REDIS_URL) and
    serves with waitress. Needs the web extra: pip install 'agreement-builder[web]'.

    \b
    Example:
      agreement-builder serve --port 8000 --data /srv/sopimus
    """
    from .web.server import serve as run

    run(host, port, data, http=http, worker=not no_worker, say=click.echo)


@main.command()
@_DATA_OPTION
def worker(data: Path | None) -> None:
    """Run a build worker of the web application (more machines: share DATABASE_URL, REDIS_URL
    and the data folder).

    \b
    Example:
      REDIS_URL=redis://queue:6379/0 agreement-builder worker --data /srv/sopimus
    """
    from .web.server import work

    work(data)


@main.group()
def users() -> None:
    """Accounts of the web application."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(["preparer", "secretary"]), required=True, help="What they do."
)
@click.option("--party", metavar="ID", help="The party's id in the workbook (a secretary's).")
@click.option("--language", type=click.Choice(["fi", "sv"]), default="fi", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_DATA_OPTION
def users_add(
    name: str,
    role: str,
    party: str | None,
    language: str,
    password_stdin: bool,
    data: Path | None,
) -> None:
    """Create an account; asks for its password.

    \b
    Examples:
      agreement-builder users add maija --role preparer
      agreement-builder users add ranuan-sihteeri --role secretary --party ranua --language fi
    """
    from .web.server import add_user

    click.echo(add_user(name, role, party, language, _password(password_stdin), data))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_DATA_OPTION
def users_password(name: str, password_stdin: bool, data: Path | None) -> None:
    """Set an account's password (also lifts a lockout after failed sign-ins).

    \b
    Example:
      agreement-builder users password ranuan-sihteeri
    """
    from .web.server import set_password

    click.echo(set_password(name, _password(password_stdin), data))


@users.command("remove")
@click.argument("name")
@_DATA_OPTION
def users_remove(name: str, data: Path | None) -> None:
    """Close an account: it can no longer sign in; the decisions it recorded stay.

    \b
    Example:
      agreement-builder users remove ranuan-sihteeri
    """
    from .web.server import remove_user

    click.echo(remove_user(name, data))


@users.command("list")
@_DATA_OPTION
def users_list(data: Path | None) -> None:
    """List the accounts: name, role, party, language."""
    from .web.server import list_users

    for line in list_users(data):
        click.echo(line)


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--year",
    type=click.IntRange(min=2000, max=2100),
    required=True,
    help="The year followed up (the workbook's follow_up has it).",
)
@_with_build_options
@click.option("--force", is_flag=True, help="Rebuild every document, changed or not.")
def report(
    workbook: Path,
    year: int,
    output: Path,
    templates: Path | None,
    reference_docx: Path | None,
    jobs: int | None,
    force: bool,
) -> None:
    """Build the follow-up report of a year and each municipality's extract.

    Writes OUTPUT/<agreement id>/follow-up-<year>/, as tagged PDF and DOCX: the follow-up
    report (seurantaraportti / uppföljningsrapport) in each of the agreement's languages:
    the status of every measure by goal, what changed since the year before, and each
    indicator's values over the years against its baseline and target, with a chart and
    the numbers as a table; and each municipality's extract in each of its languages: its
    measures and their status, its indicator values beside the area's and the country's.
    Indicator values come from the workbook and its lock file (`indicators fetch`): the
    report never goes online. Like `build`, only what changed is rebuilt, with
    manifest.json and index.html.

    \b
    Examples:
      agreement-builder indicators fetch workbooks/lappi.yaml
      agreement-builder report workbooks/lappi.yaml --year 2027 -o output
    """
    _stop_cleanly_on_sigterm()
    from .pipeline.run import build_follow_up

    _run_with_progress(
        partial(
            build_follow_up,
            workbook,
            year,
            output,
            templates=templates,
            reference_docx=reference_docx,
            jobs=jobs,
            force=force,
        )
    )
