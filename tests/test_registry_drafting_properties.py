"""Whatever text a registry holds, drafting neither fails nor proposes a criterion the rules
engine would reject."""

from hypothesis import given, settings
from hypothesis import strategies as st

from trials.registry.drafting import draft_eligibility, seed_vocabulary

WORDS = st.sampled_from(
    [
        "inclusion",
        "exclusion",
        "criteria:",
        "critères",
        "d'inclusion",
        "-",
        "•",
        "*",
        "1-",
        "a)",
        "age",
        "18",
        "to",
        "65",
        "years",
        "EDSS",
        "3.0",
        "6.5",
        "≥",
        "≤",
        "<",
        ">",
        "more",
        "or",
        "egal",
        "inferior",
        "platelets",
        "150",
        "000",
        "/mm3",
        "G/L",
        "109/L",
        "x",
        "normal",
        "mL/min/1.73m2",
        "months",
        "days",
        "within",
        "the",
        "last",
        "rituximab",
        "interferon",
        "corticosteroids",
        "pregnant",
        "breastfeeding",
        "contraception",
        "consent",
        "legal",
        "protection",
        "RRMS",
        "PPMS",
        "relapse",
        "GEL",
        "MRI",
        "hepatitis",
        "HIV",
        "cancer",
        "\n",
        "\n\n",
        "(",
        ")",
        ";",
        ",",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=60).map(" ".join) | st.text(max_size=300))
def test_drafting_any_text_gives_only_valid_drafts(text):
    vocabulary = seed_vocabulary()
    draft = draft_eligibility(text)
    for item in draft.items:
        assert item.kind in ("inclusion", "exclusion")
        for criterion in item.criteria:
            for concept in criterion.concepts:
                assert vocabulary.check(concept, criterion) == {}
        if not item.criteria:
            assert item.confirmed_at_visit or item.warnings or item.misfiled
