from django.urls import path

from impact import views

app_name = "impact"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:trial_id>/", views.trial_impact, name="trial"),
    path("<str:trial_id>/refresh/", views.refresh, name="refresh"),
]
