"""Content negotiation: the API answers JSON only, and says so (406) when asked for
another format by `?format=`, rather than DRF's 404 (an existing address said missing)."""

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JsonOnlyNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404 as error:
            raise NotAcceptable from error
