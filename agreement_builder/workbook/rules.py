"""Checks that need the whole workbook: languages, unique ids and references.

They read the raw data defensively, so that they run even when some values have the wrong type
and every problem is reported in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from .fields import localized_values
from .load import Source
from .model import ALL_MUNICIPALITIES, CHAPTERS, COUNTRY, LANGUAGES
from .problems import Loc, Problem, did_you_mean, is_placeholder


def check(data: dict[str, Any], source: Source) -> list[Problem]:
    """Every cross-field problem of a workbook."""
    return [
        *_language_problems(data, source),
        *_id_problems(data, source),
        *(p for p in _reference_problems(data, source) if p is not None),
        *_value_problems(data, source),
        *_follow_up_problems(data, source),
        *_plan_problems(data, source),
    ]


def _plan_problems(data: dict[str, Any], source: Source) -> Iterator[Problem]:
    """A party's plan approver means something only in the two-document form (`plan:`)."""
    if data.get("plan") is not None:
        agreement = data.get("agreement")
        version = agreement.get("version") if isinstance(agreement, dict) else None
        if isinstance(version, str) and version.startswith("plan-"):
            loc: Loc = ("agreement", "version")
            yield source.problem(
                loc,
                f"{source.label(loc, data)}: '{version}' would be a folder of the plan's versions "
                "(OUTPUT/<agreement id>/plan-<plan version>/): choose a version that does not "
                "start with 'plan-'",
            )
        return
    for kind in PARTY_KINDS:
        items = [(None, data.get(kind))] if kind == "wellbeing_area" else _items(data, kind)
        for i, party in items:
            if isinstance(party, dict) and party.get("plan_approver") is not None:
                loc = (kind, "plan_approver") if i is None else (kind, i, "plan_approver")
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: a plan approver needs the two-document form: "
                    "add `plan:` (version, status, date) or remove it",
                )


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _strings(value: Any) -> list[tuple[int, str]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, str)]


def _agreement_languages(data: dict[str, Any]) -> list[str]:
    agreement = data.get("agreement")
    languages = agreement.get("languages") if isinstance(agreement, dict) else None
    return [lang for _, lang in _strings(languages) if lang in LANGUAGES]


def _language_problems(data: dict[str, Any], source: Source) -> Iterator[Problem]:
    languages = _agreement_languages(data)
    if not languages:
        return
    listed = ", ".join(languages)
    for i, municipality in _items(data, "municipalities"):
        for j, lang in _strings(municipality.get("languages")):
            if lang in LANGUAGES and lang not in languages:
                loc: Loc = ("municipalities", i, "languages", j)
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: '{lang}' is not one of the agreement's languages "
                    f"({listed}): add it to agreement.languages or remove it here",
                )
    for loc, value in localized_values(data):
        where = source.label(loc, data)
        if isinstance(value, str) and len(languages) > 1:
            example = ", ".join(f"{lang}: ..." for lang in languages)
            yield source.problem(
                loc,
                f"{where}: plain text is allowed only in a one-language agreement; this one is "
                f"issued in {listed}: write {{{example}}}",
            )
        elif isinstance(value, dict):
            for lang in languages:
                if lang not in value:
                    # Located at the language's own place where the source has one (a cell).
                    yield source.problem(
                        (*loc, lang),
                        f"{where}: the '{lang}' text is missing (the agreement is issued in "
                        f"{listed}): {source.add_language(loc, lang)}",
                    )


def _ids(data: dict[str, Any], kinds: list[str]) -> Iterator[tuple[Loc, str]]:
    """(location of the id, id) for every item of the given top-level lists."""
    for kind in kinds:
        if kind == "wellbeing_area":
            area = data.get(kind)
            if isinstance(area, dict) and isinstance(area.get("id"), str):
                yield (kind, "id"), area["id"]
            continue
        for i, item in _items(data, kind):
            if isinstance(item.get("id"), str):
                yield (kind, i, "id"), item["id"]


def _goal_item_ids(data: dict[str, Any]) -> Iterator[tuple[Loc, str, str]]:
    """(location, id, kind) of every goal, indicator and measure."""
    for g, goal in _items(data, "goals"):
        if isinstance(goal.get("id"), str):
            yield ("goals", g, "id"), goal["id"], "goal"
        for kind, word in (("indicators", "indicator"), ("measures", "measure")):
            for i, item in _items(goal, kind):
                if isinstance(item.get("id"), str):
                    yield ("goals", g, kind, i, "id"), item["id"], word


PARTY_KINDS = ["wellbeing_area", "municipalities", "other_parties"]


