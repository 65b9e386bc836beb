from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import health
from config.views import api_not_found, favicon

api_v1 = [
    path("", include("shop.api.urls")),
    path("", include("recommender.api_urls")),
]

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("shop.account_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The Swagger UI page loads its script from ?script (no inline script, see the CSP). Redoc
    # is gone: its worker needs blob: scripts, and one documentation page is enough.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", RedirectView.as_view(pattern_name="api-docs", permanent=True)),
    path("favicon.ico", favicon),
    re_path(r"^api/(?P<path>.*)$", api_not_found),  # JSON 404, in DEBUG too
    path("recommendations/", include("recommender.urls")),
    path("", include("shop.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
