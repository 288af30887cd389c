"""The pages. Each calls the library for what it shows; templates escape every workbook text."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ..errors import AgreementBuilderError
from . import documents as docs
from .access import check_party, preparer_required
from .forms import AreaForm, CompareForm, DecisionForm, LanguageForm, WorkbookForm
from .models import Agreement, Decision, Upload, Version
from .problems import grouped
from .tracker import tracker as make_tracker
from .workbooks import UploadRejected, from_area, receive, upload_path, validate_upload

KIND_LABELS = {
    "agreement": gettext_lazy("The agreement"),
    "package": gettext_lazy("Agreement package (attachment)"),
    "agenda-item": gettext_lazy("Agenda item"),
    "changes": gettext_lazy("Change summary"),
    "paste-kit": gettext_lazy("Paste kit"),
}


def site_context(request: HttpRequest) -> dict:
    return {
        "feedback_address": settings.FEEDBACK_ADDRESS,
        "language_form_languages": settings.LANGUAGES,
    }


def party_label(party: dict | None, language: str | None = None) -> tuple[str, str]:
    """A party's name in the interface's language if the workbook has it, else in the
    agreement's main language, with the language it is in (for the `lang` attribute)."""
    if not party:
        return "", ""
    names = party.get("names") or {}
    language = language or translation.get_language() or "fi"
    if language in names:
        return names[language], language
    for other, name in names.items():
        return name, other
    return party.get("id", ""), ""


# -- language, accessibility, sign-in ----------------------------------------------------------


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The UI language: kept in the account of a signed-in user, in a cookie for others."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            httponly=True,
        )
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


# -- home --------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_preparer:
        agreements = Agreement.objects.prefetch_related(
            Prefetch("versions", queryset=Version.objects.order_by("-created"))
        )
        uploads = Upload.objects.filter(uploaded_by=user)[:10]
        return render(
            request,
            "web/home_preparer.html",
            {
                "agreements": agreements,
                "uploads": uploads,
                "form": WorkbookForm(),
                "area_form": AreaForm(),
            },
        )
    versions = [
        v
        for v in Version.objects.select_related("agreement").order_by("agreement__key", "-created")
        if v.has_party(user.party)
    ]
    by_agreement: dict[int, dict] = {}
    for version in versions:
        entry = by_agreement.setdefault(
            version.agreement_id,
            {"agreement": version.agreement, "versions": [], "party": None},
        )
        entry["versions"].append(version)
        entry["party"] = entry["party"] or next(p for p in version.parties if p["id"] == user.party)
    for entry in by_agreement.values():
        entry["name"], entry["name_lang"] = party_label(entry["party"])
    return render(request, "web/home_secretary.html", {"agreements": list(by_agreement.values())})


# -- uploads -----------------------------------------------------------------------------------


@preparer_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = WorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _home_with(request, form=form, status=400)
    stored = receive(form.cleaned_data["file"], request.user)
    return redirect("upload", stored.pk)


@preparer_required
@require_POST
def new_from_area(request: HttpRequest) -> HttpResponse:
    form = AreaForm(request.POST)
    if not form.is_valid():
        return _home_with(request, area_form=form, status=400)
    try:
        made = from_area(form.cleaned_data["area"], request.user)
    except AgreementBuilderError as error:
        form.add_error("area", str(error))
        return _home_with(request, area_form=form, status=400)
    return redirect("upload", made.pk)


def _home_with(request: HttpRequest, status: int, **forms) -> HttpResponse:
    context = {
        "agreements": Agreement.objects.prefetch_related("versions"),
        "uploads": Upload.objects.filter(uploaded_by=request.user)[:10],
        "form": WorkbookForm(),
        "area_form": AreaForm(),
        **forms,
    }
    return render(request, "web/home_preparer.html", context, status=status)


