"""A built version's documents, read from the manifest the library writes; kinds are taken as
they come (agreement, package, agenda-item, changes, a paste kit or any later one)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings

from ..stablezip import StableZip
from .models import Version

MANIFEST = "manifest.json"
# `ranua_sopimusliite_v0.3_LUONNOS_fi.pdf` → party `ranua`, `v0.3_LUONNOS`, language `fi`.
_NAME = re.compile(r"(?P<party>[^_]+)_[^_]+_(?P<version>v.+)_(?P<language>[a-z]{2,3})\.[^.]+")


def version_dir(version: Version) -> Path:
    return settings.DOCUMENTS_DIR / version.agreement.key / version.number


def manifest(version: Version) -> dict[str, Any] | None:
    try:
        data = json.loads((version_dir(version) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def documents(version: Version) -> list[dict[str, Any]]:
    """Every document of the version's last build, with its size on disk."""
    data = manifest(version)
    if data is None:
        return []
    folder = version_dir(version)
    found = []
    for entry in data.get("documents", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            continue
        path = folder / Path(entry["path"]).name
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append({**entry, "size": size})
    return found


def document_path(version: Version, name: str) -> tuple[Path, dict[str, Any]] | None:
    """The file of a document the manifest lists by that exact name, else None (so nothing
    outside the version's documents can be asked for)."""
    for entry in documents(version):
        if entry["path"] == name:
            return version_dir(version) / Path(name).name, entry
    return None


def by_party(version: Version, docs: list[dict[str, Any]]) -> list[tuple[dict | None, list]]:
    """Documents grouped: those of the whole agreement first, then each party's in the
    agreement's order (a party the manifest names but the version does not comes last)."""
    groups: dict[str | None, list[dict[str, Any]]] = {None: []}
    for party in version.parties:
        groups[party["id"]] = []
    for entry in docs:
        groups.setdefault(entry.get("party"), []).append(entry)
    parties = {party["id"]: party for party in version.parties}
    return [
        (parties.get(key, {"id": key, "names": {}}) if key else None, entries)
        for key, entries in groups.items()
        if entries
    ]


def party_documents(version: Version, party: str) -> list[dict[str, Any]]:
    return [entry for entry in documents(version) if entry.get("party") == party]


def zip_name(version: Version, party: str, docs: list[dict[str, Any]]) -> str:
    """Named as the files are: `ranua_sopimusliite_v0.3_LUONNOS_fi.pdf` gives
    `ranua_v0.3_LUONNOS.zip`."""
    for entry in docs:
        match = _NAME.fullmatch(entry["path"])
        if match and match["party"] == party:
            return f"{party}_{match['version']}.zip"
    return f"{party}_v{version.number}.zip"


def party_zip(version: Version, party: str) -> tuple[str, bytes] | None:
    """One zip of every document of the party (package, agenda items, paste kit, ...)."""
    docs = party_documents(version, party)
    if not docs:
        return None
    buffer = io.BytesIO()
    # The version's date: the same documents give the same zip.
    with StableZip(buffer, when=version.date) as archive:
        for entry in docs:
            path = version_dir(version) / Path(entry["path"]).name
            archive.writestr(entry["path"], path.read_bytes())
    return zip_name(version, party, docs), buffer.getvalue()
