"""constraints.txt pins every package pyproject.toml names (dependencies and every extra), each at
a version its requirement allows, so that CI on a fresh machine installs what the tests ran with."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT


def pins() -> dict[str, Version]:
    pinned: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"constraints.txt: '{line}' is not name==version"
        name = canonicalize_name(match[1])
        assert name not in pinned, f"constraints.txt pins {match[1]} twice"
        pinned[name] = Version(match[2])
    return pinned


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed += extra
    return [Requirement(text) for text in listed]


def test_every_requirement_is_pinned_at_a_version_it_allows() -> None:
    pinned = pins()
    problems = []
    for requirement in requirements():
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(
                f"{requirement.name} is not pinned: add '{requirement.name}==<the installed "
                "version>' to constraints.txt (README: CI and pinned versions)"
            )
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} does not satisfy '{requirement}'")
    assert not problems, "\n".join(problems)


def test_the_project_itself_is_not_pinned() -> None:
    assert canonicalize_name("agreement-builder") not in pins()