def _source_lines(upload: Upload) -> dict[int, str]:
    if upload.stored.endswith(".xlsx"):
        return {}
    wanted = {p["line"] for p in upload.problems if p.get("line")}
    if not wanted:
        return {}
    try:
        text = upload_path(upload.stored).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return {n: line for n, line in enumerate(text.splitlines(), 1) if n in wanted}


@preparer_required
def upload_detail(request: HttpRequest, pk) -> HttpResponse:
    item = get_object_or_404(Upload, pk=pk)
    if request.method == "POST":
        form = WorkbookForm(request.POST, request.FILES)
        if form.is_valid():
            stored = receive(form.cleaned_data["file"], request.user)
            return redirect("upload", stored.pk)
        status = 400
    else:
        form, status = WorkbookForm(), 200
    lines = _source_lines(item)
    groups = [
        (title, [(n, p, lines.get(p.get("line") or 0)) for n, p in problems])
        for title, problems in grouped(item.problems)
    ]
    return render(
        request,
        "web/upload.html",
        {
            "upload": item,
            "groups": groups,
            "errors": len(item.problems) - item.todo,
            "form": form,
            "spreadsheet": item.stored.endswith(".xlsx"),
        },
        status=status,
    )


@preparer_required
def upload_file(request: HttpRequest, pk) -> HttpResponse:
    item = get_object_or_404(Upload, pk=pk)
    return _download(upload_path(item.stored), item.original_name)


