"""Curation forms: every check is the rules engine's own (check_leaf, Validator, units), so
the admin refuses exactly what screening would refuse, with the message on the field to fix."""

from __future__ import annotations

import json
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from engine import OPERATORS, ConceptType, Leaf, check_leaf
from engine import units as engine_units
from trials.checks import VocabularyContext
from trials.models import Concept, CriteriaRevision, Criterion, Drug, DrugClass, Site, TestPatient, Trial

TIME_UNITS = ("days", "weeks", "months", "years")

OPERATOR_LABELS = {
    "eq": _("equals (=)"),
    "lt": _("below (<)"),
    "lte": _("at most (≤)"),
    "gt": _("above (>)"),
    "gte": _("at least (≥)"),
    "between": _("between (inclusive)"),
    "is_true": _("is yes"),
    "is_false": _("is no"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "within": _("within the last N"),
    "within_strict": _("less than N ago"),
    "not_within": _("not within the last N (or never)"),
    "ever": _("ever happened"),
    "never": _("never happened"),
    "taken_within": _("taken within the last N"),
    "ever_taken": _("ever taken"),
    "on_treatment_for_at_least": _("currently on it for at least N"),
    "treated_for_at_least": _("treated with it for at least N"),
}


def operators_of(concept_type: str) -> list[str]:
    return list(OPERATORS.get(ConceptType(concept_type), {}))


def units_of(concept: Concept) -> list[str]:
    """The threshold units a curator may pick for a concept (empty means its canonical unit)."""
    if concept.type == ConceptType.QUANTITY:
        return list(dict.fromkeys([concept.canonical_unit, *concept.accepted_units]))
    if concept.type in (ConceptType.SINCE, ConceptType.LIST):
        return list(TIME_UNITS)
    if concept.type in (ConceptType.INTEGER, ConceptType.NUMBER) and concept.canonical_unit:
        return [concept.canonical_unit]
    return []


def concept_label(concept: Concept) -> str:
    """How a curator picks a concept: its label in their language, then its code."""
    return f"{concept.label} ({concept.code})"


def concept_data() -> dict:
    """What the criterion form's script needs, in the curator's language: per concept its
    operators and units, its choices by label; every drug and drug class by name."""
    concepts = {
        str(c.pk): {
            "code": c.code,
            "label": c.label,
            "type": c.type,
            "type_label": str(c.get_type_display()),
            "operators": operators_of(c.type),
            "units": units_of(c),
            "canonical_unit": c.canonical_unit,
            "choices": [{"code": code, "label": c.choice_label(code)} for code in c.choice_codes],
            "range": [c.minimum, c.maximum, c.step],
        }
        for c in Concept.objects.all()
    }
    drugs = [{"code": d.code, "label": d.name} for d in Drug.objects.all()]
    drugs += [
        {"code": k.code, "label": _("%(name)s (class)") % {"name": k.name}} for k in DrugClass.objects.all()
    ]
    return {
        "concepts": concepts,
        "drugs": sorted(drugs, key=lambda d: d["label"].lower()),
        "words": {
            "search": str(_("Search concepts by name or code")),
            "choices": str(_("Choices")),
            "drugs": str(_("Drugs and drug classes")),
            "type": str(_("Type")),
            "canonical_unit": str(_("canonical unit")),
            "range": str(_("range")),
        },
    }


def _parse_value(text: str) -> object:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


class CommaListField(forms.CharField):
    """ "18, 50" -> [18, 50]; "RRMS, SPMS" -> ["RRMS", "SPMS"]. Numbers stay numbers."""

    def __init__(self, *, numbers: bool = True, **kwargs):
        self.numbers = numbers
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if isinstance(text, list):
            return text
        items = [item.strip() for item in (text or "").split(",") if item.strip()]
        return [_parse_value(item) if self.numbers else item for item in items]


class CriterionForm(forms.ModelForm):
    operator = forms.ChoiceField(
        required=False,
        choices=[("", "---------")] + list(OPERATOR_LABELS.items()),
        help_text=_("Only the operators of the chosen concept's type are accepted."),
    )
    unit = forms.ChoiceField(required=False, help_text=_("Empty means the concept's canonical unit."))
    values = CommaListField(
        help_text=_(
            "Comma-separated: one number (18), two for between (18, 50), or choice codes (RRMS, SPMS)."
        )
    )
    drugs = CommaListField(numbers=False, help_text=_("Comma-separated drug or drug-class codes."))

    class Meta:
        model = Criterion
        fields = [
            "trial", "parent", "position", "kind", "node_type", "concept", "operator", "values", "unit",
            "drugs", "source_text", "explanation_en", "explanation_fr", "confirmed_at_visit",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trial = self._trial()
        every_unit = sorted({u for c in Concept.objects.all() for u in units_of(c)} | set(TIME_UNITS))
        self.fields["unit"].choices = [("", _("(canonical)"))] + [(u, u) for u in every_unit]
        chosen = self._concept()
        if chosen is not None:
            # Offered: the units of the concept's dimension only (the script narrows it again on
            # a change). Any known unit still validates, so a wrong one gets _clean_leaf's message.
            self.fields["unit"].widget.choices = [("", _("(canonical)"))] + [(u, u) for u in units_of(chosen)]
        if self.instance.pk:
            self.fields["trial"].disabled = True
        parents = Criterion.objects.filter(node_type__in=Criterion.GROUP_TYPES)
        # Groups of the revision being worked on (a live group stands for its draft copy).
        parents = parents.filter(trial=self.trial) if self.trial else parents.none()
        parents = parents.exclude(revision__state=CriteriaRevision.State.SUPERSEDED)
        if self.instance.pk:
            parents = parents.exclude(pk__in=self._subtree_ids(self.instance))
        self.fields["parent"].queryset = parents.select_related("concept")
        self.fields["parent"].help_text = _(
            "A group (AND / OR / NOT) of the same trial; empty for a top-level criterion."
        )
        by_label = "label_fr" if (get_language() or "en").startswith("fr") else "label_en"
        self.fields["concept"].queryset = Concept.objects.order_by(by_label, "code")
        self.fields["concept"].label_from_instance = concept_label

    def _concept(self) -> Concept | None:
        """The concept the form is about: the one posted, else the node's own."""
        raw = self.data.get("concept") if self.is_bound else None
        if raw:
            try:
                return Concept.objects.filter(pk=int(raw)).first()
            except (TypeError, ValueError):
                return None
        return self.instance.concept if self.instance.pk and self.instance.concept_id else None

    def _trial(self) -> Trial | None:
        if self.instance.pk:
            return self.instance.trial
        raw = self.data.get("trial") if self.is_bound else self.initial.get("trial")
        if isinstance(raw, Trial):
            return raw
        try:
            return Trial.objects.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    @staticmethod
    def _subtree_ids(node: Criterion) -> set[int]:
        ids, frontier = {node.pk}, [node.pk]
        while frontier:
            frontier = list(Criterion.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids

    def clean(self):
        data = super().clean()
        node_type = data.get("node_type")
        parent: Criterion | None = data.get("parent")
        if parent is not None and not parent.revision.is_editable:
            draft = self.trial.draft_revision if self.trial else None
            if draft is not None and not draft.criteria.filter(origin=parent.lineage).exists():
                self.add_error("parent", _("This group is no longer in the draft revision."))
        if parent is not None:
            data["kind"] = parent.kind  # a child inherits its top-level criterion's kind
            if parent.node_type == Criterion.NodeType.NOT:
                others = parent.children.exclude(pk=self.instance.pk).count()
                if others:
                    self.add_error("parent", _("This NOT group already has its one child."))
        if self.instance.pk and node_type not in Criterion.GROUP_TYPES and self.instance.children.exists():
            self.add_error("node_type", _("This group has children: move or delete them first."))
        if node_type == Criterion.NodeType.LEAF:
            self._clean_leaf(data)
        else:
            for name, empty in (
                ("concept", None),
                ("operator", ""),
                ("values", []),
                ("unit", ""),
                ("drugs", []),
            ):
                data[name] = empty
            if node_type == Criterion.NodeType.VISIT:
                data["confirmed_at_visit"] = True
                if not data.get("source_text"):
                    self.add_error("source_text", _("Quote the registry's words the study team will check."))
        return data

    def _clean_leaf(self, data: dict) -> None:
        concept: Concept | None = data.get("concept")
        if concept is None:
            if "concept" not in self.errors:
                self.add_error("concept", _("A condition needs a concept."))
            return
        unit = data.get("unit") or ""
        if unit and unit not in units_of(concept):
            allowed = ", ".join(units_of(concept)) or _("none")
            self.add_error(
                "unit",
                _("%(unit)s is not a unit for %(code)s (allowed: %(allowed)s)")
                % {"unit": unit, "code": concept.code, "allowed": allowed},
            )
            return
        ctx = Concept.objects.vocabulary()
        leaf = Leaf(
            concept=concept.code,
            operator=data.get("operator") or "",
            values=tuple(data.get("values") or ()),
            unit=unit,
            drugs=tuple(data.get("drugs") or ()),
        )
        for name, message in check_leaf(
            leaf, concept.to_spec(), ctx.drug_codes, frozenset(ctx.classes)
        ).items():
            self.add_error(name, message)


class TestPatientForm(forms.ModelForm):
    __test__ = False

    class Meta:
        model = TestPatient
        fields = ["trial", "name", "expected_verdict", "expected_excluding_concept", "answers", "note"]
        widgets = {"answers": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})}

    def clean_answers(self):
        answers = self.cleaned_data.get("answers")
        if not isinstance(answers, dict):
            raise forms.ValidationError(_("Answers must be a JSON object mapping concept codes to values."))
        validated = Concept.objects.vocabulary().validator().validate(answers, timezone.localdate())
        if not validated.ok:
            raise forms.ValidationError([f"{code}: {message}" for code, message in validated.errors.items()])
        return answers

    def clean(self):
        data = super().clean()
        if (
            data.get("expected_excluding_concept")
            and data.get("expected_verdict") != TestPatient.Expected.INELIGIBLE
        ):
            self.add_error(
                "expected_excluding_concept", _("Only an ineligible test patient has an excluding concept.")
            )
        return data


class ConceptForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = [
            "code", "type", "section", "position", "canonical_unit", "accepted_units", "choices", "minimum",
            "maximum", "step", "label_en", "label_fr", "clinician_question_en", "clinician_question_fr",
            "patient_question_en", "patient_question_fr", "help_text_en", "help_text_fr",
            "result_max_age_days",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Both languages are part of the vocabulary contract.
        for name in ("label_fr", "clinician_question_fr", "patient_question_fr"):
            self.fields[name].required = True

    def clean_accepted_units(self):
        value = self.cleaned_data.get("accepted_units") or []
        if not isinstance(value, list) or not all(isinstance(u, str) and u.strip() for u in value):
            raise forms.ValidationError(
                _('Accepted units must be a JSON list of unit names, e.g. ["g/L", "g/dL"].')
            )
        return value

    def clean_choices(self):
        value = self.cleaned_data.get("choices") or []
        if not isinstance(value, list):
            raise forms.ValidationError(_('Choices must be a JSON list of {"code", "en", "fr"} objects.'))
        seen = set()
        for position, choice in enumerate(value, start=1):
            if not isinstance(choice, dict) or set(choice) != {"code", "en", "fr"}:
                raise forms.ValidationError(
                    _('Choice %(n)s must have exactly "code", "en" and "fr".') % {"n": position}
                )
            if not all(isinstance(choice[k], str) and choice[k].strip() for k in ("code", "en", "fr")):
                raise forms.ValidationError(
                    _("Choice %(n)s needs a code and labels in both languages.") % {"n": position}
                )
            if choice["code"] in seen:
                raise forms.ValidationError(_("Choice code %(code)s is repeated.") % {"code": choice["code"]})
            seen.add(choice["code"])
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        canonical = data.get("canonical_unit") or ""
        accepted = data.get("accepted_units") or []
        self._clean_units(kind, canonical, accepted)
        choices = data.get("choices") or []
        if kind == ConceptType.CHOICE and not choices and "choices" not in self.errors:
            self.add_error("choices", _("A choice concept needs at least one choice."))
        if kind != ConceptType.CHOICE and choices:
            self.add_error("choices", _("Only a choice concept has choices."))
        lo, hi, step = data.get("minimum"), data.get("maximum"), data.get("step")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("maximum", _("The maximum is below the minimum."))
        if step is not None and step <= 0:
            self.add_error("step", _("The step must be greater than 0."))
        if not self.errors and self.instance.pk:
            self._clean_against_criteria(data)
        return data

    def _clean_units(self, kind: str | None, canonical: str, accepted: list[str]) -> None:
        if kind == ConceptType.QUANTITY and not canonical:
            self.add_error("canonical_unit", _("A quantity needs a canonical unit."))
            return
        if accepted and not canonical:
            self.add_error("canonical_unit", _("Accepted units need a canonical unit to convert to."))
            return
        if not canonical:
            return
        try:
            engine_units.factor(canonical, canonical)
            if kind == ConceptType.SINCE:
                engine_units.factor(canonical, "days")
        except engine_units.UnitError:
            self.add_error(
                "canonical_unit",
                _("%(unit)s is not a unit this app can read%(time)s.")
                % {"unit": canonical, "time": _(" as a duration") if kind == ConceptType.SINCE else ""},
            )
            return
        for unit in accepted:
            try:
                engine_units.factor(unit, canonical)
            except engine_units.UnitError:
                self.add_error(
                    "accepted_units",
                    _("%(unit)s cannot be converted to %(canonical)s (unknown unit or another dimension).")
                    % {"unit": unit, "canonical": canonical},
                )
                return

    def _clean_against_criteria(self, data: dict) -> None:
        """An edit must not make any existing criterion on this concept invalid."""
        used = Criterion.objects.filter(concept=self.instance, node_type=Criterion.NodeType.LEAF)
        if not used.exists():
            return
        if data.get("type") != self.instance.type:
            self.add_error("type", _("Criteria use this concept; its type cannot change."))
            return
        candidate = Concept(
            **{
                f.name: data.get(f.name, getattr(self.instance, f.name))
                for f in Concept._meta.concrete_fields
                if f.name != "id"
            }
        )
        ctx = Concept.objects.vocabulary()
        for criterion in used.select_related("trial"):
            errors = check_leaf(
                criterion.to_node(), candidate.to_spec(), ctx.drug_codes, frozenset(ctx.classes)
            )
            if errors:
                reason = "; ".join(errors.values())
                self.add_error(
                    None,
                    _("This change would break criterion #%(id)s of %(trial)s: %(reason)s")
                    % {"id": criterion.pk, "trial": criterion.trial.trial_id, "reason": reason},
                )


class PreviewForm(forms.Form):
    answers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "class": "vLargeTextField"}),
        help_text=_('The same JSON as the screening API\'s "answers", e.g. {"age": 34, "sex": "female"}.'),
    )
    as_of = forms.DateField(required=False, help_text=_("Screening date (YYYY-MM-DD); today when empty."))

    def __init__(self, *args, ctx: VocabularyContext, **kwargs):
        super().__init__(*args, **kwargs)
        self.ctx = ctx
        self.validated = None

    def clean(self):
        data = super().clean()
        raw = data.get("answers")
        if raw is None:
            return data
        try:
            answers = json.loads(raw)
        except ValueError as error:
            self.add_error("answers", _("Not valid JSON: %(error)s") % {"error": error})
            return data
        as_of: date = data.get("as_of") or timezone.localdate()
        validated = self.ctx.validator().validate(answers, as_of)
        if not validated.ok:
            self.add_error("answers", [f"{code}: {message}" for code, message in validated.errors.items()])
            return data
        self.validated = validated
        return data


