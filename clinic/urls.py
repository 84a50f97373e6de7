from django.contrib.auth import views as auth_views
from django.urls import path

from clinic import views

app_name = "clinic"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="clinic/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:pk>/", views.patient_detail, name="patient"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/seen/", views.patient_mark_seen, name="patient_mark_seen"),
    path("patients/<int:pk>/erase/", views.patient_erase, name="patient_erase"),
    path("patients/<int:pk>/screen/", views.screening_new, name="screening_new"),
    path("patients/<int:pk>/import/", views.fhir_import, name="fhir_import"),
    path("patients/<int:pk>/diff/", views.screening_diff, name="screening_diff"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening"),
    path("screenings/<int:pk>/report/", views.screening_report_page, name="report"),
    path("screenings/<int:pk>/report.pdf", views.screening_report_pdf, name="report_pdf"),
    path("trials/<str:trial_id>/log/", views.trial_log, name="trial_log"),
    path("trials/<str:trial_id>/log.csv", views.trial_log_csv, name="trial_log_csv"),
    path("results/<int:pk>/referral/", views.result_referral, name="referral"),
]
