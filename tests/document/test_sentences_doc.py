"""docs/fixed-sentences.md lists every fixed wording in Finnish and Swedish and the sentences that
name parties as rendered: it is made by docs/sentences.py and must be in step with the catalogs."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def test_the_page_of_fixed_sentences_is_in_step_with_the_catalogs() -> None:
    spec = importlib.util.spec_from_file_location("sentences", ROOT / "docs" / "sentences.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (ROOT / "docs" / "fixed-sentences.md").read_text(encoding="utf-8")
    assert page == module.page(), "run: python3 docs/sentences.py > docs/fixed-sentences.md"
    # A reviewer finds the sentences that name parties, in both languages, and every label.
    kemi = "valtuuttaa kaupunginjohtajan allekirjoittamaan sopimuksen Kemin kaupungin puolesta"
    assert kemi in page
    assert "befullmäktigar kommundirektören att underteckna avtalet på kommunens vägnar" in page
    assert "| `appeal.preparatory.area` |" in page
