from django.urls import path

from journey import converters, views  # noqa: F401  (converters registers "token")

app_name = "journey"
urlpatterns = [
    path("patient/", views.start, name="start"),
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
