"""Drafts structured criteria from a registry's free eligibility text, for a curator to review.

Plain Python (no Django). `markup` removes the registry's escapes and tags; `splitting` cuts
the text into sections and items (nested lists kept with their parent); `text` normalises an
item (comparatives as symbols, numbers as digits) while remembering the source positions;
`rules/` holds one module per family of rules (demographics, disease, conditions, events,
reproduction, administrative, labs, medications), each proposing criteria named
`family.rule`; `assembly` checks every proposal with the rules engine's `check_leaf`, drops
what it cannot trust, combines the rest and lists, per item, every part no rule used. What
no rule understands stays as text, and the curator decides. Nothing here publishes anything.
"""

from trials.registry.drafting.assembly import (
    age_items,
    draft_eligibility,
    draft_item,
    draft_record,
    draft_registry_record,
)
from trials.registry.drafting.markup import clean_registry_text
from trials.registry.drafting.model import (
    ALL,
    ANY,
    EXCLUSION,
    INCLUSION,
    NOT,
    Draft,
    DraftCriterion,
    DraftGroup,
    DraftItem,
    DraftVocabulary,
    seed_vocabulary,
)
from trials.registry.drafting.splitting import RawItem, split_items, split_sections
from trials.registry.drafting.text import normalise

__all__ = [
    "ALL",
    "ANY",
    "EXCLUSION",
    "INCLUSION",
    "NOT",
    "Draft",
    "DraftCriterion",
    "DraftGroup",
    "DraftItem",
    "DraftVocabulary",
    "RawItem",
    "age_items",
    "clean_registry_text",
    "draft_eligibility",
    "draft_item",
    "draft_record",
    "draft_registry_record",
    "normalise",
    "seed_vocabulary",
    "split_items",
    "split_sections",
]
