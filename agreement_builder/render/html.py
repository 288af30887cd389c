"""The Jinja environment: templates in, one semantic HTML document out.

Autoescaping is always on and undefined names are errors, so workbook text can only ever be
text, and a template that asks for something the context lacks fails loudly instead of printing
nothing. A broken template (a syntax error, a name it does not have, a file it includes that is
not there) is a TemplateError naming the template file and line.
"""

from __future__ import annotations

import contextlib
import hashlib
import traceback
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from ..errors import TemplateError
from ..theme import SHIPPED, Templates
from .hyphenate import hyphenate_html
from .watermark import watermark_url

# How templates are compiled: the cache of compiled templates is kept apart by these and by
# Jinja's version, since Jinja keys an entry by the template file alone.
_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "keep_trailing_newline": True,
}


@cache
def environment(templates: Templates | Path) -> jinja2.Environment:
    """One environment per set of templates, shared by every render in a process; a user's
    folder is searched first, the shipped templates for any file it does not have."""
    templates = Templates.of(templates)
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in templates.dirs]),
        bytecode_cache=_bytecode_cache(),
        **_OPTIONS,
    )
    # A template names the font of its draft mark by a path inside the templates folder.
    env.globals["watermark"] = lambda text, font: watermark_url(text, templates.find(font))
    return env


def render_html(
    templates: Templates | Path, template: str, doc: Any, *, hyphenate: bool = True, **extra: Any
) -> str:
    """Render `template` with the document context `doc` (its catalog is available as `t`),
    with soft hyphens in its text (render/hyphenate.py): both writers break words alike. A web
    page (`hyphenate=False`) is left to the browser."""
    compiled = environment(templates).get_template(template)
    try:
        html = compiled.render(doc=doc, t=doc.t, **extra)
    except jinja2.TemplateError as error:
        raise located(error, template) from None
    if not hyphenate:
        return html
    return hyphenate_html(html, getattr(doc, "proper_names", ()))


@cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """The shipped templates, compiled, kept between runs in a folder of this user's own in the
    temporary directory (Jinja's FileSystemBytecodeCache: an entry is used only for the same
    template file with the same source, and replaced atomically): compiling them took a third of
    a second of every run. None where no such folder can be made."""
    compiled_with = repr((jinja2.__version__, sorted(_OPTIONS.items())))
    digest = hashlib.sha256(compiled_with.encode()).hexdigest()[:16]
    try:
        return _ShippedCache(SHIPPED.resolve(), pattern=f"__agreement_builder_{digest}_%s.cache")
    except (OSError, RuntimeError):  # RuntimeError: no folder only this user can write
        return None


class _ShippedCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates of one folder (the shipped one): one entry a template, replaced when
    it changes. A user's own templates are compiled each run (a few files): kept, each folder of
    them ever used would leave its entries behind. A cache that cannot be read or written (a
    full or read-only disk, a damaged entry) only makes the template compile again."""

    def __init__(self, folder: Path, directory: str | None = None, pattern: str = "") -> None:
        super().__init__(directory, pattern or "__jinja2_%s.cache")
        self.folder = folder

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        if filename is not None and Path(filename).is_relative_to(self.folder):
            return super().get_bucket(environment, name, filename, source)
        return jinja2.bccache.Bucket(environment, "", self.get_source_checksum(source))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not bucket.key:
            return
        try:
            super().load_bytecode(bucket)
        except Exception:  # any damage (a cut file, a stray pickle) means: compile it
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not bucket.key:
            return
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class _Environment(jinja2.Environment):
    """Loading a template that is missing or does not compile is a located TemplateError."""

    def _load_template(self, name: str, globals: Any) -> jinja2.Template:
        try:
            return super()._load_template(name, globals)
        except jinja2.TemplateError as error:
            raise located(error, name) from None


def located(error: jinja2.TemplateError, template: str) -> TemplateError:
    """A Jinja error as `file:line: what`, the file being the template where it happened."""
    if isinstance(error, TemplateError):
        return error
    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateError(f"{template}: no template named {error.name!r}")
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = error.filename or error.name or template
        return TemplateError(f"{where}:{error.lineno}: {error.message}")
    # Jinja rewrites a render error's traceback to the template's lines: the innermost frame
    # of a template file is where it happened.
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith((".j2", ".html", ".css"))
    ]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else template
    return TemplateError(f"{where}: {error.message or type(error).__name__}")
