"""A new workbook for an area: its parties from the registry, the themes of Kuntaliitto's
strategic goals workbook, and placeholders (text starting with TODO) for what people decide.

`validate` reports every placeholder as still to fill in, so the preparer sees what is left.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import OutputExists
from ..pipeline.files import write_atomic
from ..registry import Area, Municipality, registry
from ..workbook.dump import dump_workbook
from ..workbook.model import FORMAT
from ..workbook.problems import TODO

AREA_APPROVER = {"fi": "aluevaltuusto", "sv": "välfärdsområdesfullmäktige"}
APPROVERS = {
    "kunta": {"fi": "kunnanvaltuusto", "sv": "kommunfullmäktige"},
    "kaupunki": {"fi": "kaupunginvaltuusto", "sv": "stadsfullmäktige"},
}
# The headings of Kuntaliitto's strategic goals workbook, as the regions use them.
THEMES: list[tuple[str, dict[str, str]]] = [
    (
        "hyte",
        {"fi": "Hyvinvoinnin ja terveyden edistäminen", "sv": "Främjande av välfärd och hälsa"},
    ),
    (
        "lapset",
        {
            "fi": "Lasten, nuorten ja perheiden hyvinvointi",
            "sv": "Barns, ungas och familjers välfärd",
        },
    ),
    ("tyollisyys", {"fi": "Työllisyys ja työkyky", "sv": "Sysselsättning och arbetsförmåga"}),
    ("kotoutuminen", {"fi": "Kotoutuminen", "sv": "Integration"}),
    ("ikaantyneet", {"fi": "Ikääntyneiden hyvinvointi", "sv": "Äldres välfärd"}),
    (
        "turvallisuus",
        {"fi": "Arjen turvallisuus ja valmius", "sv": "Vardagssäkerhet och beredskap"},
    ),
    ("tilat", {"fi": "Tilat ja palveluverkko", "sv": "Lokaler och servicenätverk"}),
    (
        "tieto",
        {
            "fi": "Tiedolla johtaminen ja tietojärjestelmät",
            "sv": "Kunskapsbaserad ledning och informationssystem",
        },
    ),
]
_TODO_TEXT = {
    "purpose": {
        "fi": "sopimuksen tarkoitus ja lähtökohdat",
        "sv": "avtalets syfte och utgångspunkter",
    },
    "goal": {"fi": "tavoitteen otsikko", "sv": "målets rubrik"},
    "indicator": {"fi": "mittarin nimi", "sv": "indikatorns namn"},
    "target": {"fi": "tavoitetaso", "sv": "målnivå"},
    "measure": {"fi": "toimenpide", "sv": "åtgärd"},
    "lead": {"fi": "päävastuutahon tunnus", "sv": "huvudansvarig parts id"},
    "monitoring": {
        "fi": "miten sopimuksen toteutumista seurataan ja raportoidaan",
        "sv": "hur avtalets genomförande följs upp och rapporteras",
    },
    "validity": {
        "fi": "sopimuksen voimassaolo, muuttaminen ja erimielisyydet",
        "sv": "avtalets giltighetstid, ändringar och meningsskiljaktigheter",
    },
}
_VALIDITY_TITLE = {
    "fi": "Sopimuksen voimassaolo ja muuttaminen",
    "sv": "Avtalets giltighetstid och ändringar",
}


def _texts(texts: dict[str, str], languages: list[str]) -> dict[str, str]:
    return {language: texts[language] for language in languages}


def _todo(what: str, languages: list[str]) -> dict[str, str]:
    return {language: f"{TODO}: {_TODO_TEXT[what][language]}" for language in languages}


def _municipality(municipality: Municipality, languages: list[str]) -> dict[str, Any]:
    names = {"fi": municipality.fi, "sv": municipality.sv}
    return {
        "id": municipality.id,
        "code": municipality.code,
        "name": _texts(names, languages),
        "languages": list(municipality.languages),
        "approver": _texts(APPROVERS[municipality.kind], languages),
    }


def starter_workbook(area: Area, today: dt.date) -> dict[str, Any]:
    """The plain data of a new workbook for `area`, dated `today`."""
    languages = area.languages
    area_id = f"{area.id}-hva"
    title = {
        "fi": f"{area.fi}en ja kuntien strateginen yhteistyösopimus",
        "sv": f"Strategiskt samarbetsavtal mellan {area.sv} och kommunerna",
    }
    goals = []
    for number, (theme, _) in enumerate(THEMES, 1):
        goal = f"T{number}"
        goals.append(
            {
                "id": goal,
                "theme": theme,
                "title": _todo("goal", languages),
                "indicators": [
                    {
                        "id": f"{goal}-I1",
                        "name": _todo("indicator", languages),
                        "target": f"{TODO}: {_TODO_TEXT['target'][languages[0]]}",
                    }
                ],
                "measures": [
                    {
                        "id": f"{goal}.1",
                        "text": _todo("measure", languages),
                        # The lead party is a decision, not a default. (No comma: a
                        # spreadsheet cell separates ids by commas.)
                        "responsible": [f"{TODO}: {_TODO_TEXT['lead'][languages[0]]}"],
                        "indicators": [f"{goal}-I1"],
                    }
                ],
            }
        )
    return {
        "format": FORMAT,
        "agreement": {
            "id": f"{area.id}-yhteistyosopimus",
            "title": _texts(title, languages),
            "languages": languages,
            "period": {"start": f"{TODO}: YYYY-MM-DD", "end": f"{TODO}: YYYY-MM-DD"},
            "version": "0.1",
            "status": "draft",
            "date": today,
            "purpose": _todo("purpose", languages),
        },
        "wellbeing_area": {
            "id": area_id,
            "name": _texts({"fi": area.fi, "sv": area.sv}, languages),
            "approver": _texts(AREA_APPROVER, languages),
        },
        "municipalities": [_municipality(m, languages) for m in area.municipalities],
        "themes": [{"id": theme, "title": _texts(title, languages)} for theme, title in THEMES],
        "goals": goals,
        "monitoring": {"text": _todo("monitoring", languages)},
        "sections": [
            {
                "id": "voimassaolo",
                "title": _texts(_VALIDITY_TITLE, languages),
                "body": _todo("validity", languages),
            }
        ],
    }


def starter_header(area: Area, today: dt.date) -> str:
    """The comment that opens a new workbook: where its parties come from, what is left."""
    source = registry()
    return (
        f"{area.fi} / {area.sv}: a new workbook made by agreement-builder new on "
        f"{today.isoformat()}.\n"
        f"Parties from the municipality registry ({source.source}; checked {source.checked}).\n"
        "Every text that starts with TODO is a placeholder: replace it. "
        "`agreement-builder validate FILE`\n"
        "lists each one still to fill in; the documents build once none is left.\n"
        "Add business IDs, addresses and contacts; remove the goals, indicators and themes "
        "you do not need."
    )


def area_lines() -> list[str]:
    """One line per area, for `new --list`: code, id, names, municipalities, languages."""
    return [
        f"{area.code}  {area.id:<18} {area.fi} / {area.sv}  "
        f"({len(area.municipalities)} municipalities, {', '.join(area.languages)})"
        for area in registry().areas
    ]


def new_workbook(
    area_query: str, target: Path | None, *, force: bool = False, today: dt.date | None = None
) -> tuple[Path, Area]:
    """Write a new YAML workbook for the area named by `area_query` (see Registry.find).

    Raises UnknownArea for an unknown area and OutputExists when `target` exists (unless
    `force`); nothing is written then. The default target is `<area id>.yaml`.
    """
    area = registry().find(area_query)
    target = target or Path(f"{area.id}.yaml")
    if target.exists() and not force:
        raise OutputExists(f"{target} exists: choose another file with -o, or --force")
    day = today or dt.date.today()
    text = dump_workbook(starter_workbook(area, day), starter_header(area, day))
    write_atomic(target, text.encode("utf-8"))
    return target, area
