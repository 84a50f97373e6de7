"""Registry import: ClinicalTrials.gov API v2 JSON and WHO ICTRP XML into trials, and drafting
of structured criteria from the registry's free text. The parsers and the drafter are plain
Python; `services` owns the database writes and `trials.tasks` the Celery side."""
