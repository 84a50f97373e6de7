from django.urls import include, path

from journey import converters, views  # noqa: F401  (converters registers "token")
from journey.views import patient_screening_required as patient
from screening import views as screening

# A patient's screening is an interview at the link itself (journey.views.interview), with the
# questionnaire's own views under the link's token: the whole form ("see all questions") under
# `all/`, with the patient's answers store put on the request by patient_screening_required.
PATIENT = {"mode": "patient"}

# The whole questionnaire, as a clinician has it, and the pages it links to; each comes back to
# the whole form (namespace "journey:all", see journey.answers.PatientAnswerStore).
full_form = [
    path("", patient(screening.questionnaire), PATIENT, name="questionnaire"),
    path("answer/<slug:code>", patient(screening.answer), PATIENT, name="answer"),
    path("reset", patient(screening.reset), PATIENT, name="reset"),
    path("trials/<str:trial_id>/", patient(screening.trial_detail), PATIENT, name="trial"),
    path("place", patient(screening.place), PATIENT, name="place"),
]

app_name = "journey"
urlpatterns = [
    path("patient/", views.start, name="start"),
    path("patient/<token:token>/", views.interview, name="questionnaire"),
    path("patient/<token:token>/ask/<slug:code>", views.interview_answer, name="ask"),
    path("patient/<token:token>/results/", views.interview_results, name="results"),
    path("patient/<token:token>/all/", include((full_form, "all"))),
    path("patient/<token:token>/answer/<slug:code>", patient(screening.answer), PATIENT, name="answer"),
    path("patient/<token:token>/reset", patient(screening.reset), PATIENT, name="reset"),
    path(
        "patient/<token:token>/trials/<str:trial_id>/", patient(screening.trial_detail), PATIENT, name="trial"
    ),
    path("patient/<token:token>/place", patient(screening.place), PATIENT, name="place"),
    path("patient/<token:token>/keep/", views.keep, name="keep"),
    path("patient/<token:token>/delete/", views.delete, name="delete"),
    path("patient/<token:token>/notify/", views.notify, name="notify"),
    path("patient/<token:token>/trials/<str:trial_id>/contact/", views.contact, name="contact"),
    path(
        "patient/<token:token>/trials/<str:trial_id>/contact/sent/", views.contact_sent, name="contact_sent"
    ),
    path("deleted/", views.deleted, name="deleted"),
    path("notify/confirm/<str:signed>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:signed>/", views.unsubscribe, name="unsubscribe"),
    path("privacy/", views.privacy, name="privacy"),
]