def _id_problems(data: dict[str, Any], source: Source) -> Iterator[Problem]:
    groups: list[tuple[str, list[tuple[Loc, str, str]]]] = [
        ("party", [(loc, i, "party") for loc, i in _ids(data, PARTY_KINDS)]),
        ("theme", [(loc, i, "theme") for loc, i in _ids(data, ["themes"])]),
        ("forum", [(loc, i, "forum") for loc, i in _ids(data, ["forums"])]),
        ("section", [(loc, i, "section") for loc, i in _ids(data, ["sections"])]),
        ("goal, indicator and measure", list(_goal_item_ids(data))),
    ]
    for group, entries in groups:
        first: dict[str, tuple[Loc, str]] = {}
        for loc, item_id, kind in entries:
            if group == "party" and item_id == ALL_MUNICIPALITIES:
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: '{ALL_MUNICIPALITIES}' is a keyword for every "
                    "municipality and cannot be a party's id",
                )
            if item_id in first:
                first_loc, first_kind = first[item_id]
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: duplicate id '{item_id}': {first_kind} "
                    f"'{item_id}' is already at {source.place(first_loc)}; {group} ids must be "
                    "unique",
                )
            else:
                first[item_id] = (loc, kind)


def _reference_problems(data: dict[str, Any], source: Source) -> Iterator[Problem | None]:
    parties = [i for _, i in _ids(data, PARTY_KINDS)]
    municipalities = [i for _, i in _ids(data, ["municipalities"])]
    themes = [i for _, i in _ids(data, ["themes"])]
    indicators = [i for _, i, kind in _goal_item_ids(data) if kind == "indicator"]
    party_refs = [*parties, ALL_MUNICIPALITIES]

    def unknown(loc: Loc, ref: str, what: str, known: list[str]) -> Problem | None:
        if is_placeholder(ref):
            return None  # reported as still to fill in
        if known:
            hint = did_you_mean(ref, known) or f"; known {what} ids: {', '.join(known[:12])}"
            if len(known) > 12 and not did_you_mean(ref, known):
                hint += ", …"
        else:
            hint = f"; the workbook defines no {what}"
        return source.problem(loc, f"{source.label(loc, data)}: unknown {what} '{ref}'{hint}")

    # Sets for the lookups, so that checking is linear in the number of references.
    known_parties, known_themes = set(party_refs), set(themes)
    known_municipalities, known_indicators = set(municipalities), set(indicators)
    for g, goal in _items(data, "goals"):
        theme = goal.get("theme")
        if isinstance(theme, str) and theme not in known_themes:
            yield unknown(("goals", g, "theme"), theme, "theme", themes)
        for m, measure in _items(goal, "measures"):
            base: Loc = ("goals", g, "measures", m)
            for j, ref in _strings(measure.get("responsible")):
                if ref not in known_parties:
                    yield unknown((*base, "responsible", j), ref, "party", party_refs)
            for j, ref in _strings(measure.get("municipalities")):
                if ref not in known_municipalities:
                    yield unknown((*base, "municipalities", j), ref, "municipality", municipalities)
            for j, ref in _strings(measure.get("indicators")):
                if ref not in known_indicators:
                    yield unknown((*base, "indicators", j), ref, "indicator", indicators)
    yield from _placement_problems(data, source, unknown)
    monitoring = data.get("monitoring")
    for r, report in _items(monitoring, "reports"):
        for j, ref in _strings(report.get("responsible")):
            if ref not in known_parties:
                yield unknown(
                    ("monitoring", "reports", r, "responsible", j), ref, "party", party_refs
                )


def _value_problems(data: dict[str, Any], source: Source) -> Iterator[Problem]:
    """Indicator values entered by hand: a known indicator, a known region, one value per
    indicator, year and region."""
    indicators = [i for _, i, kind in _goal_item_ids(data) if kind == "indicator"]
    regions = [i for _, i in _ids(data, ["wellbeing_area", "municipalities"])] + [COUNTRY]
    first: dict[tuple[Any, Any, Any], Loc] = {}
    for v, row in _items(data, "indicator_values"):
        base: Loc = ("indicator_values", v)
        indicator, region = row.get("indicator"), row.get("region")
        if isinstance(indicator, str) and indicator not in indicators:
            loc = (*base, "indicator")
            hint = did_you_mean(indicator, indicators) or (
                f"; known indicator ids: {', '.join(indicators[:12])}"
                if indicators
                else "; the workbook defines no indicators"
            )
            yield source.problem(
                loc, f"{source.label(loc, data)}: unknown indicator '{indicator}'{hint}"
            )
        if isinstance(region, str) and region not in regions:
            loc = (*base, "region")
            hint = did_you_mean(region, regions) or (
                f"; use the wellbeing area's id, a municipality's id or '{COUNTRY}'"
            )
            yield source.problem(
                loc, f"{source.label(loc, data)}: unknown region '{region}'{hint}"
            )
        key = (indicator, row.get("year"), region)
        if key in first:
            yield source.problem(
                base,
                f"{source.label(base, data)}: a second value of indicator '{indicator}' for "
                f"{region} in {row.get('year')}: the first is at {source.place(first[key])}",
            )
        else:
            first[key] = base