@preparer_required
def upload_xlsx(request: HttpRequest, pk) -> HttpResponse:
    """The workbook as a spreadsheet to fill in (the library's export-xlsx)."""
    from ..commands.spreadsheet import export_xlsx

    item = get_object_or_404(Upload, pk=pk)
    name = f"{Path(item.original_name).stem}.xlsx"
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as folder:
        out = Path(folder) / "export.xlsx"
        try:
            export_xlsx(upload_path(item.stored), out)
        except AgreementBuilderError:
            messages.error(
                request,
                _(
                    "Only a workbook whose problems are all placeholders can be "
                    "exported as a spreadsheet: correct the errors first."
                ),
            )
            return redirect("upload", item.pk)
        data = out.read_bytes()
    return _attachment(
        data, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


# -- versions ----------------------------------------------------------------------------------


def _version(pk: int) -> Version:
    return get_object_or_404(Version.objects.select_related("agreement"), pk=pk)


def _labelled(entries: list[dict]) -> list[dict]:
    return [{**e, "kind_label": KIND_LABELS.get(e.get("kind", ""), e.get("kind"))} for e in entries]


@preparer_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    found = _labelled(docs.documents(version)) if version.state == Version.BUILT else []
    groups = [
        (party, *party_label(party), entries) for party, entries in docs.by_party(version, found)
    ]
    others = version.agreement.versions.exclude(pk=version.pk).order_by("-created")
    return render(
        request,
        "web/version.html",
        {
            "version": version,
            "groups": groups,
            "documents": found,
            "changes": [e for e in found if e.get("kind") == "changes"],
            "compare_form": CompareForm(versions=others) if others.exists() else None,
            "polling": version.state in (Version.QUEUED, Version.BUILDING),
            "source": Upload.objects.filter(stored=version.workbook).first(),
        },
    )


@preparer_required
@require_POST
def version_build(request: HttpRequest, pk: int) -> HttpResponse:
    from .tasks import build_version

    version = _version(pk)
    if version.final:
        messages.error(request, _("This version is final: it is not built again."))
        return redirect("version", pk)
    if version.state in (Version.QUEUED, Version.BUILDING):
        return redirect("version", pk)
    Version.objects.filter(pk=pk).update(
        state=Version.QUEUED, progress_done=0, progress_total=0, progress_what=""
    )
    build_version(pk)
    return redirect(reverse("version", args=[pk]) + "#progress")


@preparer_required
def version_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the version page (htmx polls it); when the build ends, htmx is told
    to load the whole page, which then lists the documents."""
    version = _version(pk)
    polling = version.state in (Version.QUEUED, Version.BUILDING)
    response = render(request, "web/_progress.html", {"version": version, "polling": polling})
    if request.headers.get("HX-Request") and not polling:
        response["HX-Refresh"] = "true"
    return response


@login_required
def document(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    version = _version(pk)
    found = docs.document_path(version, name)
    if found is None:
        raise Http404
    path, entry = found
    if entry.get("party") is None:
        if not request.user.is_preparer:
            raise Http404
    else:
        check_party(request.user, entry["party"])
    return _download(path, entry["path"])


@login_required
def party_zip(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    check_party(request.user, party)
    version = _version(pk)
    if not version.has_party(party):
        raise Http404
    made = docs.party_zip(version, party)
    if made is None:
        raise Http404
    name, data = made
    return _attachment(data, name, "application/zip")


@login_required
def party_page(request: HttpRequest, key: str, party: str) -> HttpResponse:
    """A party's documents across versions, its recorded decisions and the form to add one."""
    check_party(request.user, party)
    agreement = get_object_or_404(Agreement, key=key)
    versions = [v for v in agreement.versions.order_by("-created") if v.has_party(party)]
    if not versions:
        raise Http404
    info = next(p for p in versions[0].parties if p["id"] == party)
    open_versions = Version.objects.filter(pk__in=[v.pk for v in versions], final=False).order_by(
        "-created"
    )
    if request.method == "POST":
        form = DecisionForm(request.POST, request.FILES, versions=open_versions)
        if form.is_valid():
            _record(request, form, party)
            messages.success(request, _("The decision was recorded."))
            return redirect("party", key, party)
        status = 400
    else:
        language = translation.get_language() or "fi"
        approver = info.get("approver", {})
        form = DecisionForm(
            versions=open_versions,
            initial={"body": approver.get(language) or next(iter(approver.values()), "")},
        )
        status = 200
    rows = []
    for version in versions:
        found = docs.party_documents(version, party) if version.state == Version.BUILT else []
        rows.append(
            {
                "version": version,
                "documents": _labelled(found),
                "decisions": version.decisions.filter(party=party),
            }
        )
    return render(
        request,
        "web/party.html",
        {
            "agreement": agreement,
            "party": info,
            "party_name": party_label(info)[0],
            "party_lang": party_label(info)[1],
            "rows": rows,
            "form": form if open_versions.exists() else None,
        },
        status=status,
    )


def _record(request: HttpRequest, form: DecisionForm, party: str) -> Decision:
    import uuid

    data = form.cleaned_data
    stored = ""
    if data.get("signed_pdf"):
        stored = f"{uuid.uuid4().hex}.pdf"
        with open(upload_path(stored), "xb") as out:
            for chunk in data["signed_pdf"].chunks():
                out.write(chunk)
    return Decision.objects.create(
        version=data["version"],
        party=party,
        stage=data["stage"],
        body=data["body"],
        date=data["date"],
        section=data["section"],
        outcome=data["outcome"] or "",
        signed_pdf=stored,
        recorded_by=request.user,
    )


@login_required
def signed_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("version"), pk=pk)
    check_party(request.user, decision.party)
    if not decision.signed_pdf:
        raise Http404
    name = f"{decision.party}_{decision.stage}_{decision.date.isoformat()}.pdf"
    return _download(upload_path(decision.signed_pdf), name)


@preparer_required
def tracker_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    track = make_tracker(version)
    rows = [(row, *party_label(row.party)) for row in track.rows]
    return render(request, "web/tracker.html", {"version": version, "tracker": track, "rows": rows})


