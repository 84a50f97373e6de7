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
from screening.fhir import MAX_BUNDLE_BYTES
from screening.forms import UNKNOWN
from screening.questionnaire import question_form
from trials.models import Section

# <input type="date"> takes ISO dates only, whatever the reader's language writes.
DATE_WIDGET_ATTRS = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}

# Empty treatment rows on the page: the clinic form works without JavaScript, which cannot
# add rows.
TREATMENT_ROWS = 6


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["team", "local_identifier", "initials", "year_of_birth", "sex", "note"]
        labels = {
            "team": _("Team"),
            "local_identifier": _("Local identifier"),
            "initials": _("Initials"),
            "year_of_birth": _("Year of birth"),
            "sex": _("Sex"),
            "note": _("Note"),
        }
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
    """A whole screening on one page: its date, then every concept's question as the
    clinician questionnaire asks it (`screening.forms.QuestionForm`, clinician wording, in
    questionnaire order), all bound to the same POST. The question forms turn what was posted
    into answers in the API's shape, exactly as the questionnaire does; the shared Validator
    then judges the answers, and its messages go next to the question of the concept they name."""

    as_of = forms.DateField(
        label=_("Screening date"),
        widget=forms.DateInput(**DATE_WIDGET_ATTRS),
        help_text=_("The date the answers describe; durations and age are counted to it."),
    )

    def __init__(
        self,
        data=None,
        *,
        catalog: Catalog,
        answers: dict | None = None,
        as_of: date | None = None,
        notes: dict[str, str] | None = None,
    ):
        """`answers` fill the questions in; `notes` say, per concept code, where a filled-in
        answer came from (the patient record) for the clinician to check."""
        super().__init__(data, initial={"as_of": as_of or timezone.localdate()})
        self.catalog = catalog
        self.notes = notes or {}
        answers = answers or {}
        self.questions = {
            concept.code: question_form(
                catalog,
                "clinician",
                concept,
                stored=answers.get(concept.code),
                data=data,
                treatment_rows=TREATMENT_ROWS,
            )
            for concept in catalog.ordered_concepts
        }

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("The screening date cannot be in the future."))
        return as_of

    def clean(self):
        cleaned = super().clean()
        self._answers = {}
        for code, question in self.questions.items():
            raw = question.raw()
            if raw is not None and raw != UNKNOWN:
                self._answers[code] = raw
        if self.errors or any(q.errors for q in self.questions.values()):
            return cleaned
        validated = self.catalog.validator().validate(self._answers, cleaned["as_of"])
        for code, message in validated.errors.items():
            self.add_answer_error(code, message)
        return cleaned

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return valid and not self.answer_errors

    @property
    def answer_errors(self) -> dict[str, list[str]]:
        """Each refused question's messages, by concept code."""
        return {
            code: [str(e) for errors in q.errors.values() for e in errors]
            for code, q in self.questions.items()
            if q.is_bound and q.errors
        }

    def answers(self) -> dict:
        """The answers in the API's shape (a valid form's)."""
        return dict(self._answers)

    def add_answer_error(self, code: str, message: str) -> None:
        """Shows the Validator's message on the question of the concept it names."""
        question = self.questions.get(code)
        if question is None:
            self.add_error(None, f"{self.catalog.vocabulary().label(code)}: {message}")
        else:
            question.show_error(message)

    def sections(self) -> list[dict]:
        """The questions grouped by section, in questionnaire order and in the clinician's
        words ("The patient", not "About you"), each with its note, for the template."""
        labels = Section.clinician_labels()
        grouped: dict[str, dict] = {}
        for code, question in self.questions.items():
            section = question.concept.section
            grouped.setdefault(
                section, {"code": section, "label": labels.get(section, section), "questions": []}
            )["questions"].append({"form": question, "note": self.notes.get(code, "")})
        return list(grouped.values())


def prefill_answers(
    patient: Patient, catalog: Catalog, answers: dict, as_of: date, *, carried_from: date | None = None
) -> tuple[dict, dict[str, str]]:
    """`answers` completed with what the patient record says (`Patient.record_answers`),
    and a note for each question the record filled in.

    The record's sex wins over an answer carried over from an earlier screening. Its age
    (from the year of birth) replaces a carried-over age from another year, which is out of
    date; an age carried over from this year was set by a clinician who knew the birthday,
    and an exact date of birth needs no age. `carried_from=None` means the answers are fresh
    (a FHIR import), which the record only completes."""
    answers = dict(answers)
    notes: dict[str, str] = {}
    fresh = carried_from is None
    for code, value in patient.record_answers(catalog.concepts, as_of).items():
        if code in answers and (fresh or answers[code] == value):
            continue
        if code == "age":
            if "birth_date" in answers:
                continue
            if not fresh and "age" in answers and carried_from.year == as_of.year:
                continue
            notes[code] = _(
                "From the patient record (born %(year)s): the age reached this year, one less "
                "if the birthday is still to come."
            ) % {"year": patient.year_of_birth}
        else:
            notes[code] = _("From the patient record.")
        answers[code] = value
    return answers, notes


class FhirImportForm(forms.Form):
    bundle_file = forms.FileField(label=_("FHIR R4 Bundle (JSON file)"), required=False)
    bundle_text = forms.CharField(
        label=_("…or paste the bundle JSON"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    as_of = forms.DateField(label=_("Screening date"), widget=forms.DateInput(**DATE_WIDGET_ATTRS))

    MAX_BYTES = MAX_BUNDLE_BYTES

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("bundle_file"), (cleaned.get("bundle_text") or "").strip()
        if upload and text:
            raise forms.ValidationError(_("Upload a file or paste JSON, not both."))
        if upload:
            if upload.size > self.MAX_BYTES:
                self.add_error(
                    "bundle_file",
                    _("The file is larger than %(size)s MB; export fewer years of history.")
                    % {"size": self.MAX_BYTES // (1024 * 1024)},
                )
                return cleaned
            cleaned["raw"] = upload.read()
        elif text:
            if len(text.encode()) > self.MAX_BYTES:
                self.add_error(
                    "bundle_text",
                    _("The bundle is larger than %(size)s MB; export fewer years of history.")
                    % {"size": self.MAX_BYTES // (1024 * 1024)},
                )
                return cleaned
            cleaned["raw"] = text
        else:
            raise forms.ValidationError(_("Choose a bundle file or paste its JSON."))
        return cleaned


class ReferralForm(forms.Form):
    referral_status = forms.ChoiceField(choices=ScreeningResult.Referral.choices)
