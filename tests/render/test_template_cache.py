"""The shipped templates, compiled, are kept between runs (Jinja's bytecode cache); a user's own
templates are not kept; a cache that is damaged or cannot be written only makes a template
compile again."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache
import pytest

from agreement_builder.render.html import _ShippedCache, environment
from agreement_builder.theme import SHIPPED, Templates

TEMPLATE = "{% for x in items %}<p>{{ x }}</p>{% endfor %}"
EXPECTED = "<p>a</p><p>&lt;b&gt;</p>"


def _render(templates: Path, cache: jinja2.BytecodeCache) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)), autoescape=True, bytecode_cache=cache
    )
    return env.get_template("t.html.j2").render(items=["a", "<b>"])


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.html.j2").write_text(TEMPLATE, encoding="utf-8")
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    return folder


def test_a_compiled_template_is_kept_and_used(templates: Path, cache_dir: Path) -> None:
    assert _render(templates, _ShippedCache(templates, str(cache_dir))) == EXPECTED
    [entry] = cache_dir.iterdir()
    stamp = entry.stat().st_mtime_ns
    assert _render(templates, _ShippedCache(templates, str(cache_dir))) == EXPECTED
    assert entry.stat().st_mtime_ns == stamp  # read, not compiled and written again


def test_a_changed_template_is_compiled_again_in_the_same_entry(
    templates: Path, cache_dir: Path
) -> None:
    _render(templates, _ShippedCache(templates, str(cache_dir)))
    (templates / "t.html.j2").write_text("<i>{{ items | length }}</i>", encoding="utf-8")
    assert _render(templates, _ShippedCache(templates, str(cache_dir))) == "<i>2</i>"
    assert len(list(cache_dir.iterdir())) == 1


def test_templates_of_another_folder_are_not_kept(
    tmp_path: Path, templates: Path, cache_dir: Path
) -> None:
    elsewhere = tmp_path / "shipped"
    elsewhere.mkdir()
    assert _render(templates, _ShippedCache(elsewhere, str(cache_dir))) == EXPECTED
    assert list(cache_dir.iterdir()) == []


def test_a_damaged_entry_is_compiled_again(templates: Path, cache_dir: Path) -> None:
    _render(templates, _ShippedCache(templates, str(cache_dir)))
    [entry] = cache_dir.iterdir()
    good = entry.read_bytes()
    magic = jinja2.bccache.bc_magic
    # cut short; a checksum that is not a pickle (which plain Jinja raises on); cut after the
    # mark; empty
    for damage in (good[: len(good) // 2], magic + b"garbage", magic, b""):
        entry.write_bytes(damage)
        assert _render(templates, _ShippedCache(templates, str(cache_dir))) == EXPECTED
        assert entry.read_bytes() == good  # written again whole


def test_a_cache_that_cannot_be_written_is_only_slower(tmp_path: Path, templates: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    assert _render(templates, _ShippedCache(templates, str(not_a_folder))) == EXPECTED
    assert not_a_folder.read_text(encoding="utf-8") == ""


def test_the_environment_keeps_the_shipped_templates_only(templates: Path) -> None:
    env = environment(Templates.of(templates))  # the user's folder over the shipped one
    cache = env.bytecode_cache
    assert isinstance(cache, _ShippedCache)
    assert cache.folder == SHIPPED.resolve()
    # apart from other programs' compiled templates (Jinja keys an entry by file alone)
    assert cache.pattern.startswith("__agreement_builder_")
    shipped = SHIPPED.resolve() / "base.html.j2"
    source = shipped.read_text(encoding="utf-8")
    assert cache.get_bucket(env, "base.html.j2", str(shipped), source).key
    users = templates / "t.html.j2"
    assert not cache.get_bucket(env, "t.html.j2", str(users), TEMPLATE).key
