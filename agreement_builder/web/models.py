"""What the web application keeps: accounts with a role, uploads, versions and their builds,
and each party's decisions. Workbooks and documents stay files on disk, as the library writes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    PREPARER = "preparer"
    SECRETARY = "secretary"
    ROLES = [(PREPARER, _("preparer")), (SECRETARY, _("council secretary"))]

    role = models.CharField(max_length=20, choices=ROLES, default=SECRETARY)
    # A secretary's party id (as the workbooks name it, e.g. "ranua"); a preparer's may be empty.
    party = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="fi")

    @property
    def is_preparer(self) -> bool:
        return self.role == self.PREPARER

    @property
    def is_secretary(self) -> bool:
        return self.role == self.SECRETARY


class Agreement(models.Model):
    key = models.CharField(max_length=200, unique=True)  # agreement.id of the workbook
    title = models.CharField(max_length=500)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title or self.key


class Version(models.Model):
    UPLOADED = "uploaded"
    QUEUED = "queued"
    BUILDING = "building"
    BUILT = "built"
    FAILED = "failed"
    STATES = [
        (UPLOADED, _("not built yet")),
        (QUEUED, _("waiting to be built")),
        (BUILDING, _("building")),
        (BUILT, _("built")),
        (FAILED, _("build failed")),
    ]

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(max_length=50)  # agreement.version, e.g. "0.3"
    date = models.DateField(null=True)
    workbook = models.CharField(max_length=200)  # generated file name in UPLOAD_DIR
    workbook_name = models.CharField(max_length=255)  # the name it was uploaded as
    # [{"id", "names": {"fi": ..}, "approver": {"fi": ..}, "languages": [..]}] in agreement order
    parties = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    state = models.CharField(max_length=20, choices=STATES, default=UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_what = models.CharField(max_length=300, blank=True)
    errors = models.JSONField(default=list)  # lines of a failed build
    builder = models.CharField(max_length=200, blank=True)  # "host:pid" of the building worker
    notes = models.JSONField(default=list)
    built_at = models.DateTimeField(null=True)
    final = models.BooleanField(default=False)
    finalized_at = models.DateTimeField(null=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_row_per_version")
        ]
        ordering = ["agreement__key", "-created"]

    def __str__(self) -> str:
        return f"{self.agreement.key} {self.number}"

    def party_ids(self) -> list[str]:
        return [party["id"] for party in self.parties]

    def has_party(self, party: str) -> bool:
        return party in self.party_ids()


class Upload(models.Model):
    """A workbook as uploaded (or made from the registry), with the problems found in it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    stored = models.CharField(max_length=200)  # generated file name in UPLOAD_DIR
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    problems = models.JSONField(default=list)  # see problems.as_dicts
    todo = models.PositiveIntegerField(default=0)
    refused = models.CharField(max_length=500, blank=True)  # valid, yet not accepted (final)
    version = models.ForeignKey(Version, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created"]

    @property
    def valid(self) -> bool:
        return not self.problems and not self.refused


class Decision(models.Model):
    """A step of a party's approval of a version: sent, on the board's agenda, decided."""

    SENT = "sent"
    AGENDA = "agenda"
    BOARD = "board"
    COUNCIL = "council"
    STAGES = [
        (SENT, _("sent to the party")),
        (AGENDA, _("on the board's agenda")),
        (BOARD, _("board decided")),
        (COUNCIL, _("council decided")),
    ]
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    OUTCOMES = [
        (APPROVED, _("approved")),
        (REJECTED, _("not approved")),
        (RETURNED, _("returned for further preparation")),
    ]

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="decisions")
    party = models.CharField(max_length=100)
    stage = models.CharField(max_length=20, choices=STAGES)
    body = models.CharField(max_length=200)
    date = models.DateField()
    section = models.CharField(max_length=50, blank=True)  # the §
    outcome = models.CharField(max_length=20, choices=OUTCOMES, blank=True)
    signed_pdf = models.CharField(max_length=200, blank=True)  # generated name in UPLOAD_DIR
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "created"]

    @property
    def approves(self) -> bool:
        return self.stage == self.COUNCIL and self.outcome == self.APPROVED