@preparer_required
@require_POST
def mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record today as the day the version was sent to every party not yet recorded as sent."""
    version = _version(pk)
    if version.final or version.state != Version.BUILT:
        raise PermissionDenied
    today = timezone.localdate()
    sent = set(version.decisions.filter(stage=Decision.SENT).values_list("party", flat=True))
    for party in version.parties:
        if party["id"] not in sent:
            approver = party.get("approver") or {}
            Decision.objects.create(
                version=version,
                party=party["id"],
                stage=Decision.SENT,
                body=approver.get(version.languages[0], "") if version.languages else "",
                date=today,
                recorded_by=request.user,
            )
    messages.success(request, _("Recorded as sent to every party."))
    return redirect("tracker", pk)


@preparer_required
@require_POST
def finalize(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    if version.final:
        messages.info(request, _("This version is already final."))
        return redirect("tracker", pk)
    track = make_tracker(version)
    if not track.all_approved or version.state != Version.BUILT:
        messages.error(
            request,
            _(
                "The version can be marked final only when it is built and every party has "
                "approved it."
            ),
        )
        return redirect("tracker", pk)
    Version.objects.filter(pk=pk).update(
        final=True, finalized_at=timezone.now(), finalized_by=request.user
    )
    messages.success(request, _("Version %(version)s is final.") % {"version": version.number})
    return redirect("tracker", pk)


@preparer_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed from another version to this one: the library's comparison, shown with its
    own summary (the words of the change summary document)."""
    from ..changes.summary import summary_view
    from ..commands.diff import diff
    from ..document.context import build_context
    from ..theme import Templates

    version = _version(pk)
    others = version.agreement.versions.exclude(pk=version.pk).order_by("-created")
    form = CompareForm(request.GET or None, versions=others)
    summary = None
    other = None
    if form.is_bound and form.is_valid():
        other = form.cleaned_data["other"]
        result = diff(upload_path(other.workbook), upload_path(version.workbook))
        language = translation.get_language() or "fi"
        if language not in version.languages:
            language = version.languages[0]
        context = build_context(result.changes.new, language, Templates.shipped())
        summary = summary_view(result.changes, context.t)
        summary_language = language
    return render(
        request,
        "web/compare.html",
        {
            "version": version,
            "other": other,
            "form": form,
            "summary": summary,
            "summary_language": summary_language if summary else None,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# -- API ---------------------------------------------------------------------------------------


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the build worker answer, else 503 saying which did not."""
    from .tasks import worker_alive

    state = {"database": False, "worker": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            state["database"] = cursor.fetchone()[0] == 1
    except Exception:
        state["database"] = False
    try:
        state["worker"] = worker_alive()
    except Exception:
        state["worker"] = False
    ok = all(state.values())
    return JsonResponse({"ok": ok, **state}, status=200 if ok else 503)


@csrf_exempt
@require_POST
def api_validate(request: HttpRequest) -> JsonResponse:
    """A workbook in (multipart field `file`, YAML or XLSX by its name), its problems out as a
    JSON list; no account is needed and nothing is kept."""
    if _over_rate(request, "validate", settings.API_VALIDATE_PER_MINUTE):
        return JsonResponse(
            {"error": "too many requests: try again in a minute"},
            status=429,
            headers={"Retry-After": "60"},
        )
    file = request.FILES.get("file")
    if file is None:
        return JsonResponse(
            {"error": "send the workbook as the multipart form field 'file'"}, status=400
        )
    try:
        problems = validate_upload(file)
    except UploadRejected as error:
        return JsonResponse({"error": str(error)}, status=error.status)
    return JsonResponse(problems, safe=False)


def _over_rate(request: HttpRequest, what: str, per_minute: int) -> bool:
    """Counts requests per client address and minute in Django's cache (each process its own,
    which bounds what one address can make a process do)."""
    from django.core.cache import cache

    minute = int(timezone.now().timestamp() // 60)
    key = f"rate:{what}:{request.META.get('REMOTE_ADDR', '')}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > per_minute


# -- files -------------------------------------------------------------------------------------


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _download(path: Path, name: str) -> HttpResponse:
    try:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    return response


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _disposition(name)
    return response


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": _("Not allowed"), "text": _("Your account may not open this page.")},
        status=403,
    )


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("Page not found"),
            "text": _("There is no such page, or your account may not see it."),
        },
        status=404,
    )
