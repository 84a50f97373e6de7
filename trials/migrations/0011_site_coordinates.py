"""Sites get coordinates, for "trials near me": existing sites are located from their city and
country with the offline gazetteer (trials/gazetteer.py); those it cannot find stay unlocated,
flagged in the admin for a curator."""

import django.core.validators
from django.db import migrations, models

from trials import gazetteer


def locate_sites(apps, schema_editor):
    Site = apps.get_model("trials", "Site")
    sites = list(Site.objects.exclude(city="").exclude(country=""))
    if not sites:
        return  # a new database: no need to open (or build) the gazetteer
    towns = gazetteer.default()
    for site in sites:
        try:
            place = towns.locate(site.city, site.country)
        except gazetteer.UnknownCountry:
            place = None
        if place is not None:
            site.latitude, site.longitude, site.location_source = place.latitude, place.longitude, "gazetteer"
            site.save(update_fields=["latitude", "longitude", "location_source"])


class Migration(migrations.Migration):

    dependencies = [
        ('trials', '0010_since_concepts_bounded'),
    ]

    operations = [
        migrations.AddField(
            model_name='site',
            name='latitude',
            field=models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)], verbose_name='latitude'),
        ),
        migrations.AddField(
            model_name='site',
            name='location_source',
            field=models.CharField(blank=True, choices=[('', 'Not located'), ('gazetteer', 'From its city and country'), ('curator', 'Set by a curator')], default='', max_length=16, verbose_name='location'),
        ),
        migrations.AddField(
            model_name='site',
            name='longitude',
            field=models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)], verbose_name='longitude'),
        ),
        # Read with the coordinates to tell when a process's cached list of sites is stale.
        migrations.AddField(
            model_name='site',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunPython(locate_sites, migrations.RunPython.noop),
    ]
