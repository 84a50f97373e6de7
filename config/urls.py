from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api_urls")),
    path("clinic/", include("clinic.urls")),
    path("healthz", health.healthz, name="healthz"),
    # The staff pages' language switch (Django's set_language: a cookie, then back to the page).
    path("i18n/", include("django.conf.urls.i18n")),
    path("impact/", include("impact.urls")),
]

handler500 = "config.middleware.server_error_or_unavailable"

# The public pages, under /en/ and /fr/ ("/" redirects to the browser's language). The staff
# pages (/clinic/, /impact/) keep one address each: LocaleMiddleware speaks the language chosen
# with the switch (a cookie), else the browser's (Accept-Language).
urlpatterns += i18n_patterns(path("", include("screening.urls")))
urlpatterns += i18n_patterns(path("", include("journey.urls")))
