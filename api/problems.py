"""Errors as problem details (RFC 9457, `application/problem+json`), in French.

Every refusal of the API answers the same shape: `type` (a URI naming the kind
of problem, documented in docs/api.md and served at /api/v1/problemes/<nom>/),
`title`, `status`, `detail`, `instance` (the path called) and, for invalid
input, `errors`: the French messages per field.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("django.request")

CONTENT_TYPE = "application/problem+json"

# name -> (status, title, what it means), the kinds of problem the API answers.
PROBLEMS = {
    "requete-invalide": (400, "Requête invalide", "Un paramètre ou un champ est invalide."),
    "authentification": (
        401,
        "Authentification requise",
        "Le jeton est absent, inconnu, expiré ou révoqué, ou son compte désactivé.",
    ),
    "acces-refuse": (403, "Accès refusé", "Votre rôle ne permet pas cette action."),
    "introuvable": (
        404,
        "Ressource introuvable",
        "Elle n'existe pas ou n'est pas visible avec vos droits.",
    ),
    "methode-non-autorisee": (
        405,
        "Méthode non autorisée",
        "Cette adresse ne répond pas à cette méthode HTTP.",
    ),
    "format-non-disponible": (
        406,
        "Format non disponible",
        "L'API ne répond qu'en JSON (application/json).",
    ),
    "conflit": (
        409,
        "Action impossible dans l'état actuel",
        "L'état de la ressource ne permet pas cette action.",
    ),
    "revision-perimee": (
        409,
        "Révision périmée",
        "La ressource a été modifiée depuis votre lecture : relisez-la, puis recommencez "
        "avec sa nouvelle révision.",
    ),
    "trop-volumineux": (
        413,
        "Requête trop volumineuse",
        "Le corps de la requête dépasse la taille maximale acceptée : rien n'a été enregistré.",
    ),
    "type-de-contenu": (
        415,
        "Type de contenu non pris en charge",
        "Envoyez le corps de la requête en JSON (Content-Type: application/json).",
    ),
    "trop-de-requetes": (
        429,
        "Trop de requêtes",
        "Le quota d'appels de ce jeton est atteint : réessayez après le délai indiqué par "
        "l'en-tête Retry-After.",
    ),
    "erreur-interne": (
        500,
        "Erreur interne",
        "Une erreur inattendue s'est produite ; elle a été signalée aux administrateurs.",
    ),
}
BY_STATUS = {400: "requete-invalide", 401: "authentification", 403: "acces-refuse"}
BY_STATUS |= {404: "introuvable", 405: "methode-non-autorisee", 406: "format-non-disponible"}
BY_STATUS |= {409: "conflit", 413: "trop-volumineux", 415: "type-de-contenu"}
BY_STATUS |= {429: "trop-de-requetes"}


def is_api(request):
    """The request is one of the API's: its errors are problems, never HTML pages."""
    return request.path.startswith("/api/")


def problem_type(name):
    return f"/api/v1/problemes/{name}/"


def problem(request, name, detail, errors=None, extra=None, status_code=None, headers=None):
    """The JSON response of one problem."""
    code, title, _ = PROBLEMS[name]
    code = status_code or code
    body = {
        "type": problem_type(name),
        "title": title,
        "status": code,
        "detail": detail,
        "instance": request.get_full_path() if request is not None else "",
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    response = JsonResponse(
        body, status=code, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    response.headers["Content-Language"] = "fr"
    for header, value in (headers or {}).items():
        response[header] = value
    return response


class ApiProblem(exceptions.APIException):
    """A refusal of the domain (a FollowUpError...), with the kind of problem named."""

    def __init__(self, name, detail, extra=None):
        self.problem = name
        self.status_code = PROBLEMS[name][0]
        self.extra = extra or {}
        super().__init__(detail)


def _flatten(detail):
    """DRF's nested error details as {field: [messages]} (nested fields joined by dots)."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            inner = _flatten(value)
            if isinstance(inner, dict):
                flat.update({f"{key}.{k}": v for k, v in inner.items()})
            else:
                flat[key] = inner
        return flat
    if isinstance(detail, list):
        if any(isinstance(item, dict) for item in detail):
            flat = {}
            for index, item in enumerate(detail):
                inner = _flatten(item)
                if isinstance(inner, dict):
                    flat.update({f"{index}.{k}": v for k, v in inner.items()})
            return flat
        return [str(item) for item in detail]
    return [str(detail)]


def _messages(exc):
    if isinstance(exc, exceptions.NotAuthenticated):
        return "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> »."
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "Cette adresse ne répond pas à cette méthode HTTP."
    if isinstance(exc, exceptions.NotFound | Http404):
        return "Ressource introuvable, ou hors de votre périmètre."
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return f"Trop de requêtes pour ce jeton : réessayez dans {wait} seconde{'s' * (wait > 1)}."
    if isinstance(exc, exceptions.PermissionDenied | PermissionDenied):
        detail = getattr(exc, "detail", None) or (exc.args[0] if exc.args else "")
        default = "Vous n'avez pas le droit de faire cette action."
        text = str(detail) if detail else default
        # DRF's default (English or translated) message says less than ours.
        return default if text == str(exceptions.PermissionDenied.default_detail) else text
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "Type de contenu non pris en charge : envoyez du JSON (application/json)."
    if isinstance(exc, exceptions.NotAcceptable):
        return "Format non disponible : l'API ne répond qu'en JSON (application/json)."
    detail = getattr(exc, "detail", None)
    return str(detail) if detail is not None else str(exc)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error of the API as a French problem."""
    request = context.get("request")
    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API error: a bug. Logged like Django logs a 500 (e-mail to ADMINS), then
        # answered as a problem rather than the HTML error page.
        set_rollback()
        logger.error(
            "Erreur interne de l'API : %s",
            request.path if request else "",
            exc_info=exc,
            extra={"status_code": 500, "request": getattr(request, "_request", request)},
        )
        name = "erreur-interne"
        return problem(request, name, PROBLEMS[name][2])
    headers = {
        k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, ApiProblem):
        return problem(request, exc.problem, str(exc.detail), extra=exc.extra, headers=headers)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        detail = "La requête contient des erreurs : voir « errors », par champ."
        return problem(request, "requete-invalide", detail, errors=errors, headers=headers)
    if isinstance(exc, exceptions.ParseError):
        return problem(
            request, "requete-invalide", "Le corps de la requête n'est pas du JSON valide."
        )
    name = BY_STATUS.get(response.status_code, "requete-invalide")
    return problem(
        request,
        name,
        _messages(exc),
        headers=headers,
        status_code=response.status_code,
    )
