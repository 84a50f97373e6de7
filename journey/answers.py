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

# The whole questionnaire ("see all questions") is served under the link's `all/`, with its
# own answer, reset, town and trial pages, so that without JavaScript each of them comes back
# to the whole form; the interview is served at the link itself.
FULL_FORM = "journey:all"


class PatientAnswerStore(AnswerStore):
    namespace = "journey"
    mode = "patient"

    def __init__(self, screening: PatientScreening, token: str, namespace: str = "journey"):
        """`namespace`: "journey" for the interview's pages, FULL_FORM for the whole form's."""
        self.screening, self.token, self.namespace = screening, token, namespace

    @property
    def full_form(self) -> bool:
        return self.namespace == FULL_FORM

    def asked(self) -> list[str]:
        """The concepts answered, in the order they were first answered."""
        answers = self.screening.answers
        order = [code for code in self.screening.asked if code in answers]
        return order + [code for code in answers if code not in order]

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
        interview = [(gettext("One question at a time"), reverse("journey:questionnaire", args=[self.token]))]
        return (interview if self.full_form else []) + [
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
