"""The registry of wellbeing services counties and their municipalities (municipalities.yaml).

Its header states the sources and the date it was checked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..errors import UnknownArea
from ..workbook.problems import did_you_mean
from ..yamlload import safe_load

__all__ = ["Area", "Municipality", "Registry", "UnknownArea", "registry"]

KINDS = ("kunta", "kaupunki")


@dataclass(frozen=True)
class Municipality:
    code: str  # three digits, e.g. "047"
    fi: str
    sv: str
    languages: tuple[str, ...]  # official languages, main one first
    kind: str  # kunta or kaupunki
    genitive: str  # of the Finnish name: Ranuan, Kemin, Kaskisten, Uudenkaupungin
    sami: bool  # in the Sámi homeland (the Sámi Language Act applies)

    @property
    def official_genitive(self) -> str:
        """The genitive of the official name: `Ranuan kunnan`, `Kemin kaupungin`."""
        if self.fi.endswith((" kunta", " kaupunki")):
            return self.genitive  # the name already says it (Pedersören kunta)
        return f"{self.genitive} {'kaupungin' if self.kind == 'kaupunki' else 'kunnan'}"

    @property
    def official_name(self) -> str:
        """`Ranuan kunta`, `Kemin kaupunki`: the genitive of the name and the kind."""
        if self.fi.endswith((" kunta", " kaupunki")):
            return self.fi
        return f"{self.genitive} {self.kind}"

    @property
    def id(self) -> str:
        """A workbook id: the Finnish name in lowercase ASCII, e.g. `enontekio`."""
        return slug(self.fi.removesuffix(" kunta"))


@dataclass(frozen=True)
class Area:
    code: str  # Statistics Finland's two-digit code, e.g. "21"
    id: str  # e.g. lappi
    abbreviation: str  # e.g. LA
    fi: str
    sv: str
    en: str
    genitive: str  # of the Finnish name: Lapin hyvinvointialueen
    municipalities: tuple[Municipality, ...]

    @property
    def bilingual(self) -> bool:
        return any(len(m.languages) > 1 for m in self.municipalities)

    @property
    def languages(self) -> list[str]:
        """The area's languages, main first: Swedish leads where most municipalities' main
        language is Swedish (Pohjanmaa), Finnish elsewhere."""
        if not self.bilingual:
            return ["fi"]
        swedish = sum(1 for m in self.municipalities if m.languages[0] == "sv")
        return ["sv", "fi"] if swedish * 2 > len(self.municipalities) else ["fi", "sv"]



@dataclass(frozen=True)
class Registry:
    source: str
    checked: str
    areas: tuple[Area, ...]

    def find(self, query: str) -> Area:
        """The area named by `query`: its id, code, abbreviation or Finnish, Swedish or English
        name, in any case and with or without diacritics (`lappi`, `21`, `Lapin
        hyvinvointialue`, `Lapplands välfärdsområde`)."""
        key = slug(query)
        for area in self.areas:
            names = (area.id, area.code, area.abbreviation, area.fi, area.sv, area.en)
            if key and key in {slug(name) for name in names} | {area.code.lstrip("0")}:
                return area
        ids = [area.id for area in self.areas]
        hint = did_you_mean(key, ids)
        raise UnknownArea(
            f"no wellbeing area '{query}'{hint}: name one by its id, code or name "
            "(agreement-builder new --list lists them)"
        )


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: `Itä-Uudenmaan hyvinvointialue` →
    `ita-uudenmaan-hyvinvointialue`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@cache
def registry() -> Registry:
    """The registry shipped with the package."""
    text = resources.files(__package__).joinpath("municipalities.yaml").read_text("utf-8")
    raw: dict[str, Any] = safe_load(text)
    areas = tuple(
        Area(
            code=area["code"],
            id=area["id"],
            abbreviation=area["abbreviation"],
            fi=area["fi"],
            sv=area["sv"],
            en=area["en"],
            genitive=area["genitive"],
            municipalities=tuple(
                Municipality(
                    code=row[0],
                    fi=row[1],
                    sv=row[2],
                    languages=tuple(row[3]),
                    kind=row[4],
                    genitive=row[5],
                    sami=row[6:] == ["sami"],
                )
                for row in area["municipalities"]
            ),
        )
        for area in raw["areas"]
    )
    return Registry(str(raw["source"]), str(raw["checked"]), areas)
