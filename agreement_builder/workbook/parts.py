"""The two-document form (workbook `plan:`): what of a workbook the agreement's documents show,
and what the plan's do. One place decides it: the build fingerprints each part separately (a
plan revision leaves the agreement's inputs, so its files, as they were), and the plan's change
summary compares only the plan's part."""

from __future__ import annotations

from typing import Any

from .model import Party, Workbook

# What no document of the agreement or the plan shows: the yearly follow-up.
YEARLY: dict[str, Any] = {"follow_up": [], "indicator_values": []}


def for_plan(workbook: Workbook) -> Workbook:
    """The workbook as the plan's documents show it: the plan's version, status and date in the
    agreement's place, and each party's plan approver (if it has one) as its approver, its
    decision (on the agreement) left out. The pipeline names the plan's files and decides its
    finality from this view as it does an agreement's."""
    plan = workbook.plan
    if plan is None:
        raise ValueError("the workbook has no plan: it is in the single-document form")
    agreement = workbook.agreement.model_copy(
        update={
            "version": plan.version,
            "status": plan.status,
            "date": plan.date,
            "diary_number": None,
        }
    )

    def approving(party: Party) -> Party:
        return party.model_copy(
            update={"approver": party.plan_approver or party.approver, "decision": None}
        )

    return workbook.model_copy(
        update={
            "agreement": agreement,
            "wellbeing_area": approving(workbook.wellbeing_area),
            "municipalities": [approving(m) for m in workbook.municipalities],
            "other_parties": [approving(p) for p in workbook.other_parties],
        }
    )


def agreement_part(workbook: Workbook) -> Workbook:
    """What the agreement's documents depend on: the workbook without its yearly follow-up and,
    in the two-document form, without the plan (goals, themes, the plan's settings and
    approvers), which the agreement names without its version."""
    if workbook.plan is None:
        return workbook.model_copy(update=YEARLY)

    def without_plan(party: Party) -> Party:
        return party.model_copy(update={"plan_approver": None})

    # Of the plan's settings only its title stays: the agreement names the plan by it.
    plan = workbook.plan.model_copy(
        update={"version": "0", "status": "draft", "date": workbook.agreement.date}
    )
    return workbook.model_copy(
        update={
            **YEARLY,
            "goals": [],
            "themes": [],
            "plan": plan,
            "wellbeing_area": without_plan(workbook.wellbeing_area),
            "municipalities": [without_plan(m) for m in workbook.municipalities],
            "other_parties": [without_plan(p) for p in workbook.other_parties],
        }
    )


def plan_part(workbook: Workbook) -> Workbook:
    """What the plan's documents depend on: its view (for_plan) without the agreement's own
    chapters (forums, monitoring, free sections, purpose stays: it is short and named) and the
    yearly follow-up."""
    return for_plan(workbook).model_copy(
        update={**YEARLY, "forums": [], "monitoring": None, "sections": []}
    )


def plan_content(old: Workbook, new: Workbook) -> tuple[Workbook, Workbook]:
    """Two plan versions as the plan's change summary compares them: their goals, measures and
    indicators (and themes), everything else taken from the newer one."""
    old_part, new_part = plan_part(old), plan_part(new)
    same = {
        key: getattr(new_part, key)
        for key in ("plan", "wellbeing_area", "municipalities", "other_parties")
    }
    # The older one keeps its version and date: the summary names what it compares with.
    dated = {"version": old_part.agreement.version, "date": old_part.agreement.date}
    same["agreement"] = new_part.agreement.model_copy(update=dated)
    return old_part.model_copy(update=same), new_part
