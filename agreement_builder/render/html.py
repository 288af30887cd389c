"""The Jinja environment: templates in, one semantic HTML document out.

Autoescaping is always on and undefined names are errors, so workbook text can only ever be
text, and a template that asks for something the context lacks fails loudly instead of printing
nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .watermark import watermark_url


@cache
def environment(templates_dir: Path) -> jinja2.Environment:
    """One environment per templates folder, shared by every render in a process."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    # A template names the font of its draft mark by a path inside the templates folder.
    env.globals["watermark"] = lambda text, font: watermark_url(text, templates_dir / font)
    return env


def render_html(templates_dir: Path, template: str, doc: Any, **extra: Any) -> str:
    """Render `template` with the document context `doc` (its catalog is available as `t`)."""
    return environment(templates_dir).get_template(template).render(doc=doc, t=doc.t, **extra)
