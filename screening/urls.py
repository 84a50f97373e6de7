from django.urls import path, register_converter

from screening import views


class ModeConverter:
    # Only the clinician questionnaire lives here: a patient's screening is served by the
    # patient journey under its own link, through the same views.
    regex = "clinician"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ModeConverter, "mode")

app_name = "screening"
urlpatterns = [
    path("", views.start, name="start"),
    path("<mode:mode>/", views.questionnaire, name="questionnaire"),
    path("<mode:mode>/answer/<slug:code>", views.answer, name="answer"),
    path("<mode:mode>/reset", views.reset, name="reset"),
    path("<mode:mode>/trials/<str:trial_id>/", views.trial_detail, name="trial"),
    path("<mode:mode>/place", views.place, name="place"),
    path("towns", views.towns, name="towns"),
]
