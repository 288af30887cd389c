"""Versions of the Lapland example made by editing a copy of workbooks/lappi.yaml in a test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from agreement_builder.workbook.model import Workbook
from agreement_builder.workbook.validate import load_workbook
from tests.conftest import WORKBOOKS

LAPPI = WORKBOOKS / "lappi.yaml"
ADDED_TEXT = "Hyvinvointialue ja kunnat kokoavat yhteisen ehkäisevän päihdetyön vuosikellon."


def lappi_data() -> dict[str, Any]:
    return yaml.safe_load(LAPPI.read_text(encoding="utf-8"))


def write(data: dict[str, Any], path: Path, **dump: Any) -> Path:
    """The data as a workbook file (reformatted: PyYAML's layout, not the example's)."""
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **dump), encoding="utf-8"
    )
    return path


def load(data: dict[str, Any], path: Path) -> Workbook:
    return load_workbook(write(data, path))


def goal(data: dict[str, Any], goal_id: str) -> dict[str, Any]:
    return next(g for g in data["goals"] if g["id"] == goal_id)


def measure(data: dict[str, Any], goal_id: str, measure_id: str) -> dict[str, Any]:
    return next(m for m in goal(data, goal_id)["measures"] if m["id"] == measure_id)


def next_version(data: dict[str, Any]) -> dict[str, Any]:
    data["agreement"]["version"] = "0.4"
    data["agreement"]["date"] = dt.date(2026, 12, 11)
    return data


def edited(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0.4: one of each kind of change a round of comments brings."""
    next_version(data)
    t11 = measure(data, "T1", "T1.1")["text"]
    t11["fi"] = t11["fi"].replace(
        "tai matalan kynnyksen liikuntaryhmään.",
        "matalan kynnyksen liikuntaryhmään tai järjestön toimintaan.",
    )
    measure(data, "T1", "T1.2")["schedule"] = "2027–2029"
    measure(data, "T1", "T1.3")["responsible"] = ["all-municipalities", "lapha"]
    t2 = goal(data, "T2")
    t2["measures"] = [m for m in t2["measures"] if m["id"] != "T2.5"]
    t2["measures"].append(
        {"id": "T2.6", "text": {"fi": ADDED_TEXT}, "responsible": ["lapha"], "schedule": "2027"}
    )
    moved = measure(data, "T3", "T3.4")
    goal(data, "T3")["measures"].remove(moved)
    goal(data, "T4")["measures"].append(moved)
    goal(data, "T5")["title"]["fi"] = "Perheet saavat varhaista tukea perhekeskuksesta läheltä"
    data["other_parties"] = [
        {
            "id": "lapin-liitto",
            "business_id": "0164308-3",
            "name": {"fi": "Lapin liitto"},
            "approver": {"fi": "maakuntavaltuusto"},
        }
    ]
    return data
