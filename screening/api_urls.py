from django.urls import path

from screening import api

app_name = "api"
urlpatterns = [
    path("screen", api.screen_view, name="screen"),
    path("screen/fhir", api.screen_fhir_view, name="screen_fhir"),
    path("concepts", api.concepts_view, name="concepts"),
    path("trials", api.trials_view, name="trials"),
    path("trials/<str:trial_id>", api.trial_view, name="trial"),
    path("openapi.json", api.openapi_view, name="openapi"),
]
