"""Compiled templates are kept between runs (Jinja's bytecode cache); a cache that is damaged
or cannot be written only makes the template compile again."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache
import pytest

from agreement_builder.render.html import _QuietCache, environment
from agreement_builder.theme import Templates

TEMPLATE = "{% for x in items %}<p>{{ x }}</p>{% endfor %}"


def _render(templates: Path, cache: jinja2.BytecodeCache) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)), autoescape=True, bytecode_cache=cache
    )
    return env.get_template("t.html.j2").render(items=["a", "<b>"])


def _templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.html.j2").write_text(TEMPLATE, encoding="utf-8")
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    return folder


def test_a_compiled_template_is_kept_and_used(tmp_path: Path, cache_dir: Path) -> None:
    templates = _templates(tmp_path)
    first = _render(templates, _QuietCache(str(cache_dir)))
    [entry] = cache_dir.iterdir()
    stamp = entry.stat().st_mtime_ns
    assert _render(templates, _QuietCache(str(cache_dir))) == first == "<p>a</p><p>&lt;b&gt;</p>"
    assert entry.stat().st_mtime_ns == stamp  # read, not compiled and written again


def test_a_changed_template_is_compiled_again(tmp_path: Path, cache_dir: Path) -> None:
    templates = _templates(tmp_path)
    _render(templates, _QuietCache(str(cache_dir)))
    (templates / "t.html.j2").write_text("<i>{{ items | length }}</i>", encoding="utf-8")
    assert _render(templates, _QuietCache(str(cache_dir))) == "<i>2</i>"


def test_a_damaged_entry_is_compiled_again(tmp_path: Path, cache_dir: Path) -> None:
    templates = _templates(tmp_path)
    expected = _render(templates, _QuietCache(str(cache_dir)))
    [entry] = cache_dir.iterdir()
    good = entry.read_bytes()
    magic = jinja2.bccache.bc_magic
    # cut short; a checksum that is not a pickle (which plain Jinja raises on); cut after the
    # mark; empty
    for damage in (good[: len(good) // 2], magic + b"garbage", magic, b""):
        entry.write_bytes(damage)
        assert _render(templates, _QuietCache(str(cache_dir))) == expected
        assert entry.read_bytes() == good  # written again whole


def test_a_cache_that_cannot_be_written_is_only_slower(tmp_path: Path) -> None:
    templates = _templates(tmp_path)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    expected = "<p>a</p><p>&lt;b&gt;</p>"
    assert _render(templates, _QuietCache(str(not_a_folder))) == expected
    assert not_a_folder.read_text(encoding="utf-8") == ""


def test_the_templates_environment_keeps_compiled_templates(tmp_path: Path) -> None:
    env = environment(Templates.of(_templates(tmp_path)))
    assert isinstance(env.bytecode_cache, _QuietCache)
    # apart from other programs' compiled templates (Jinja keys an entry by file alone)
    assert env.bytecode_cache.pattern.startswith("__agreement_builder_")
