"""Uploads: a workbook file is stored under a generated name, validated by the library, and
accepted as a version of its agreement when it has no problem left."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import WorkbookError
from ..workbook.model import Workbook
from ..workbook.validate import SPREADSHEET_SUFFIXES, load_workbook
from .models import Agreement, Upload, User, Version
from .problems import as_dicts

WORKBOOK_SUFFIXES = (".yaml", ".yml", *SPREADSHEET_SUFFIXES)
# A version becomes a folder name of the build's output: keep it to a safe file name.
SAFE_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,49}")


class UploadRejected(Exception):
    """A file that is not taken at all (wrong type, too large); the message says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status the API answers with


def suffix_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise UploadRejected(
            _("A workbook is a YAML file (.yaml, .yml) or a spreadsheet (.xlsx): %(name)s is not.")
            % {"name": Path(name).name}
        )
    return suffix


def check_size(size: int | None) -> None:
    if size is not None and size > settings.MAX_WORKBOOK_BYTES:
        raise UploadRejected(
            _("The file is too large: a workbook may be at most %(mb)s MB.")
            % {"mb": settings.MAX_WORKBOOK_BYTES // (1024 * 1024)},
            status=413,
        )


def upload_path(stored: str) -> Path:
    """A stored file's path; the name is ours (generated), never the uploader's."""
    path = settings.UPLOAD_DIR / Path(stored).name
    return path


def _save(file: UploadedFile, suffix: str) -> str:
    stored = f"{uuid.uuid4().hex}{suffix}"
    with open(upload_path(stored), "xb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return stored


def check_file(path: Path, display: str) -> tuple[Workbook | None, list[dict[str, Any]], int]:
    """The library's validation of a workbook file: (the workbook if valid, problems, how many
    of them are placeholders still to fill in)."""
    try:
        return load_workbook(path, display=display), [], 0
    except WorkbookError as error:
        return None, as_dicts(error.problems), error.todo


def validate_upload(file: UploadedFile) -> list[dict[str, Any]]:
    """Problems of an uploaded workbook, for the API: nothing is kept afterwards."""
    name = Path(file.name or "workbook.yaml").name
    suffix = suffix_of(name)
    check_size(file.size)
    with tempfile.TemporaryDirectory(prefix="validate-", dir=settings.DATA_DIR) as folder:
        path = Path(folder) / f"workbook{suffix}"
        with open(path, "wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        _, problems, _todo = check_file(path, name)
    return problems


def receive(file: UploadedFile, user: User) -> Upload:
    """Store and check an uploaded workbook; a valid one becomes (or replaces) a version."""
    name = Path(file.name or "workbook.yaml").name
    suffix = suffix_of(name)
    check_size(file.size)
    return _examine(_save(file, suffix), name, user)


def from_area(area: str, user: User) -> Upload:
    """A new workbook for a wellbeing area from the registry (the library's `new`), checked like
    an upload: its placeholders are the problems still to fill in."""
    from ..commands.new import new_workbook

    stored = f"{uuid.uuid4().hex}.yaml"
    _, found = new_workbook(area, upload_path(stored))
    return _examine(stored, f"{found.id}.yaml", user)


def _examine(stored: str, name: str, user: User) -> Upload:
    workbook, problems, todo = check_file(upload_path(stored), name)
    upload = Upload.objects.create(
        stored=stored, original_name=name, uploaded_by=user, problems=problems, todo=todo
    )
    if workbook is not None:
        accept(upload, workbook)
    return upload


def _names(text: Any, languages: Sequence[str]) -> dict[str, str]:
    return {language: text.get(language) for language in languages if text.has(language)}


def party_rows(workbook: Workbook) -> list[dict[str, Any]]:
    languages = list(workbook.agreement.languages)
    return [
        {
            "id": party.id,
            "names": _names(party.name, languages),
            "approver": _names(party.approver, languages),
            "languages": list(getattr(party, "languages", None) or languages),
        }
        for party in workbook.parties
    ]


@transaction.atomic
def accept(upload: Upload, workbook: Workbook) -> None:
    """Make a valid upload the workbook of its version (a new one, or a draft replaced);
    a final version is never changed: the upload is refused and says so."""
    agreement_data = workbook.agreement
    number = agreement_data.version
    if not SAFE_VERSION.fullmatch(number) or ".." in number:
        upload.refused = _(
            "The version '%(version)s' cannot be a folder name: use digits, letters, dots and "
            "hyphens, e.g. 0.3."
        ) % {"version": number}
        upload.save(update_fields=["refused"])
        return
    languages = list(agreement_data.languages)
    agreement, _created = Agreement.objects.get_or_create(
        key=agreement_data.id, defaults={"title": agreement_data.title.get(languages[0])}
    )
    version = Version.objects.select_for_update().filter(agreement=agreement, number=number).first()
    if version is not None and version.final:
        upload.refused = _(
            "Version %(version)s is final and cannot be changed: raise agreement.version in "
            "the workbook to make a new version."
        ) % {"version": number}
        upload.save(update_fields=["refused"])
        return
    if version is not None and version.state in (Version.QUEUED, Version.BUILDING):
        upload.refused = _(
            "Version %(version)s is being built right now: upload again when the build is done."
        ) % {"version": number}
        upload.save(update_fields=["refused"])
        return
    agreement.title = agreement_data.title.get(languages[0])
    agreement.save(update_fields=["title"])
    version = version or Version(agreement=agreement, number=number)
    version.date = agreement_data.date
    version.workbook = upload.stored
    version.workbook_name = upload.original_name
    version.parties = party_rows(workbook)
    version.languages = languages
    version.state = Version.UPLOADED
    version.progress_done = version.progress_total = 0
    version.progress_what = ""
    version.errors = []
    version.notes = []
    version.save()
    upload.version = version
    upload.save(update_fields=["version"])
