"""The approval tracker: every party's state for a version, what is missing, and whether every
party approved this same version (only then may it be marked final)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Decision, Version

ORDER = [stage for stage, _ in Decision.STAGES]


@dataclass
class PartyState:
    party: dict
    decisions: list[Decision] = field(default_factory=list)
    approved: bool = False  # the party's council approved this version
    approved_other: list[str] = field(default_factory=list)  # other versions it approved

    def reached(self, stage: str) -> Decision | None:
        found = [d for d in self.decisions if d.stage == stage]
        return found[-1] if found else None

    @property
    def cells(self) -> list[Decision | None]:
        """The last record of each step, in the steps' order (None: not reached)."""
        return [self.reached(stage) for stage in ORDER]


@dataclass
class Tracker:
    version: Version
    rows: list[PartyState]

    @property
    def all_approved(self) -> bool:
        return bool(self.rows) and all(row.approved for row in self.rows)

    @property
    def unsent(self) -> list[PartyState]:
        return [row for row in self.rows if row.reached(Decision.SENT) is None]

    @property
    def waiting(self) -> list[PartyState]:
        return [row for row in self.rows if not row.approved]


def tracker(version: Version) -> Tracker:
    decisions = list(
        Decision.objects.filter(version__agreement=version.agreement).select_related("version")
    )
    rows = []
    for party in version.parties:
        mine = [d for d in decisions if d.party == party["id"]]
        rows.append(
            PartyState(
                party,
                [d for d in mine if d.version_id == version.pk],
                approved=any(d.approves and d.version_id == version.pk for d in mine),
                approved_other=sorted(
                    {d.version.number for d in mine if d.approves and d.version_id != version.pk}
                ),
            )
        )
    return Tracker(version, rows)