def _period_years(data: dict[str, Any]) -> tuple[int, int] | None:
    agreement = data.get("agreement")
    period = agreement.get("period") if isinstance(agreement, dict) else None
    if not isinstance(period, dict):
        return None
    start, end = period.get("start"), period.get("end")
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    return start.year, end.year


def _follow_up_problems(data: dict[str, Any], source: Source) -> Iterator[Problem]:
    """Each year once and within the agreement's period; each measure known and once a year;
    a municipality's own status only for a municipality the measure concerns, once."""
    measures: dict[str, dict[str, Any]] = {}
    for _, goal in _items(data, "goals"):
        for _, measure in _items(goal, "measures"):
            if isinstance(measure.get("id"), str):
                measures.setdefault(measure["id"], measure)
    municipalities = [i for _, i in _ids(data, ["municipalities"])]
    years = _period_years(data)
    first_year: dict[Any, Loc] = {}
    for y, entry in _items(data, "follow_up"):
        year = entry.get("year")
        loc: Loc = ("follow_up", y, "year")
        if isinstance(year, int) and not isinstance(year, bool):
            if year in first_year:
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: the year {year} is followed up twice: the "
                    f"first is at {source.place(first_year[year])}",
                )
            first_year.setdefault(year, loc)
            if years and not years[0] <= year <= years[1]:
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: {year} is not a year of the agreement's period "
                    f"({years[0]}–{years[1]})",
                )
        seen: dict[str, Loc] = {}
        for m, row in _items(entry, "measures"):
            base: Loc = ("follow_up", y, "measures", m)
            measure_id = row.get("measure")
            if not isinstance(measure_id, str):
                continue
            if measure_id not in measures:
                where = (*base, "measure")
                known = list(measures)
                more = ", …" if len(known) > 12 else ""
                hint = did_you_mean(measure_id, known) or (
                    f"; known measure ids: {', '.join(known[:12])}{more}"
                )
                yield source.problem(
                    where, f"{source.label(where, data)}: unknown measure '{measure_id}'{hint}"
                )
                continue
            if measure_id in seen:
                yield source.problem(
                    base,
                    f"{source.label(base, data)}: measure '{measure_id}' is followed up twice in "
                    f"this year: the first is at {source.place(seen[measure_id])}",
                )
            seen.setdefault(measure_id, base)
            concerned = _concerned(measures[measure_id], municipalities)
            named: dict[str, Loc] = {}
            for k, own in _items(row, "municipalities"):
                where = (*base, "municipalities", k, "municipality")
                ref = own.get("municipality")
                if not isinstance(ref, str):
                    continue
                if ref not in concerned:
                    hint = did_you_mean(ref, concerned) or (
                        f"; it concerns {', '.join(concerned)}" if concerned
                        else "; it concerns no municipality"
                    )
                    yield source.problem(
                        where,
                        f"{source.label(where, data)}: measure '{measure_id}' does not concern "
                        f"'{ref}'{hint}",
                    )
                elif ref in named:
                    yield source.problem(
                        where,
                        f"{source.label(where, data)}: '{ref}' is listed twice for measure "
                        f"'{measure_id}': the first is at {source.place(named[ref])}",
                    )
                named.setdefault(ref, where)


def _concerned(measure: dict[str, Any], municipalities: list[str]) -> list[str]:
    """The municipalities a measure concerns (workbook-format.md), in the workbook's order."""
    named = {ref for _, ref in _strings(measure.get("responsible"))}
    named |= {ref for _, ref in _strings(measure.get("municipalities"))}
    if ALL_MUNICIPALITIES in named:
        return municipalities
    return [m for m in municipalities if m in named]

def _placement_problems(data: dict[str, Any], source: Source, unknown: Any) -> Iterator[Problem]:
    """A section's `after` names a chapter the agreement has, or another section, and sections
    placed after each other never go round in a circle."""
    chapters = [
        c
        for c in CHAPTERS
        if c not in ("forums", "monitoring") or data.get(c) not in (None, [], {})
    ]
    sections = {
        item["id"]: item.get("after")
        for _, item in _items(data, "sections")
        if isinstance(item.get("id"), str)
    }
    for s, section in _items(data, "sections"):
        after = section.get("after")
        if not isinstance(after, str):
            continue
        loc: Loc = ("sections", s, "after")
        if after == section.get("id"):
            yield source.problem(loc, f"{source.label(loc, data)}: a section cannot follow itself")
        elif after not in chapters and after not in sections:
            problem = unknown(loc, after, "chapter or section", [*chapters, *sections])
            if problem is not None:
                yield problem
        else:
            seen = {section.get("id")}
            current: Any = after
            while current in sections and current not in seen:
                seen.add(current)
                current = sections[current]
            if current in seen and current is not None:
                yield source.problem(
                    loc,
                    f"{source.label(loc, data)}: sections placed after each other in a circle "
                    f"({' → '.join(str(x) for x in seen)}): one of them must follow a chapter",
                )
