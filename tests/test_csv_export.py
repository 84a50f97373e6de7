"""Every CSV export (config/csv_export.py): a UTF-8 byte order mark, and no cell a spreadsheet
would run as a formula — whatever starts it: =, +, -, @, a tab or a carriage return."""

import csv
import io

import pytest
from django.urls import reverse

from clinic import services
from config.csv_export import csv_response, safe_cell
from tests.clinic_base import ClinicBase


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-2+3", "'-2+3"),
        ("- a dash and a space", "'- a dash and a space"),
        ("-", "'-"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        (-5, "'-5"),
        ("P-0001 (AB)", "P-0001 (AB)"),
        ("a = b", "a = b"),
        ("", ""),
        (None, ""),
        (3, "3"),
        ("Sclérose — progressive", "Sclérose — progressive"),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_shown_as_text(value, cell):
    assert safe_cell(value) == cell


def test_the_file_starts_with_a_byte_order_mark_and_escapes_the_header_too():
    response = csv_response("log 1/2.csv", ["=header", "ok"], [["—", "@x"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="log_1_2.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["'=header", "ok"], ["—", "'@x"]]


class TestTheScreeningLogCsv(ClinicBase):
    @pytest.mark.parametrize("identifier", ["-1+1", "@cmd", "+A1", "\t=1"])
    def test_a_pseudonym_shaped_like_a_formula_is_exported_as_text(self, client, identifier):
        patient = services.patient_create(
            by=self.clinician, team=self.team, local_identifier=identifier, initials="ZZ"
        )
        self.save_screening(patient=patient)
        self.as_user(client, self.coordinator)
        response = client.get(reverse("clinic:trial_log_csv", args=["NCT02403947"]))
        header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        assert [row[header.index("Patient")] for row in rows] == [f"'{identifier} (ZZ)"]
