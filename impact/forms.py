from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.models import Patient, Team
from impact.analysis import NumericLeaf
from impact.services import AGE_BANDS

OPERATOR_WORDS = {
    "eq": "=", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "between": _("between"),
    "within": _("within"), "within_strict": _("less than"), "not_within": _("not within"),
    "taken_within": _("taken within"), "on_treatment_for_at_least": _("on treatment for at least"),
    "treated_for_at_least": _("treated for at least"),
}  # fmt: skip


class FilterForm(forms.Form):
    date_from = forms.DateField(
        required=False,
        label=_("Screened from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        required=False, label=_("to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    team = forms.ModelChoiceField(
        Team.objects.all(), required=False, empty_label=_("All teams"), label=_("Team")
    )
    sex = forms.ChoiceField(
        choices=[("", _("Any sex")), *Patient.Sex.choices], required=False, label=_("Sex")
    )
    age_band = forms.ChoiceField(
        choices=[("", _("Any age")), *((band, band) for band in AGE_BANDS)],
        required=False,
        label=_("Age band"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the date range is before its start."))
        return data


def leaf_field_name(leaf_id: int, position: int) -> str:
    return f"leaf_{leaf_id}_{position}"


class WhatIfForm(forms.Form):
    """Criteria to switch off, and new values for the trial's numeric thresholds."""

    def __init__(
        self, *args, criteria: list[tuple[int, str]], leaves: list[tuple[NumericLeaf, str]], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["off"] = forms.TypedMultipleChoiceField(
            choices=criteria,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Switch off"),
        )
        self.leaves = leaves
        self.leaf_rows = []
        for leaf, label in leaves:
            names = []
            for position, value in enumerate(leaf.values):
                name = leaf_field_name(leaf.id, position)
                # Left empty: the current value (a hand-made link need not repeat every value).
                self.fields[name] = forms.FloatField(
                    initial=value,
                    label=_("%(test)s (value %(n)s)") % {"test": label, "n": position + 1},
                    required=False,
                )
                names.append(name)
            self.leaf_rows.append((leaf, label, names))

    def bound_leaf_rows(self):
        return [(leaf, label, [self[name] for name in names]) for leaf, label, names in self.leaf_rows]

    def changed_values(self) -> dict[int, tuple]:
        changed = {}
        for leaf, _label, names in self.leaf_rows:
            values = tuple(
                old if self.cleaned_data[name] is None else _plain_number(self.cleaned_data[name])
                for name, old in zip(names, leaf.values, strict=True)
            )
            if values != tuple(leaf.values):
                changed[leaf.id] = values
        return changed

    def add_criterion_error(self, node_id: int | None, errors: dict[str, str]) -> None:
        """Puts the engine's message on the threshold that caused it."""
        message = "; ".join(errors.values())
        for leaf, _label, names in self.leaf_rows:
            if leaf.id == node_id:
                self.add_error(names[0], message)
                return
        self.add_error(None, message)


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
