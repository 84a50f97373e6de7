"""Plain-language explanations of each decision: the patient's value and what was required.

Strings are wrapped in `_()` so that Django's makemessages extracts them, but `_` is a
parameter: the engine stays free of Django, and callers pass `gettext` for the active
language (the identity gives English).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from engine.plan import Answers, CompiledLeaf, NodeResult
from engine.types import ConceptSpec, ConceptType, GroupOp, Medication, Status

Translate = Callable[[str], str]


def identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class Vocabulary:
    """Labels in one language, for rendering explanations and questions."""

    labels: Mapping[str, str] = field(default_factory=dict)
    choice_labels: Mapping[tuple[str, str], str] = field(default_factory=dict)
    drug_labels: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[str, str] = field(default_factory=dict)

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def choice(self, concept: str, value: str) -> str:
        return self.choice_labels.get((concept, value), value)

    def drug(self, code: str) -> str:
        return self.drug_labels.get(code, code.replace("_", " "))

    def question(self, code: str) -> str:
        return self.questions.get(code, self.label(code))


_UNIT_DISPLAY = {"10^9/L": "×10⁹/L", "10^6/L": "×10⁶/L", "10^3/uL": "×10³/µL", "x ULN": "× ULN"}


def unit_display(unit: str) -> str:
    return _UNIT_DISPLAY.get(unit, unit)


def number(value: float, step: float | None = None) -> str:
    if step and step < 1:
        decimals = len(f"{step:g}".split(".")[1])
        return f"{value:.{decimals}f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def quantity(value: float, concept: ConceptSpec) -> str:
    text = number(value, concept.step)
    unit = concept.canonical_unit
    if concept.type == ConceptType.QUANTITY and unit:
        return f"{text} {unit_display(unit)}"
    if unit in ("%",):
        return f"{text} %"
    return text


def duration(value: float, unit: str, _: Translate) -> str:
    n = number(round(value, 1))
    singular = value == 1
    forms = {
        "days": (_("1 day"), _("%(n)s days")),
        "months": (_("1 month"), _("%(n)s months")),
        "years": (_("1 year"), _("%(n)s years")),
    }
    one, many = forms.get(unit, ("1 " + unit, "%(n)s " + unit))
    return one if singular else many % {"n": n}


@dataclass(frozen=True)
class Explainer:
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    _: Translate = identity
    display: Mapping[str, str] = field(default_factory=dict)

    def node(self, result: NodeResult, answers: Answers, positive: bool = True) -> str:
        """`positive` is False under an exclusion (or a NOT): there, MET is what excludes."""
        node = result.node
        if node.is_leaf:
            return self.leaf(node, result.status, answers, positive)
        _ = self._
        op = node.op  # type: ignore[attr-defined]
        if op == GroupOp.NOT:
            return self.node(result.children[0], answers, not positive)
        if result.status == Status.UNKNOWN:
            parts = [self.node(c, answers, positive) for c in result.children if c.status == Status.UNKNOWN]
            return "; ".join(parts)
        wanted = result.status
        deciding = [c for c in result.children if c.status == wanted]
        if op == GroupOp.OR and wanted == Status.NOT_MET:
            parts = [self.node(c, answers, positive) for c in deciding]
            return _("none of these applies: %(reasons)s") % {"reasons": " / ".join(parts)}
        if op == GroupOp.OR and positive:
            # One alternative met is enough to satisfy the criterion; naming one says why.
            deciding = deciding[:1]
        # Otherwise every deciding child is a reason the criterion stands in the way (an
        # exclusion's OR that applies through two low counts): each is named, none hidden.
        return "; ".join(self.node(c, answers, positive) for c in deciding)

    def value(self, concept: ConceptSpec, raw: object) -> str:
        if concept.code in self.display:
            return self.display[concept.code]
        if concept.type == ConceptType.CHOICE:
            return self.vocabulary.choice(concept.code, str(raw))
        if concept.type == ConceptType.SINCE:
            return self.since(float(raw), concept.canonical_unit)
        if concept.type == ConceptType.BOOLEAN:
            return self._("yes") if raw else self._("no")
        return quantity(float(raw), concept)

    def since(self, value: float, unit: str) -> str:
        if value == float("inf"):
            return self._("never")
        return self._("%(duration)s ago") % {"duration": duration(value, unit, self._)}

    def leaf(self, node: CompiledLeaf, status: Status, answers: Answers, positive: bool) -> str:
        _ = self._
        concept = node.concept
        assert concept is not None
        label = self.vocabulary.label(concept.code)
        raw = answers.get(concept.code)
        if raw is None:
            return _("%(label)s: not known") % {"label": label}
        if concept.type == ConceptType.LIST:
            return self.medications(node, status, raw)  # type: ignore[arg-type]
        value = self.value(concept, raw)
        params = {"label": label, "value": value}
        if concept.type == ConceptType.BOOLEAN:
            return _("%(label)s: %(value)s") % params
        if concept.type == ConceptType.CHOICE:
            expected = _(" or ").join(self.vocabulary.choice(concept.code, v) for v in node.values)
            params["expected"] = expected
            failing = status == Status.NOT_MET if positive else status == Status.MET
            if node.operator == "in" and status == Status.NOT_MET:
                if failing:
                    return _("%(label)s: %(value)s, but the trial requires %(expected)s") % params
                return _("%(label)s: %(value)s, not %(expected)s") % params
            return _("%(label)s: %(value)s") % params
        if concept.type == ConceptType.SINCE:
            params["limit"] = self.limit(node, concept.canonical_unit)
            if node.operator in ("ever", "never"):
                return _("%(label)s: %(value)s") % params
            inside = (
                float(raw) <= node.thresholds[0]
                if node.operator != "within_strict"
                else float(raw) < node.thresholds[0]
            )
            if inside:
                return _("%(label)s: %(value)s, within the last %(limit)s") % params
            return _("%(label)s: %(value)s, not within the last %(limit)s") % params
        return self.comparison(node, status, float(raw), params, positive)

    def limit(self, node: CompiledLeaf, canonical_unit: str) -> str:
        """A duration threshold as the registry wrote it ("3 months", not "91.3 days")."""
        if not node.thresholds:
            return ""
        if node.unit in ("days", "months", "years"):
            return duration(float(node.values[0]), node.unit, self._)
        return duration(node.thresholds[0], canonical_unit, self._)

    def comparison(self, node: CompiledLeaf, status: Status, raw: float, params: dict, positive: bool) -> str:
        _ = self._
        concept = node.concept
        assert concept is not None
        t = [quantity(v, concept) for v in node.thresholds]
        op = node.operator  # type: ignore[attr-defined]
        required = positive and status == Status.NOT_MET
        if op == "between":
            params.update(low=t[0].split(" ")[0], high=t[1])
            if status == Status.MET:
                return _("%(label)s %(value)s is within the range %(low)s–%(high)s") % params
            below = raw < node.thresholds[0]
            if required:
                if below:
                    return _("%(label)s %(value)s is below the required range %(low)s–%(high)s") % params
                return _("%(label)s %(value)s is above the required range %(low)s–%(high)s") % params
            if below:
                return _("%(label)s %(value)s is below the range %(low)s–%(high)s") % params
            return _("%(label)s %(value)s is above the range %(low)s–%(high)s") % params
        params["limit"] = t[0]
        # What the patient's value actually is relative to the threshold, stated positively.
        if raw < node.thresholds[0]:
            relation = _("%(label)s %(value)s is below %(limit)s")
        elif raw > node.thresholds[0]:
            relation = _("%(label)s %(value)s is above %(limit)s")
        else:
            relation = _("%(label)s %(value)s is equal to %(limit)s")
        text = relation % params
        if required:
            wanted = {
                "eq": _("required: %(limit)s"),
                "lt": _("required: below %(limit)s"),
                "lte": _("required: at most %(limit)s"),
                "gt": _("required: above %(limit)s"),
                "gte": _("required: at least %(limit)s"),
            }[op] % params
            text = f"{text} ({wanted})"
        return text

    def medications(self, node: CompiledLeaf, status: Status, meds: tuple[Medication, ...]) -> str:
        _ = self._
        names = _(" or ").join(self.vocabulary.drug(d) for d in node.drugs)
        params = {"drugs": names}
        if node.operator == "ever_taken":
            if status == Status.MET:
                return _("has taken %(drugs)s") % params
            return _("has never taken %(drugs)s") % params
        if node.operator == "taken_within":
            params["limit"] = self.limit(node, "days")
            if status == Status.MET:
                taken = min(
                    (
                        m
                        for m in meds
                        if m.days_since_last_dose is not None and m.days_since_last_dose <= node.thresholds[0]
                    ),
                    key=lambda m: m.days_since_last_dose,  # type: ignore[arg-type,return-value]
                )
                params.update(
                    drug=self.vocabulary.drug(taken.drug),
                    ago=duration(taken.days_since_last_dose or 0, "days", _),
                )
                return _("%(drug)s last taken %(ago)s ago, within %(limit)s") % params
            if status == Status.UNKNOWN:
                return _("%(drugs)s: date of the last dose not known") % params
            return _("no %(drugs)s in the last %(limit)s") % params
        params["limit"] = self.limit(node, "months")
        if node.operator == "treated_for_at_least":
            if status == Status.MET:
                return _("treated with %(drugs)s for at least %(limit)s") % params
            if status == Status.UNKNOWN:
                return _("%(drugs)s: treatment duration not known") % params
            return _("not treated with %(drugs)s for %(limit)s or more") % params
        if status == Status.MET:
            return _("on %(drugs)s for at least %(limit)s") % params
        if status == Status.UNKNOWN:
            return _("%(drugs)s: last dose or treatment duration not known") % params
        return _("not currently on %(drugs)s for at least %(limit)s") % params
