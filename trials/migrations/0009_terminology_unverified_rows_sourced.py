"""The seed's code rows that waited for a source (`"unverified"`) now name the file that gives
their display; two RxNorm codes no file could confirm leave the table. `load_seed_trials` only
adds missing rows, so databases seeded before this change are fixed here. A row a curator has
given another source is left alone."""

from django.db import migrations

SOURCED = {
    ("loinc", "24467-3"): "ethiopia-hiv",
    ("loinc", "8806-2"): "ecqm-vsac",
    ("snomed", "426373005"): "opensafely-primis",
    ("snomed", "425500002"): "opensafely-primis",
    ("snomed", "428700003"): "opensafely-primis",
    ("snomed", "55464009"): "ohdsi-phenotypes",
    ("rxnorm", "354770"): "ohdsi-studies",
    ("rxnorm", "1876366"): "ohdsi-studies",
    ("rxnorm", "1012892"): "ohdsi-studies",
    ("rxnorm", "44157"): "ohdsi-studies",
    ("rxnorm", "7005"): "ohdsi-phenotypes",
    ("atc", "L04AA36"): "who-atc-2021",
}
UNCONFIRMED = [("rxnorm", "1373478"), ("rxnorm", "214582")]  # dimethyl fumarate, glatiramer acetate


def source_the_waiting_rows(apps, schema_editor):
    TerminologyCode = apps.get_model("trials", "TerminologyCode")
    for (system, code), source in SOURCED.items():
        TerminologyCode.objects.filter(system=system, code=code, source="unverified").update(source=source)
    for system, code in UNCONFIRMED:
        TerminologyCode.objects.filter(system=system, code=code, source="unverified").delete()


class Migration(migrations.Migration):
    dependencies = [("trials", "0008_curators_terminology_permissions")]

    operations = [migrations.RunPython(source_the_waiting_rows, migrations.RunPython.noop)]
