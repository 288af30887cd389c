"""What a version folder holds: one record per written document, shared by the build state
(`.build-state.json`), `manifest.json`, `index.html` and the build report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .files import sha256, write_if_changed

MANIFEST = "manifest.json"
STATE = ".build-state.json"

# What manifest.json says of a document (the state keeps its size and fingerprint as well).
MANIFEST_FIELDS = ("path", "kind", "party", "language", "format", "pages", "sha256")


@dataclass(frozen=True)
class Document:
    """A written file of a version."""

    path: str  # its name in the version folder
    kind: str  # "agreement", "changes", "package" or "agenda-item"
    party: str | None
    language: str
    format: str  # "pdf" or "docx"
    pages: int | None  # a PDF's page count; None for a DOCX, which Word paginates
    sha256: str
    size: int
    fingerprint: str  # of what it was made from (see pipeline/render.py `fingerprint`)

    def manifest_entry(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MANIFEST_FIELDS}

    def intact(self, version_dir: Path) -> bool:
        """The file is there as recorded (its size; its bytes are compared when rewritten)."""
        try:
            return (version_dir / self.path).stat().st_size == self.size
        except OSError:
            return False

    def unaltered(self, version_dir: Path) -> bool:
        """The file has exactly the bytes recorded."""
        try:
            return self.intact(version_dir) and (
                sha256((version_dir / self.path).read_bytes()) == self.sha256
            )
        except OSError:
            return False


@dataclass
class BuildState:
    """What the last build of a version did: its status, the digest of all its inputs once it
    finished (None while under way), and every document written so far, in order."""

    status: str | None = None
    inputs: str | None = None
    documents: dict[str, Document] = field(default_factory=dict)

    @classmethod
    def read(cls, version_dir: Path) -> BuildState:
        """The recorded state; an empty one for a missing or unreadable file."""
        try:
            data = json.loads((version_dir / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        documents = {}
        for name, entry in (data.get("documents") or {}).items():
            try:
                documents[name] = Document(path=name, **entry)
            except TypeError:  # written by another version of the program: made again
                continue
        return cls(data.get("status"), data.get("inputs"), documents)

    def write(self, version_dir: Path) -> None:
        documents = {}
        for name, document in self.documents.items():
            entry = asdict(document)
            del entry["path"]
            documents[name] = entry
        data = {"status": self.status, "inputs": self.inputs, "documents": documents}
        write_if_changed(version_dir / STATE, json.dumps(data, indent=1).encode())

    def complete(self, version_dir: Path) -> bool:
        """Every recorded document is there."""
        return bool(self.documents) and all(d.intact(version_dir) for d in self.documents.values())


def manifest(agreement: Any, documents: list[Document]) -> bytes:
    """manifest.json: the version and its documents."""
    data = {
        "agreement": agreement.id,
        "version": agreement.version,
        "status": agreement.status,
        "documents": [document.manifest_entry() for document in documents],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n"