class SiteForm(forms.ModelForm):
    """A site as curated. Coordinates a curator types are theirs and are kept (a registry
    refresh does not overwrite them); otherwise the site is located from its city and country
    whenever those change, and stays flagged when the gazetteer cannot find the town."""

    class Meta:
        model = Site
        fields = [
            "facility", "city", "country", "contact_name", "contact_email", "contact_phone", "position",
            "latitude", "longitude",
        ]  # fmt: skip
        help_texts = {
            "latitude": _("Decimal degrees, e.g. 48.1147 (leave both empty to locate from the city)."),
            "longitude": _("Decimal degrees, e.g. -1.6794 (west is negative)."),
        }

    def clean(self):
        data = super().clean()
        if self.has_error("latitude") or self.has_error("longitude"):
            return data
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
            return data
        site, changed = self.instance, set(self.changed_data)
        by_curator = site.location_source == Site.Location.CURATOR
        if latitude is not None and changed & {"latitude", "longitude"}:
            site.location_source = Site.Location.CURATOR
        elif latitude is None or changed & {"city", "country"} or not by_curator:
            site.location_source = Site.Location.NONE
            site.city, site.country = data.get("city", ""), data.get("country", "")
            site.locate()
            data["latitude"], data["longitude"] = site.latitude, site.longitude
        return data
