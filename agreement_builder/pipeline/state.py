"""What a version folder holds: one record per written document, shared by the build state
(`.build-state.json`), `manifest.json`, `index.html` and the build report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from .files import Folder, sha256

MANIFEST = "manifest.json"
STATE = ".build-state.json"
MAX_LISTING = 64 * 1024 * 1024  # what is read of a state or manifest file at most

# What manifest.json says of a document (the state keeps its size and fingerprint as well).
MANIFEST_FIELDS = ("path", "kind", "party", "language", "format", "pages", "sha256")


@dataclass(frozen=True)
class Document:
    """A written file of a version."""

    path: str  # its name in the version folder
    kind: str  # "agreement", "changes", "package", "agenda-item" or "paste-kit"
    party: str | None
    language: str
    format: str  # "pdf" or "docx"
    pages: int | None  # a PDF's page count; None for a DOCX, which Word paginates
    sha256: str
    size: int
    fingerprint: str  # of what it was made from (see pipeline/render.py `fingerprint`)
    stage: str | None = None  # an agenda item's and its paste kit's: "board" or "council"

    def manifest_entry(self) -> dict[str, Any]:
        entry = {name: getattr(self, name) for name in MANIFEST_FIELDS}
        if self.stage is not None:  # after the party, as a reader looks for it
            entry = {**dict(list(entry.items())[:3]), "stage": self.stage, **entry}
        return entry

    def intact(self, folder: Folder) -> bool:
        """The file is there as recorded (its size; its bytes are compared when rewritten); a
        link is no file."""
        return folder.size(self.path) == self.size

    def unaltered(self, folder: Folder) -> bool:
        """The file has exactly the bytes recorded."""
        return self.read(folder) is not None

    def read(self, folder: Folder) -> bytes | None:
        """The file's bytes if they are exactly those recorded, else None."""
        if not self.intact(folder):
            return None
        data = folder.read(self.path, self.size)
        return data if data is not None and sha256(data) == self.sha256 else None


# What the state records of a document (its path is the key).
_STATE_FIELDS = tuple(f.name for f in fields(Document) if f.name != "path")


@dataclass
class BuildState:
    """What the last build of a version did: its status, the digest of all its inputs once it
    finished (None while under way), and every document written so far, in order."""

    status: str | None = None
    inputs: str | None = None
    documents: dict[str, Document] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Folder) -> BuildState:
        """The recorded state; an empty one for a missing or unreadable file."""
        try:
            data = json.loads(folder.read(STATE, MAX_LISTING) or b"")
        except ValueError:
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

    def write(self, folder: Folder) -> None:
        # Field by field (all plain values): dataclasses.asdict deep-copies, and the state is
        # written after every document of a build.
        documents = {
            name: {key: getattr(document, key) for key in _STATE_FIELDS}
            for name, document in self.documents.items()
        }
        data = {"status": self.status, "inputs": self.inputs, "documents": documents}
        folder.write_if_changed(STATE, json.dumps(data, indent=1).encode())

    def complete(self, folder: Folder) -> bool:
        """Every recorded document is there."""
        return bool(self.documents) and all(d.intact(folder) for d in self.documents.values())


def recorded_manifest(folder: Folder) -> dict[str, Any]:
    """The manifest.json in `folder` as data; empty if there is none or it is unreadable."""
    try:
        data = json.loads(folder.read(MANIFEST, MAX_LISTING) or b"")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def manifest(agreement: Any, documents: list[Document], document: str | None = None) -> bytes:
    """manifest.json: the version and its documents; `document` "plan" for a plan's version
    (the two-document form), whose version and status are the plan's."""
    data = {
        "agreement": agreement.id,
        **({"document": document} if document else {}),
        "version": agreement.version,
        "status": agreement.status,
        "documents": [document.manifest_entry() for document in documents],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n"
