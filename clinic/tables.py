"""The screening log and the dashboard's patient list as django-tables2 tables.

One Table class draws the page and writes the CSV (`as_values`): the export is the rows and
columns the page shows, with labels in the reader's language and, in columns of their own
next to them, the codes a spreadsheet or a script filters on.
"""

from __future__ import annotations

from collections.abc import Iterator

import django_tables2 as tables
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from engine.explain import Vocabulary

# Narrow screens stack each row into a card; each cell then says what it is.
TABLE_TEMPLATE = "clinic/workspace_table.html"


def _column(label, css: str = "", **kwargs) -> dict:
    td = {"data-label": label}
    if css:
        td["class"] = css
    return {"verbose_name": label, "attrs": {"td": td}, **kwargs}


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


class LogTable(tables.Table):
    """One row per patient (ScreeningResult.objects.latest_per_patient)."""

    screened = tables.Column(**_column(_("Screened"), "screened", accessor="screening__screened_at"))
    patient = tables.Column(
        **_column(
            _("Patient"),
            "patient",
            accessor="screening__patient__local_identifier",
            order_by=("screening__patient__local_identifier", "screening__patient__initials"),
        )
    )
    team = tables.Column(**_column(_("Team"), accessor="screening__patient__team__name"))
    verdict = tables.Column(**_column(_("Verdict"), "verdict", accessor="verdict"))
    verdict_code = tables.Column(verbose_name=_("Verdict (code)"), accessor="verdict", visible=False)
    failing = tables.Column(
        **_column(_("Failing criteria"), "failing", accessor="failed", orderable=False, default="")
    )
    missing = tables.Column(
        **_column(
            _("Missing information"), "missing", accessor="missing_concepts", orderable=False, default=""
        )
    )
    missing_codes = tables.Column(
        verbose_name=_("Missing information (codes)"), accessor="missing_concepts", visible=False, default=""
    )
    version = tables.Column(**_column(_("Criteria version"), accessor="criteria_version"))
    referral = tables.TemplateColumn(
        template_name="clinic/trial_log.html#referral",
        **_column(_("Referral status"), accessor="referral_status"),
    )
    referral_code = tables.Column(
        verbose_name=_("Referral status (code)"), accessor="referral_status", visible=False
    )
    screened_by = tables.Column(**_column(_("Screened by"), accessor="screening__created_by__username"))
    trial = tables.Column(verbose_name=_("Trial"), accessor="trial__trial_id", visible=False)

    class Meta:
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table table-sm align-middle screening-log table-stack"}
        row_attrs = {"class": lambda record: f"verdict-{record.verdict}"}
        order_by = ("-screened",)
        empty_text = _("No screened patient matches these filters.")
        sequence = (
            "screened",
            "patient",
            "team",
            "trial",
            "verdict",
            "verdict_code",
            "failing",
            "missing",
            "missing_codes",
            "version",
            "referral",
            "referral_code",
            "screened_by",
        )

    def __init__(self, *args, vocabulary: Vocabulary, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary

    def render_screened(self, value, record) -> str:
        url = reverse("clinic:screening", args=[record.screening_id])
        return format_html('<a href="{}">{}</a>', url, _date(value))

    def value_screened(self, value) -> str:
        return _iso(value)

    def render_patient(self, record) -> str:
        patient = record.screening.patient
        url = reverse("clinic:patient", args=[patient.pk]) + "#history"
        return format_html(
            '<a href="{}">{}</a><br><a class="small" href="{}">{}</a>',
            url,
            patient.pseudonym,
            url,
            _("history"),
        )

    def value_patient(self, record) -> str:
        return record.screening.patient.pseudonym

    def render_verdict(self, record) -> str:
        return record.get_verdict_display()

    def render_verdict_code(self, record) -> str:
        return record.verdict

    def render_referral_code(self, record) -> str:
        return record.referral_status

    def render_failing(self, record) -> str:
        return format_html_join(
            "",
            '<div class="small"><q class="registry-text">{}</q></div>',
            ((r["source_text"],) for r in record.failed),
        )

    def value_failing(self, record) -> str:
        return " | ".join(r["source_text"] for r in record.failed)

    def render_missing(self, value) -> str:
        return "; ".join(self.vocabulary.label(code) for code in value)

    def render_missing_codes(self, value) -> str:
        return " ".join(value)

    def value_referral(self, record) -> str:
        return str(record.get_referral_status_display())

    def export_rows(self) -> Iterator[list[str]]:
        """The header and every row (not only the page's), as the CSV writes them."""
        yield from self.as_values()


class PatientTable(tables.Table):
    """The clinician's patients, over PatientQuerySet.with_latest_screening()
    .with_match_counts().with_new_matches()."""

    patient = tables.Column(
        **_column(_("Patient"), accessor="local_identifier", order_by=("local_identifier",))
    )
    team = tables.Column(**_column(_("Team"), accessor="team__name"))
    year_of_birth = tables.Column(**_column(_("Year of birth"), accessor="year_of_birth", default="—"))
    sex = tables.Column(**_column(_("Sex"), accessor="sex", default="—"))
    last_screened = tables.Column(**_column(_("Last screened"), accessor="last_screened", default="—"))
    best = tables.Column(
        **_column(
            _("Latest results"),
            accessor="eligible_trials",
            order_by=("-eligible_trials", "-needs_info_trials"),
        )
    )
    new_matches = tables.Column(**_column(_("New matches"), accessor="new_matches"))

    class Meta:
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table table-sm align-middle patient-list table-stack"}
        order_by = ("patient",)
        empty_text = _("No patient matches.")

    def render_patient(self, record) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("clinic:patient", args=[record.pk]), record.pseudonym
        )

    def render_sex(self, record) -> str:
        return record.get_sex_display()

    def render_last_screened(self, value) -> str:
        return _date(value)

    def render_best(self, record) -> str:
        if record.latest_screening_id is None:
            return _("not screened")
        if record.eligible_trials:
            n = record.eligible_trials
            return ngettext("eligible for %(n)s trial", "eligible for %(n)s trials", n) % {"n": n}
        if record.needs_info_trials:
            n = record.needs_info_trials
            return ngettext(
                "information needed for %(n)s trial", "information needed for %(n)s trials", n
            ) % {"n": n}
        return _("ineligible for every trial")

    def render_new_matches(self, value) -> str:
        if not value:
            return ""
        text = ngettext("%(n)s new", "%(n)s new", value) % {"n": value}
        return format_html('<span class="badge bg-success new-badge">{}</span>', text)
