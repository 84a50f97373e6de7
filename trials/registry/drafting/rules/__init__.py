"""The drafting rules, one module per family. Each rule reads an `ItemContext` and proposes
criteria named `family.rule`; the order matters where a rule claims a concept first (an
immunosuppressive treatment "for another autoimmune disease" is not a washout)."""

from trials.registry.drafting.rules import (
    administrative,
    conditions,
    demographics,
    disease,
    events,
    labs,
    medications,
    reproduction,
)

# Labs run before organ failures: "renal failure: creatinine clearance < 30" is one threshold.
TEXT_RULES = (
    *demographics.RULES,
    *disease.RULES,
    *labs.RULES,
    *conditions.RULES,
    *events.RULES,
    *reproduction.RULES,
    *administrative.RULES,
)
medication_rule = medications.medications
visit_rule = administrative.visit
