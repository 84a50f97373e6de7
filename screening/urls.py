from django.urls import path, register_converter

from journey import converters  # noqa: F401  (registers the "token" converter)
from journey.views import patient_screening_required
from screening import views


class ModeConverter:
    # A patient's screening lives under its own link (patient/<token>/, below).
    regex = "clinician"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ModeConverter, "mode")

patient = patient_screening_required
PATIENT = {"mode": "patient"}

app_name = "screening"
urlpatterns = [
    path("", views.start, name="start"),
    path("<mode:mode>/", views.questionnaire, name="questionnaire"),
    path("<mode:mode>/answer/<slug:code>", views.answer, name="answer"),
    path("<mode:mode>/reset", views.reset, name="reset"),
    path("<mode:mode>/trials/<str:trial_id>/", views.trial_detail, name="trial"),
    # The same pages for a patient, reversed with mode="patient" and the link's token.
    path("patient/<token:token>/", patient(views.questionnaire), PATIENT, name="questionnaire"),
    path("patient/<token:token>/answer/<slug:code>", patient(views.answer), PATIENT, name="answer"),
    path("patient/<token:token>/reset", patient(views.reset), PATIENT, name="reset"),
    path("patient/<token:token>/trials/<str:trial_id>/", patient(views.trial_detail), PATIENT, name="trial"),
]
