"""`Authorization: Bearer <jeton>`: the personal API tokens of api.models."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from api.models import ApiToken

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Every call carries a personal token; its owner's role and organisation scope it."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization mal formé : attendu « Bearer <jeton> »."
            )
        token = ApiToken.objects.find(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Jeton d'API inconnu.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                f"Ce jeton d'API a été révoqué le {timezone.localtime(token.revoked_at):%d/%m/%Y}."
            )
        if token.is_expired():
            raise exceptions.AuthenticationFailed(
                f"Ce jeton d'API a expiré le {token.expires_on:%d/%m/%Y}."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Le compte de ce jeton d'API est désactivé.")
        token.touch()
        return token.user, token

    def authenticate_header(self, request):
        # A 401 (not a 403) for a missing or refused token, with the scheme to use.
        return f'{KEYWORD} realm="api"'
