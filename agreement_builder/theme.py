"""The templates a build uses: a user's own folder over the shipped set, file by file.

A wellbeing area keeps its house style and wording in a folder of its own (`build --templates
DIR`, started with `agreement-builder templates export DIR`) that needs to hold only what it
changes. Every stage asks this one object for a file (`find`): the Jinja loader, the PDF
writer's stylesheet, fonts and images, the message catalogs, and the fingerprint that tells a
build whether documents must be redrawn. As MkDocs' `theme.py` serves a custom_dir over a
theme.

- A template, `print.css`, a font or an image: the user's file if it has one, else the shipped.
- A message catalog (`messages/<language>.yaml`): merged label by label, the user's labels over
  the shipped ones, so that changing one wording does not mean copying (and then maintaining)
  two hundred; a catalog for a language the package does not ship is the user's alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

import yaml

from .errors import OutputExists, TemplateError
from .yamlload import safe_load

# Shipped inside the package (package data), so that an installed tool builds outside a checkout.
SHIPPED = Path(str(resources.files("agreement_builder") / "templates"))
IGNORED = {"__pycache__", ".DS_Store"}
MESSAGES = "messages/"
# CLDR's plural categories: a counted label gives a form for "other" and for any others its
# language distinguishes (Finnish and Swedish: "one").
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

Message = str | Mapping[str, str]


@dataclass(frozen=True)
class Templates:
    """Folders searched in order for each file: the user's own first, the shipped set last."""

    dirs: tuple[Path, ...]

    @classmethod
    def shipped(cls) -> Templates:
        return _shipped()

    @classmethod
    def of(cls, folder: Templates | Path | None) -> Templates:
        """The templates of a user's `folder` over the shipped ones (None: the shipped ones).

        Raises TemplateError when the folder does not exist or is no folder.
        """
        if isinstance(folder, Templates):
            return folder
        if folder is None:
            return _shipped()
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise TemplateError(
                f"{folder}: the templates folder {what} (start one with "
                f"`agreement-builder templates export {folder}`)"
            )
        resolved = folder.resolve()
        if resolved == SHIPPED.resolve():
            return _shipped()
        return cls((resolved, SHIPPED.resolve()))

    @property
    def base(self) -> Path:
        """The folder relative URLs in the documents resolve in (see `locate`)."""
        return self.dirs[0]

    def find(self, name: str) -> Path:
        """The file `name` (`print.css`, `fonts/X.ttf`) as the build uses it: the first folder's
        that has it. Raises TemplateError when none has it."""
        found = self.lookup(name)
        if found is None:
            raise TemplateError(
                f"no template file {name} in {' or '.join(str(d) for d in self.dirs)}"
            )
        return found

    def lookup(self, name: str) -> Path | None:
        relative = _relative(name)
        if relative is None:
            return None
        for folder in self.dirs:
            path = folder / relative
            if path.is_file():
                return path
        return None

    def layers(self, name: str) -> list[Path]:
        """Every folder's file `name`, the shipped one first (a catalog's layers, merged)."""
        relative = _relative(name)
        if relative is None:
            return []
        return [
            folder / relative for folder in reversed(self.dirs) if (folder / relative).is_file()
        ]

    def locate(self, path: Path) -> Path | None:
        """The file a path inside one of the folders stands for (the base folder's `fonts/X`
        is the shipped font where the user's folder has none); None for a path outside them."""
        path = Path(path).resolve()
        for folder in self.dirs:
            if path.is_relative_to(folder.resolve()):
                return self.lookup(path.relative_to(folder.resolve()).as_posix())
        return None

    def files(self) -> dict[str, Path]:
        """The effective files by name, sorted: what a build reads, whichever folder holds it."""
        found: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            for path in folder.rglob("*"):
                if path.is_file() and not IGNORED & set(path.relative_to(folder).parts):
                    found[path.relative_to(folder).as_posix()] = path
        return dict(sorted(found.items()))

    def fingerprint(self) -> str:
        """Of the effective files (names and bytes), not of where they are: the exported set
        used as a folder of one's own is the shipped set, and keeps the built documents."""
        digest = hashlib.sha256()
        for name, path in self.files().items():
            if _is_catalog(name):  # merged: every layer counts, a copy of one below it none
                layers = list(dict.fromkeys(layer.read_bytes() for layer in self.layers(name)))
                digest.update(name.encode() + b"\0" + b"\0".join(layers) + b"\0")
                continue
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def messages(self, language: str) -> dict[str, Message]:
        """The message catalog of `language`: the shipped labels with the user's over them.

        Raises TemplateError when no folder has one, or one is not a catalog (file:line)."""
        layers = self.layers(f"{MESSAGES}{language}.yaml")
        if not layers:
            raise TemplateError(
                f"the templates have no message catalog {MESSAGES}{language}.yaml: every language "
                f"in agreement.languages needs one (in {self.base}: start from "
                f"`agreement-builder templates export`, copy messages/fi.yaml and translate it)"
            )
        merged: dict[str, Message] = {}
        for layer in layers:
            merged.update(_catalog(str(layer), layer.read_bytes()))
        return merged

    def catalog_path(self, language: str) -> Path:
        """The catalog file named in messages about it: the user's, if it has one."""
        return self.layers(f"{MESSAGES}{language}.yaml")[-1]

    def check(self, languages: Iterable[str] = ()) -> None:
        """Compile every template and read the catalogs of `languages`, so that a broken one is
        an error (file:line) before a build writes anything."""
        from .render.html import environment  # Jinja is imported only when templates are used

        for language in languages:
            self.messages(language)
        env = environment(self)
        for name in self.files():
            if name.endswith(".j2"):
                env.get_template(name)  # raises TemplateError, located


