"""The patient's answers as the questionnaire reads and writes them: kept in the
PatientScreening behind the link's token, with the journey's own pages linked beside the
questionnaire (keep the link, be told about new trials, delete) and beside each trial the
patient might join (ask its study team to contact them, unless it no longer recruits or was
already asked)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from journey import services
from journey.models import PatientScreening
from screening.answers import AnswerStore
from screening.results import TrialResult
from trials.models import Recruitment


class PatientAnswerStore(AnswerStore):
    namespace = "journey"
    mode = "patient"

    def __init__(self, screening: PatientScreening, token: str):
        self.screening, self.token = screening, token

    def load(self) -> dict[str, object]:
        return dict(self.screening.answers)

    def save(self, changes: dict[str, object]) -> dict[str, object]:
        return services.patient_screening_save_answers(screening=self.screening, changes=changes)

    def clear(self) -> None:
        services.patient_screening_clear(screening=self.screening)

    def load_place(self) -> dict | None:
        return self.screening.place

    def save_place(self, place: dict | None) -> None:
        services.patient_screening_save_place(screening=self.screening, place=place)

    def url_kwargs(self) -> dict[str, str]:
        return {"token": self.token}

    def page_links(self) -> list[tuple[str, str]]:
        return [
            (gettext("Keep this link to come back later"), reverse("journey:keep", args=[self.token])),
            (gettext("Tell me about new trials"), reverse("journey:notify", args=[self.token])),
            (gettext("Delete my answers"), reverse("journey:delete", args=[self.token])),
        ]

    def trial_link(self, result: TrialResult) -> tuple[str, str] | None:
        trial_id = result.info.trial_id
        if (
            result.verdict == "ineligible"
            or result.info.recruitment == Recruitment.CLOSED
            or self.screening.contacted_on(trial_id)
        ):
            return None
        url = reverse("journey:contact", kwargs={"token": self.token, "trial_id": trial_id})
        return gettext("Ask the study team to contact me"), url

    def trial_note(self, result: TrialResult) -> str:
        sent_on = self.screening.contacted_on(result.info.trial_id)
        if sent_on is None:
            return ""
        return gettext("Request sent on %(day)s") % {"day": date_format(sent_on, "DATE_FORMAT")}
