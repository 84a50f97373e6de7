"""The five seed trials, curated by hand from the records in `records/`, and the concept
vocabulary of shared/spec/concepts.md."""

from trials.seed_data import ascppms, cladaction, mesems, msc_les, msil2

SEED_TRIALS = [t.TRIAL for t in (cladaction, mesems, msil2, ascppms, msc_les)]
