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
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clinic.models import Patient, ScreeningResult, Team
from engine.validation import AnswerError
from screening import nearby
from screening.catalog import Catalog
from screening.fhir import MAX_BUNDLE_BYTES
from screening.forms import UNKNOWN, IsoDateField
from screening.jsonbody import JSONTooDeep, loads
from screening.questionnaire import question_form
from trials import gazetteer
from trials.models import Section

# <input type="date"> takes ISO dates only, whatever the reader's language writes.
DATE_WIDGET_ATTRS = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}

# Empty treatment rows on the page: the clinic form works without JavaScript, which cannot
# add rows.
TREATMENT_ROWS = 6


class PatientForm(forms.ModelForm):
    town_country = forms.ChoiceField(label=_("Country"), initial="FR", required=False)

    class Meta:
        model = Patient
        fields = [
            "team",
            "local_identifier",
            "initials",
            "year_of_birth",
            "sex",
            "town",
            "town_country",
            "note",
        ]
        labels = {
            "team": _("Team"),
            "local_identifier": _("Local identifier"),
            "initials": _("Initials"),
            "year_of_birth": _("Year of birth"),
            "sex": _("Sex"),
            "town": _("Town the patient lives in"),
            "note": _("Note"),
        }
        help_texts = {
            "note": _("Clinical context only; never a name, address or hospital number."),
            "town": _("Optional; a town, never an address. Only used for the distance to trial sites."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town_country"].choices = nearby.country_choices((get_language() or "en")[:2])
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

    def clean(self):
        data = super().clean()
        town = (data.get("town") or "").strip()
        data["town_country"] = data.get("town_country") or "FR"
        if not town or self.has_error("town_country"):
            data["town"] = town
            return data
        try:
            data["town"] = gazetteer.default().require(town, data["town_country"]).label
        except gazetteer.TownNotFound as missing:
            message = _("We could not find “%(town)s” in this country.") % {"town": town}
            if missing.suggestions:
                message += " " + _("Did you mean: %(towns)s?") % {"towns": ", ".join(missing.suggestions)}
            self.add_error("town", message)
        return data


class ScreeningForm(forms.Form):
    """A whole screening on one page: its date, then every concept's question as the
    clinician questionnaire asks it (`screening.forms.QuestionForm`, clinician wording, in
    questionnaire order), all bound to the same POST. The question forms turn what was posted
    into answers in the API's shape, exactly as the questionnaire does; the shared Validator
    then judges the answers, and its messages go next to the question of the concept they name."""

    as_of = IsoDateField(
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
    as_of = IsoDateField(label=_("Screening date"), widget=forms.DateInput(**DATE_WIDGET_ATTRS))

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


class ImportedAnswersForm(forms.Form):
    """What the FHIR preview page posts back when the clinician confirms: the answers it showed
    (JSON, in the API's shape), where each came from, and the screening date. Only that page
    posts it, so anything else is refused whole, each problem named, before the screening form
    is built from it."""

    imported_answers = forms.CharField(required=False)
    imported_provenance = forms.CharField(required=False)
    imported_as_of = IsoDateField(required=True)

    def __init__(self, data, *, catalog: Catalog):
        super().__init__(data)
        self.catalog = catalog

    @staticmethod
    def _json_object(raw: str, what: str) -> dict:
        try:
            value = loads(raw or "{}")
        except JSONTooDeep:
            raise forms.ValidationError(_("%(what)s are nested too deeply.") % {"what": what}) from None
        except ValueError:
            raise forms.ValidationError(_("%(what)s are not valid JSON.") % {"what": what}) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(
                _("%(what)s must be a JSON object keyed by concept code.") % {"what": what}
            )
        return value

    def clean_imported_answers(self) -> dict:
        return self._json_object(self.cleaned_data["imported_answers"], _("The imported answers"))

    def clean_imported_provenance(self) -> dict:
        provenance = self._json_object(self.cleaned_data["imported_provenance"], _("The answers' sources"))
        for code, source in provenance.items():
            sources = source if isinstance(source, list) else [source]
            if not sources or not all(isinstance(s, str) and len(s) <= 300 for s in sources):
                raise forms.ValidationError(
                    _("The source of %(code)s must be a resource reference such as Observation/123.")
                    % {"code": code}
                )
        return provenance

    def clean(self):
        """Every imported answer must be one the Validator accepts on its own (consistency
        between answers is left to the screening form, where the clinician can fix it)."""
        cleaned = super().clean()
        answers, as_of = cleaned.get("imported_answers"), cleaned.get("imported_as_of")
        if answers is None or as_of is None:
            return cleaned
        validator = self.catalog.validator()
        for code, value in answers.items():
            spec = self.catalog.specs.get(code)
            if spec is None:
                self.add_error("imported_answers", _("%(code)s: unknown concept") % {"code": code})
                continue
            if value is None or value == UNKNOWN:
                continue
            try:
                validator.one(spec, value, as_of)
            except AnswerError as error:
                self.add_error("imported_answers", f"{code}: {error}")
        return cleaned

    def problems(self) -> list[str]:
        """Each refusal, prefixed with the field it is about."""
        return [f"{field}: {message}" for field, errors in self.errors.items() for message in errors]


class ReferralForm(forms.Form):
    referral_status = forms.ChoiceField(choices=ScreeningResult.Referral.choices)
