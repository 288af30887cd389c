"""Hyphenation: soft hyphens (U+00AD) put into the text of the one HTML both writers read.

WeasyPrint breaks a word at a soft hyphen and draws the hyphen only there; Word and LibreOffice
do the same with the DOCX writer's `w:softHyphen`. So a document breaks its words at the same
places in both formats, and the stylesheet asks for `hyphens: manual`: no writer hyphenates on
its own.

- Finnish: Voikko (libvoikko with the voikko-fi morphology, the hyphenator LibreOffice uses),
  which knows compound boundaries ("Kunta-numero", "hyvin-vointi-alueen"). pyphen, WeasyPrint's
  hyphenator, has no Finnish dictionary. Without Voikko installed, Finnish is not hyphenated
  and the build says so once (`unavailable`).
- Swedish: pyphen's dictionary, with restraint, since it breaks anywhere between syllables:
  only words of 12 letters or more, at least 4 letters kept on each side.
- Never hyphenated: names of parties, bodies, forums and people (`protected`, and capitalized
  words that begin as one of those names does: its inflected forms), words with digits or
  other characters than letters (ids, numbers, e-mail addresses, URLs), words in capitals, text
  in headings, the contents, running headers and footers, and in any element with the class
  `nohyphen`. Number ranges ("2027–2029") and ids with a dash or slash ("M2-/I2") are put in a
  `<span class="nobreak">` that the stylesheet keeps on one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

import lxml.html

SOFT_HYPHEN = "\u00ad"

# Elements whose text is never hyphenated: headings (the stylesheet never breaks them inside a
# word either), the contents, the running header and footer, code, and the document head.
_SKIP_TAGS = frozenset({"h1", "h2", "h3", "h4", "nav", "header", "footer", "code", "pre", "time"})
_UNTOUCHED = frozenset({"head", "title", "style", "script"})  # not even kept together
SKIP_CLASSES = frozenset({"nohyphen", "nobreak"})

# A run of letters (with inner apostrophes or hyphens: "Y-tunnus", "vaikuttavuus-")…
_WORD = re.compile(r"[^\W\d_]+")
# …inside a whitespace-separated chunk; a chunk with a digit, "@", "/", ":" or "." inside a word
# is an id, a number, an address or a URL and is left whole.
_CHUNK = re.compile(r"\S+")
_TECHNICAL = re.compile(r"\d|@|/|:\S|\w\.\w|www\.|_")
# Kept on one line: a number range (2027–2029, 1.1.2027–31.12.2029) and an id with a dash or a
# slash in it (M2-/I2, T1.2/T1.3, 0209602-6).
_NOBREAK = re.compile(r"\b\d[\d.]*\s?[–-]\s?\d[\d.]*\b|(?<!\S)(?=\S*\d)[\w.]+[-/–][-/\w.]*\w")

MIN_LENGTH = {"fi": 7, "sv": 12}


@cache
def _voikko() -> object | None:
    try:
        import libvoikko  # the binding of Debian's libvoikko1; voikko-fi holds the dictionary
    except ImportError:
        return None
    try:
        voikko = libvoikko.Voikko("fi")
    except OSError:  # the library or its Finnish dictionary is missing
        return None
    voikko.setNoUglyHyphenation(True)  # no single letter left alone ("a-lue")
    voikko.setMinHyphenatedWordLength(MIN_LENGTH["fi"])
    voikko.setHyphenateUnknownWords(True)
    return voikko


@cache
def _pyphen(language: str) -> object | None:
    import pyphen

    try:
        return pyphen.Pyphen(lang=language, left=4, right=4)
    except KeyError:
        return None


@cache
def hyphenator(language: str) -> Callable[[str], str] | None:
    """A function that puts soft hyphens into one word, or None: not hyphenated."""
    base = language.split("-")[0].lower()
    if base == "fi":
        voikko = _voikko()
        if voikko is None:
            return None

        def finnish(word: str) -> str:
            pattern = voikko.getHyphenationPattern(word)  # type: ignore[attr-defined]
            # "-": a hyphen may come before this letter; "=": this character is a hyphen.
            return "".join(
                (SOFT_HYPHEN + char) if mark == "-" else char
                for char, mark in zip(word, pattern, strict=True)
            )

        return finnish
    if base == "sv":
        dictionary = _pyphen("sv")
        if dictionary is None:
            return None
        return lambda word: dictionary.inserted(word, hyphen=SOFT_HYPHEN)  # type: ignore[attr-defined]
    return None


def unavailable(languages: Iterable[str]) -> list[str]:
    """A note for each language of `languages` that this machine cannot hyphenate."""
    notes = []
    if "fi" in languages and hyphenator("fi") is None:
        notes.append(
            "Finnish text is not hyphenated: Voikko is not installed (apt-get install "
            "libvoikko1 voikko-fi; pip install libvoikko); long words may crowd narrow columns"
        )
    return notes


class _Protected:
    """Names that are never hyphenated, as phrases and as the beginnings of capitalized words."""

    def __init__(self, names: Iterable[str]) -> None:
        phrases = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
        self.phrases = (
            re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in phrases))
            if phrases
            else None
        )
        # The stem of a capitalized word of a name: "Rovaniemi" protects "Rovaniemen" too.
        self.stems = frozenset(
            word[: max(4, len(word) - 3)]
            for phrase in phrases
            for word in _WORD.findall(phrase)
            if word[:1].isupper() and len(word) >= 4
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self.phrases is None:
            return []
        return [match.span() for match in self.phrases.finditer(text)]

    def is_name(self, word: str) -> bool:
        if not word[:1].isupper():
            return False
        return any(word[:k] in self.stems for k in range(4, len(word) + 1))


@lru_cache(maxsize=64)
def _protected(names: tuple[str, ...]) -> _Protected:
    """One `_Protected` per list of names: the cache of hyphenated texts is keyed by it."""
    return _Protected(names)


@lru_cache(maxsize=65536)
def _word(language: str, word: str) -> str:
    hyphenate = hyphenator(language)
    if hyphenate is None or len(word) < MIN_LENGTH.get(language, 10**6):
        return word
    return hyphenate(word)


@lru_cache(maxsize=65536)
def hyphenate_text(text: str, language: str, protected: _Protected) -> str:
    """`text` with soft hyphens in its long words, except in names, ids and numbers."""
    # Cached: a batch's documents share most of their sentences (a party's agenda item is
    # another party's with a few words changed).
    if hyphenator(language) is None or SOFT_HYPHEN in text:
        return text
    skipped = protected.spans(text)
    out: list[str] = []
    position = 0
    for chunk in _CHUNK.finditer(text):
        start, end = chunk.span()
        out.append(text[position:start])
        position = end
        word = chunk.group()
        if _TECHNICAL.search(word) or any(s < end and start < e for s, e in skipped):
            out.append(word)
            continue
        out.append(_WORD.sub(lambda m: _letters(m.group(), language, protected), word))
    out.append(text[position:])
    return "".join(out)


def _letters(word: str, language: str, protected: _Protected) -> str:
    if len(word) < MIN_LENGTH.get(language, 10**6) or protected.is_name(word):
        return word
    if word.isupper():  # an abbreviation or a mark (LUONNOS, HYTE)
        return word
    return _word(language, word)


def hyphenate_html(html: str, protected: Iterable[str] = ()) -> str:
    """The HTML document with soft hyphens in the text of its elements (by their `lang`), and
    number ranges and ids kept on one line."""
    document = lxml.html.document_fromstring(html)
    names = _protected(tuple(protected))
    root_language = document.get("lang", "")
    _walk(document, root_language, names)
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def _walk(
    element: lxml.html.HtmlElement, language: str, names: _Protected, hyphenate: bool = True
) -> None:
    classes = set(element.get("class", "").split())
    if element.tag in _UNTOUCHED or "nobreak" in classes:
        return
    language = element.get("lang") or language
    if element.tag in _SKIP_TAGS or SKIP_CLASSES & classes:
        hyphenate = False
    if element.text:
        if hyphenate:
            element.text = hyphenate_text(element.text, language, names)
        _keep_together(element, None)
    for child in list(element):
        if not isinstance(child.tag, str):  # a comment or processing instruction
            continue
        _walk(child, language, names, hyphenate)
        if child.tail:
            if hyphenate:
                child.tail = hyphenate_text(child.tail, language, names)
            _keep_together(element, child)


def _keep_together(parent: lxml.html.HtmlElement, after: lxml.html.HtmlElement | None) -> None:
    """Wrap each number range and dashed id in the text (or the tail of `after`) in a span."""
    text = parent.text if after is None else after.tail
    if not text or not _NOBREAK.search(text):
        return
    pieces = _NOBREAK.split(text)
    kept = _NOBREAK.findall(text)
    if after is None:
        parent.text = pieces[0]
        index = 0
    else:
        after.tail = pieces[0]
        index = parent.index(after) + 1
    for i, value in enumerate(kept):
        span = lxml.html.Element("span", {"class": "nobreak"})
        span.text = value
        span.tail = pieces[i + 1]
        parent.insert(index + i, span)
