"""Reading a workbook file into plain data, keeping where every key and value stands.

YAML is composed into nodes (no object is ever constructed from a tag) and converted by hand, so
that duplicate keys, unknown tags and alias bombs become located problems instead of data loss,
code execution or a hang.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..fileio import read_input
from ..yamlload import SafeLoader
from .fields import label
from .problems import Loc, Problem, WorkbookError, kind_of

__all__ = ["Loaded", "Loc", "Source", "load_yaml"]

MAX_BYTES = 4 * 1024 * 1024
# A workbook has a few thousand nodes; an alias bomb asks for billions.
MAX_NODES = 500_000
MAX_DEPTH = 64

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SYNTAX_ADVICE = {
    "mapping values are not allowed": ": text that contains ': ' must be put in quotes",
    "flow mapping": ": close the {…} with '}', and put text that holds ':' or ',' in quotes",
    "flow sequence": ": close the […] with ']', and put text that holds ',' in quotes",
    "found undefined alias": ": an '*' starts an alias; put text that starts with '*' in quotes",
    "could not find expected ':'": ": a key needs ':' after it, or a multi-line text needs quotes",
    "found unexpected end of stream": ": a quote is not closed",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class Source:
    """Where each value (and each mapping key) of a loaded workbook stands in its file.

    Validation speaks through a source: where a problem is, what its field is called and how
    to fix a missing piece. This one knows lines and columns of a YAML file; the spreadsheet
    reader's source (xlsx_read.SheetSource) knows cells and column headers.
    """

    path: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    texts: dict[Loc, str] = field(default_factory=dict)  # scalars as written, e.g. `047`

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `loc`, or of its nearest ancestor that the file has."""
        if key and loc in self.keys:
            return self.keys[loc]
        while loc not in self.values and loc:
            loc = loc[:-1]
        return self.values.get(loc, (1, 1))

    def problem(self, loc: Loc, message: str, *, key: bool = False, todo: bool = False) -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(self.path, line, column, message, todo=todo)

    def place(self, loc: Loc) -> str:
        """Where `loc` is, for a message that points elsewhere: `line 18`."""
        return f"line {self.position(loc)[0]}"

    def label(self, loc: Loc, data: Any) -> str:
        """The field's name in messages: `goals[T1].measures[T1.2].responsible[1]`."""
        return label(loc, data)

    def missing(self, loc: Loc, data: Any) -> str:
        """The message for a required key at `loc` that is not there."""
        return f"{label(loc[:-1], data)}: required key '{loc[-1]}' is missing"

    def add_language(self, loc: Loc, language: str) -> str:
        """How to add the missing `language` text of the localized text at `loc`."""
        return f"add '{language}: ...'"


@dataclass
class Loaded:
    data: Any
    source: Source
    # Problems found while reading that still let the data be checked (a spreadsheet's
    # unknown column, say): validation reports them with its own.
    problems: list[Problem] = field(default_factory=list)


def load_yaml(path: Path, display: str | None = None) -> Loaded:
    """Read a YAML workbook into plain data and positions; raise WorkbookError if unreadable."""
    name = display or str(path)
    try:
        raw = read_input(path, MAX_BYTES, "workbook")
    except InputError as error:
        raise _fail(name, 1, 1, error.reason) from None
    text = _decode(raw, name)
    if not text.strip():
        raise _fail(
            name, 1, 1, "the file is empty: a workbook starts with 'format: agreement-workbook/1'"
        )
    return _compose(text, name)


def _fail(name: str, line: int, column: int, message: str) -> WorkbookError:
    return WorkbookError([Problem(name, line, column, message)])


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _fail(
            name,
            line,
            column,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02X}); "
            "save it as UTF-8 (in most editors: Save As → Encoding: UTF-8)",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _fail(name, line, 1, "the file holds a NUL character: it is not a text file")
    return text


def _compose(text: str, name: str) -> Loaded:
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise WorkbookError([_syntax_problem(exc, text, name)]) from None
    except yaml.YAMLError as exc:  # errors without a position
        raise _fail(name, 1, 1, f"the file is not valid YAML: {exc}") from None
    except RecursionError:
        raise _fail(name, 1, 1, f"the file nests deeper than {MAX_DEPTH} levels") from None
    if root is None:
        raise _fail(
            name, 1, 1, "the file is empty: a workbook starts with 'format: agreement-workbook/1'"
        )
    source = Source(name)
    converter = _Converter(source)
    data = converter.convert(root, ())
    if converter.problems:
        raise WorkbookError(converter.problems)
    if not isinstance(data, dict):
        line, column = source.position(())
        raise _fail(
            name,
            line,
            column,
            f"the workbook must be a mapping of keys (format:, agreement:, …), not {kind_of(data)}",
        )
    return Loaded(data, source)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = current[: len(current) - len(current.lstrip(" \t"))]
    if "\t" in indent or "'\\t'" in str(exc.problem):
        tab_line = next(
            (i for i, ln in enumerate(lines, 1) if "\t" in ln[: len(ln) - len(ln.lstrip(" \t"))]),
            line,
        )
        return Problem(
            name, tab_line, 1, "a tab is used for indentation: YAML indents with spaces only"
        )
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{exc.context}, {what}"
    advice = next((tip for clue, tip in _SYNTAX_ADVICE.items() if clue in what), "")
    return Problem(name, line, column, f"YAML syntax error: {what}{advice}")


class _Converter:
    """Turns composed nodes into dicts, lists and scalars, recording positions and problems."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, loc: Loc) -> Any:
        mark = node.start_mark
        self.source.values.setdefault(loc, (mark.line + 1, mark.column + 1))
        self.count += 1
        if self.count > MAX_NODES:
            raise WorkbookError(
                [
                    self.source.problem(
                        loc,
                        f"the file expands to more than {MAX_NODES:,} values (YAML aliases "
                        "repeating other aliases?); a workbook needs far fewer",
                    )
                ]
            )
        if len(loc) > MAX_DEPTH:
            raise WorkbookError(
                [self.source.problem(loc, f"the file nests deeper than {MAX_DEPTH} levels")]
            )
        if id(node) in self.active:
            raise WorkbookError([self.source.problem(loc, "a YAML alias refers to itself")])
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.problems.append(self._tag_problem(node, loc))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(item, (*loc, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.ScalarNode):
                return self._scalar(node, loc)
            raise TypeError(f"not a YAML node PyYAML composes: {node!r}")
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            where = (key_mark.line + 1, key_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        self.source.path,
                        *where,
                        "a key must be a plain word, not a list or mapping",
                    )
                )
                continue
            key = str(key_node.value)
            if key in first_seen:
                self.problems.append(
                    Problem(
                        self.source.path,
                        *where,
                        f"duplicate key '{key}' (first at line {first_seen[key]}): "
                        "each key may appear once; merge the two or remove one",
                    )
                )
                continue
            first_seen[key] = where[0]
            self.source.keys[(*loc, key)] = where
            result[key] = self.convert(value_node, (*loc, key))
        return result

    def _tag_problem(self, node: yaml.Node, loc: Loc) -> Problem:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        return self.source.problem(
            loc,
            f"the YAML tag '{tag}' is not allowed: a workbook holds plain text, numbers, dates, "
            "lists and mappings only",
        )

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        self.source.texts[loc] = node.value
        if node.tag not in _SCALAR_TAGS:
            self.problems.append(self._tag_problem(node, loc))
            return node.value
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, yaml.YAMLError):
            # e.g. 2026-13-45 looks like a date but is none: keep the text, validation says why.
            return node.value
