from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api_urls")),
    path("clinic/", include("clinic.urls")),
    path("impact/", include("impact.urls")),
]
