"""The rules engine: plain Python, no Django, so it can be tested and benchmarked alone.

Data flow: validation.Validator turns raw answers into canonical values; plan.compile_plan
turns criterion trees into closures once; plan.evaluate gives every trial's verdict;
explain.Explainer words each decision for people.
"""

from engine.explain import Explainer, Vocabulary
from engine.operators import OPERATORS, CriterionError, check_leaf, operators_for
from engine.plan import (
    CompiledCriterion,
    CompiledTrial,
    NodeResult,
    Plan,
    TrialOutcome,
    compile_plan,
    detail,
    evaluate,
    evaluate_trial,
    missing_concepts,
    patch_plan,
    visit_texts,
)
from engine.types import (
    NEVER,
    ConceptSpec,
    ConceptType,
    Criterion,
    Group,
    GroupOp,
    Kind,
    Leaf,
    Medication,
    Status,
    TrialSpec,
    Verdict,
    VisitCheck,
)
from engine.validation import ValidatedAnswers, Validator

__all__ = [
    "NEVER",
    "OPERATORS",
    "CompiledCriterion",
    "CompiledTrial",
    "ConceptSpec",
    "ConceptType",
    "Criterion",
    "CriterionError",
    "Explainer",
    "Group",
    "GroupOp",
    "Kind",
    "Leaf",
    "Medication",
    "NodeResult",
    "Plan",
    "Status",
    "TrialOutcome",
    "TrialSpec",
    "ValidatedAnswers",
    "Validator",
    "Verdict",
    "VisitCheck",
    "Vocabulary",
    "check_leaf",
    "compile_plan",
    "detail",
    "evaluate",
    "evaluate_trial",
    "missing_concepts",
    "operators_for",
    "patch_plan",
    "visit_texts",
]
