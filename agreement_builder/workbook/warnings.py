"""Warnings: what is valid but probably wrong, printed by `validate` without failing it.

A recorded decision that names another version of the agreement, or that was made before this
version's date, did not approve this version: the documents do not count it (see
document/approval.py), and `validate` says so at the decision's place in the file. A standard
clause (validity, entry into force, disputes) that no section states is said too.
"""

from __future__ import annotations

from .load import Loaded
from .model import CLAUSES, Decision, Party, Workbook
from .problems import Problem


def decision_applies(decision: Decision, workbook: Workbook) -> bool:
    """Whether a recorded decision approved this version of the agreement: it names this
    version and is not dated before it, or names none and is dated on or after it."""
    agreement = workbook.agreement
    if decision.version is not None and decision.version != agreement.version:
        return False
    if decision.date is not None and decision.date < agreement.date:
        return False
    return decision.version is not None or decision.date is not None


def warnings(loaded: Loaded, workbook: Workbook) -> list[Problem]:
    """Every decision that did not approve this version, located at the decision."""
    found: list[Problem] = []
    agreement = workbook.agreement
    area: Party = workbook.wellbeing_area
    groups: list[tuple[str, int | None, Party]] = [("wellbeing_area", None, area)]
    groups += [("municipalities", i, p) for i, p in enumerate(workbook.municipalities)]
    groups += [("other_parties", i, p) for i, p in enumerate(workbook.other_parties)]
    for key, index, party in groups:
        base = (key,) if index is None else (key, index)
        for field in ("board_decision", "decision"):
            decision = getattr(party, field)
            if decision is None:
                continue
            loc = (*base, field)
            where = loaded.source.label(loc, loaded.data)
            if decision.version is not None and decision.version != agreement.version:
                found.append(
                    loaded.source.problem(
                        (*loc, "version"),
                        f"warning: {where} approved version {decision.version}, not this "
                        f"version {agreement.version}: the documents show it as a decision on "
                        "another version and leave this version's decision blank",
                    )
                )
            elif decision.date is not None and decision.date < agreement.date:
                found.append(
                    loaded.source.problem(
                        (*loc, "date"),
                        f"warning: {where} is dated {decision.date.isoformat()}, before this "
                        f"version's date {agreement.date.isoformat()}: it cannot have approved "
                        f"version {agreement.version}; record the version it approved "
                        "(decision.version) or correct the date",
                    )
                )
    found.extend(_clause_warnings(loaded, workbook))
    return found


CLAUSE_NAMES = {
    "validity": "validity and amendment, voimassaolo ja muuttaminen",
    "entry-into-force": "entry into force, voimaantulo",
    "disputes": "disputes, erimielisyydet",
}


def _clause_warnings(loaded: Loaded, workbook: Workbook) -> list[Problem]:
    """Each standard clause no section states (its `covers`): the templates' general wording
    is printed instead, which may not be what the parties agreed."""
    covered = {clause for section in workbook.sections for clause in section.covers}
    loc = ("sections",) if "sections" in loaded.data else ()
    return [
        loaded.source.problem(
            loc,
            f"warning: sections: no section covers {clause} ({CLAUSE_NAMES[clause]}): the "
            "templates' general wording is printed; to state the agreement's own, give a "
            f"section covers: [{clause}]",
        )
        for clause in CLAUSES
        if clause not in covered
    ]
