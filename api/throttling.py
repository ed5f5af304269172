"""Calls per token: API_THROTTLE_RATE (e.g. "1000/hour") in the shared cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "jeton"

    def get_rate(self):
        # Read at each request (not at import, as DRF does) so that settings may change it.
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # refused before any work by the authentication
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
