"""Forms: Django's, each field labelled, its help and errors tied to it (aria-describedby)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Decision, Version
from .workbooks import UploadRejected, check_size, suffix_of


class AccessibleForm(forms.Form):
    """Ties each field's help text and error messages to its input for assistive technology."""

    def full_clean(self) -> None:
        super().full_clean()
        self.describe()

    def describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            # _errors, not errors: describing must not validate (a subclass may not be ready).
            if self._errors and self._errors.get(name):
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.describe()


class WorkbookForm(AccessibleForm):
    file = forms.FileField(
        label=_("Workbook file"),
        help_text=_("A YAML workbook (.yaml) or a spreadsheet (.xlsx), at most 4 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".yaml,.yml,.xlsx,application/yaml,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            suffix_of(file.name)
            check_size(file.size)
        except UploadRejected as error:
            raise forms.ValidationError(str(error)) from None
        return file


class AreaForm(AccessibleForm):
    area = forms.ChoiceField(
        label=_("Wellbeing area"),
        help_text=_(
            "A new workbook with the area and its municipalities from the registry; "
            "its TODO placeholders are shown as still to fill in."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        from ..registry import registry

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            (area.id, f"{area.fi} / {area.sv}") for area in registry().areas
        ]


class DecisionForm(AccessibleForm):
    version = forms.ModelChoiceField(
        queryset=Version.objects.none(),
        label=_("Version"),
        help_text=_("The version of the agreement the decision concerns."),
        empty_label=None,
    )
    stage = forms.ChoiceField(label=_("Step"), choices=Decision.STAGES)
    body = forms.CharField(
        label=_("Body"), max_length=200, help_text=_("E.g. kunnanhallitus, kunnanvaltuusto.")
    )
    date = forms.DateField(
        label=_("Date"),
        help_text=_("Day.month.year, e.g. 11.12.2026."),
        input_formats=["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"],
        widget=forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    section = forms.CharField(
        label=_("Section (§)"), max_length=50, required=False, help_text=_("E.g. 233.")
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("— (no decision yet)")), *Decision.OUTCOMES],
        required=False,
        help_text=_("Required when the board or the council has decided."),
    )
    signed_pdf = forms.FileField(
        label=_("Signed minutes extract (PDF)"),
        required=False,
        help_text=_("At most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, versions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if versions is not None:
            self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: (
            v.number + (f" ({_('final')})" if v.final else "")
        )

    def clean_signed_pdf(self):
        file = self.cleaned_data.get("signed_pdf")
        if not file:
            return None
        if file.size > settings.MAX_SIGNED_PDF_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 20 MB."))
        head = file.read(5)
        file.seek(0)
        if head != b"%PDF-" or not file.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("The file is not a PDF."))
        return file

    def clean_version(self):
        version = self.cleaned_data["version"]
        if version.final:
            raise forms.ValidationError(
                _("Version %(version)s is final: its records cannot be changed.")
                % {"version": version.number}
            )
        return version

    def clean(self):
        data = super().clean()
        if data.get("stage") in (Decision.BOARD, Decision.COUNCIL) and not data.get("outcome"):
            self.add_error("outcome", _("Say what was decided."))
        return data


class CompareForm(AccessibleForm):
    other = forms.ModelChoiceField(
        queryset=Version.objects.none(), label=_("Compare with version"), empty_label=None
    )

    def __init__(self, *args, versions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if versions is not None:
            self.fields["other"].queryset = versions
        self.fields["other"].label_from_instance = lambda v: v.number


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class SignInForm(AuthenticationForm):
    """Django's sign-in form without autofocus: the focus starts at the top of the page (the
    skip link), as on every other page, and a screen reader reads the page from its start."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
