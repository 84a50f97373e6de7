"""Forms of the clinician workspace.

`ScreeningForm` is built from the Concept table (sections and positions, clinician wording,
a unit selector for each quantity, rows of treatments). It only collects raw answers in
the API's shape; the shared Validator decides what is valid, and its messages are put next
to the field of the concept they name.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import Patient, ScreeningResult, Team
from screening.catalog import Catalog
from trials.models import ConceptType, Section

MEDICATION_ROWS = 6
NOT_KNOWN = ("", _("Not known"))


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["team", "local_identifier", "initials", "year_of_birth", "sex", "note"]
        help_texts = {"note": _("Clinical context only; never a name, address or hospital number.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.all() if user.is_superuser else user.clinic_teams.all()
        self.fields["team"].queryset = teams
        if not self.instance.pk and teams.count() == 1:
            self.fields["team"].initial = teams.first()

    def clean_year_of_birth(self):
        year = self.cleaned_data.get("year_of_birth")
        if year is not None and not (timezone.localdate().year - 120 <= year <= timezone.localdate().year):
            raise forms.ValidationError(_("Enter a year of birth within the last 120 years."))
        return year

    def clean_initials(self):
        return self.cleaned_data["initials"].strip().upper()


class ScreeningForm(forms.Form):
    as_of = forms.DateField(
        label=_("Screening date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the answers describe; durations and age are counted to it."),
    )

    def __init__(self, *args, catalog: Catalog, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.concepts = sorted(
            catalog.concepts.values(),
            key=lambda c: (
                list(Section.values).index(c.section) if c.section in Section.values else 99,
                c.position,
            ),
        )
        self.fields["as_of"].initial = timezone.localdate()
        for concept in self.concepts:
            self._add_fields(concept)

    def _add_fields(self, concept) -> None:
        code, label, kind = concept.code, concept.clinician_question, concept.type
        number_widget = forms.NumberInput(attrs={"step": "any"})
        if kind == ConceptType.LIST:
            drugs = [NOT_KNOWN] + [(d.code, d.name) for d in self.catalog.drugs.values()]
            self.fields[f"{code}__none"] = forms.BooleanField(
                label=_("No treatment, current or past"), required=False
            )
            for row in range(MEDICATION_ROWS):
                self.fields[f"med-{row}-drug"] = forms.ChoiceField(
                    label=_("Drug"), choices=drugs, required=False
                )
                self.fields[f"med-{row}-days"] = forms.FloatField(
                    label=_("Days since last dose"), required=False, widget=number_widget
                )
                self.fields[f"med-{row}-months"] = forms.FloatField(
                    label=_("Months on treatment"), required=False, widget=number_widget
                )
        elif kind == ConceptType.BOOLEAN:
            self.fields[code] = forms.ChoiceField(
                label=label, required=False, choices=[NOT_KNOWN, ("yes", _("Yes")), ("no", _("No"))]
            )
        elif kind == ConceptType.CHOICE:
            choices = [NOT_KNOWN] + [(c, concept.choice_label(c)) for c in concept.choice_codes]
            self.fields[code] = forms.ChoiceField(label=label, required=False, choices=choices)
        elif kind == ConceptType.DATE:
            self.fields[code] = forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        elif kind == ConceptType.SINCE:
            self.fields[code] = forms.FloatField(
                label=_with_unit(label, concept.canonical_unit), required=False, widget=number_widget
            )
            self.fields[f"{code}__never"] = forms.BooleanField(label=_("Never"), required=False)
        elif kind == ConceptType.QUANTITY:
            self.fields[code] = forms.FloatField(label=label, required=False, widget=number_widget)
            units = concept.accepted_units or [concept.canonical_unit]
            self.fields[f"{code}__unit"] = forms.ChoiceField(
                label=_("Unit"),
                choices=[(u, u) for u in units],
                initial=concept.canonical_unit,
                required=False,  # a missing unit means the canonical one
            )
        else:
            self.fields[code] = forms.FloatField(
                label=_with_unit(label, concept.canonical_unit), required=False, widget=number_widget
            )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("The screening date cannot be in the future."))
        return as_of

    # -- layout for the template
    def sections(self) -> list[dict]:
        grouped: dict[str, dict] = {}
        for concept in self.concepts:
            section = grouped.setdefault(
                concept.section,
                {"label": concept.get_section_display(), "items": [], "code": concept.section},
            )
            item = {"concept": concept, "type": concept.type}
            if concept.type == ConceptType.LIST:
                item["none"] = self[f"{concept.code}__none"]
                item["rows"] = [
                    (self[f"med-{r}-drug"], self[f"med-{r}-days"], self[f"med-{r}-months"])
                    for r in range(MEDICATION_ROWS)
                ]
            else:
                item["field"] = self[concept.code]
                if concept.type == ConceptType.QUANTITY:
                    item["unit"] = self[f"{concept.code}__unit"]
                if concept.type == ConceptType.SINCE:
                    item["never"] = self[f"{concept.code}__never"]
            section["items"].append(item)
        return list(grouped.values())

    # -- answers in the API's shape
    def answers(self) -> dict:
        data = self.cleaned_data
        answers: dict[str, object] = {}
        for concept in self.concepts:
            code, kind = concept.code, concept.type
            if kind == ConceptType.LIST:
                rows = []
                for r in range(MEDICATION_ROWS):
                    drug = data.get(f"med-{r}-drug")
                    if not drug:
                        continue
                    item: dict[str, object] = {"drug": drug}
                    for key, name in (("days_since_last_dose", "days"), ("months_on_treatment", "months")):
                        value = data.get(f"med-{r}-{name}")
                        if value is not None:
                            item[key] = _plain(value)
                    rows.append(item)
                if rows or data.get(f"{code}__none"):
                    answers[code] = rows
                continue
            value = data.get(code)
            if kind == ConceptType.BOOLEAN:
                if value:
                    answers[code] = value == "yes"
            elif kind == ConceptType.CHOICE:
                if value:
                    answers[code] = value
            elif kind == ConceptType.DATE:
                if value:
                    answers[code] = value.isoformat()
            elif kind == ConceptType.SINCE:
                if data.get(f"{code}__never"):
                    answers[code] = "never"
                elif value is not None:
                    answers[code] = _plain(value)
            elif kind == ConceptType.QUANTITY:
                if value is not None:
                    unit = data.get(f"{code}__unit") or concept.canonical_unit
                    answers[code] = (
                        _plain(value)
                        if unit == concept.canonical_unit
                        else {"value": _plain(value), "unit": unit}
                    )
            elif value is not None:
                answers[code] = _plain(value)
        return answers

    def clean(self):
        cleaned = super().clean()
        any_drug = any(cleaned.get(f"med-{r}-drug") for r in range(MEDICATION_ROWS))
        for concept in self.concepts:
            code = concept.code
            if (
                concept.type == ConceptType.SINCE
                and cleaned.get(f"{code}__never")
                and cleaned.get(code) is not None
            ):
                self.add_error(code, _("Give a duration or tick “never”, not both."))
            if concept.type == ConceptType.LIST and cleaned.get(f"{code}__none") and any_drug:
                self.add_error(f"{code}__none", _("Untick “no treatment” or remove the treatments."))
        if self.errors:
            return cleaned
        as_of = cleaned.get("as_of") or timezone.localdate()
        validated = self.catalog.validator().validate(self.answers(), as_of)
        for code, message in validated.errors.items():
            self.add_error(self.field_for(code), message)
        return cleaned

    def field_for(self, code: str) -> str | None:
        concept = self.catalog.concepts.get(code)
        if concept is None:
            return None
        if concept.type == ConceptType.LIST:
            return f"{code}__none"
        return code if code in self.fields else None

    @classmethod
    def initial_from(cls, answers: dict, as_of: date | None = None) -> dict:
        """Form initial values from stored or imported answers."""
        initial: dict[str, object] = {"as_of": as_of or timezone.localdate()}
        for code, value in answers.items():
            if code == "medications" and isinstance(value, list):
                initial[f"{code}__none"] = not value
                for r, item in enumerate(value[:MEDICATION_ROWS]):
                    initial[f"med-{r}-drug"] = item.get("drug")
                    initial[f"med-{r}-days"] = item.get("days_since_last_dose")
                    initial[f"med-{r}-months"] = item.get("months_on_treatment")
            elif isinstance(value, bool):
                initial[code] = "yes" if value else "no"
            elif isinstance(value, dict) and {"value", "unit"} <= set(value):
                initial[code] = value["value"]
                initial[f"{code}__unit"] = value["unit"]
            elif value == "never":
                initial[f"{code}__never"] = True
            else:
                initial[code] = value
        return initial


def _with_unit(label: str, unit: str) -> str:
    """ "Age at screening (years)" already names its unit; "EDSS increase" gets "(points)"."""
    if not unit or f"({unit})" in label:
        return label
    return f"{label} ({unit})"


def _plain(value: float) -> float | int:
    """3.0 typed in a number box is stored as 3, as the API would receive it."""
    return int(value) if float(value).is_integer() else value


class FhirImportForm(forms.Form):
    bundle_file = forms.FileField(label=_("FHIR R4 Bundle (JSON file)"), required=False)
    bundle_text = forms.CharField(
        label=_("…or paste the bundle JSON"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    as_of = forms.DateField(label=_("Screening date"), widget=forms.DateInput(attrs={"type": "date"}))

    MAX_BYTES = 2 * 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("bundle_file"), (cleaned.get("bundle_text") or "").strip()
        if upload and text:
            raise forms.ValidationError(_("Upload a file or paste JSON, not both."))
        if upload:
            if upload.size > self.MAX_BYTES:
                self.add_error("bundle_file", _("The file is larger than 2 MB."))
                return cleaned
            cleaned["raw"] = upload.read()
        elif text:
            cleaned["raw"] = text
        else:
            raise forms.ValidationError(_("Choose a bundle file or paste its JSON."))
        return cleaned


class LogFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    verdict = forms.ChoiceField(
        label=_("Verdict"), required=False, choices=[("", _("Any"))] + list(ScreeningResult.Verdict.choices)
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class ReferralForm(forms.Form):
    referral_status = forms.ChoiceField(choices=ScreeningResult.Referral.choices)
