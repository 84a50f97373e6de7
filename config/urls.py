from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api_urls")),
]

# The pages, under /en/ and /fr/ ("/" redirects to the browser's language).
urlpatterns += i18n_patterns(path("", include("screening.urls")))
