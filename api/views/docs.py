"""The OpenAPI schema and its documentation page, served from this site only.

Both are public: they describe the API, never its data. The page is Swagger UI from
the drf-spectacular-sidecar package (no CDN); its start script is a separate file
(SpectacularSwaggerSplitView), so the site's Content-Security-Policy needs no change.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = []
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    title = "Documentation de l'API CTG"
    url_name = "api:schema"