@cache
def _shipped() -> Templates:
    return Templates((SHIPPED.resolve(),))


def _is_catalog(name: str) -> bool:
    return name.startswith(MESSAGES) and name.endswith(".yaml") and name.count("/") == 1


@cache
def _catalog(path: str, data: bytes) -> dict[str, Message]:
    """One catalog file: a flat mapping of label to text, where a counted label maps plural
    categories (`one`, `other`) to text with `{n}`. Cached by content, so `watch` sees edits."""
    try:
        parsed = safe_load(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: a message catalog is UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = getattr(error, "problem", None) or str(error)
        raise TemplateError(f"{where}: not a valid YAML message catalog: {problem}") from None
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, dict) or not all(_is_message(v) for v in parsed.values()):
        raise TemplateError(
            f"{path}: a message catalog is a flat mapping of label to text, or for a counted "
            "label to its plural forms ({one: ..., other: ...})"
        )
    return parsed


def _is_message(value: object) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and "other" in value
        and set(value) <= PLURAL_CATEGORIES
        and all(isinstance(v, str) for v in value.values())
    )


def _relative(name: str) -> PurePosixPath | None:
    """`name` as a path inside a folder; None for one that would leave it (`../x`, `/etc/x`)."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return relative


def export_templates(folder: Path, *, force: bool = False) -> list[Path]:
    """Copy the shipped templates into `folder` to start a set of one's own from.

    Refuses (OutputExists, nothing copied) when any of the files is already there, unless
    `force`: the folder may hold someone's edited templates.
    """
    shipped = _shipped().files()
    targets = {name: folder / name for name in shipped}
    if folder.exists() and not folder.is_dir():
        raise OutputExists(f"{folder} exists and is not a folder")
    present = [name for name, target in targets.items() if target.exists()]
    if present and not force:
        shown = ", ".join(present[:3]) + (
            f" and {len(present) - 3} more" if len(present) > 3 else ""
        )
        raise OutputExists(
            f"{folder} already has {shown}: nothing was copied (use --force to overwrite them, "
            "or export into an empty folder)"
        )
    from .fileio import Folder

    written = []
    for name, source in shipped.items():
        # Each file written inside `folder`, its subfolders opened without following links, so
        # a link planted there sends nothing elsewhere; a full disk is one OutputError.
        *subfolders, file_name = PurePosixPath(name).parts
        with Folder.open(folder, *subfolders) as target_folder:
            written.append(target_folder.write(file_name, Path(source).read_bytes()))
    return written
