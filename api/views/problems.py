"""The kinds of problem the API answers, each at the address its `type` names."""

from django.views import defaults
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.problems import PROBLEMS, is_api, problem, problem_type

ProblemTypeSerializer = inline_serializer(
    "TypeDeProbleme",
    {
        "type": serializers.CharField(help_text="L'adresse qui nomme ce type de problème."),
        "title": serializers.CharField(help_text="Son intitulé."),
        "status": serializers.IntegerField(help_text="Le statut HTTP qui l'accompagne."),
        "description": serializers.CharField(help_text="Ce qu'il signifie."),
    },
)


@extend_schema(
    summary="Un type de problème",
    description="Ce que signifie le « type » d'une réponse d'erreur (RFC 9457).",
    responses=ProblemTypeSerializer,
    tags=["Erreurs"],
    auth=[],
)
class ProblemTypeView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, name):
        if name not in PROBLEMS:
            raise NotFound
        status, title, description = PROBLEMS[name]
        return Response(
            {
                "type": problem_type(name),
                "title": title,
                "status": status,
                "description": description,
            }
        )


@extend_schema(exclude=True)
class UnknownAddress(APIView):
    # Any other address under /api/: a 404 problem, never the HTML page.

    authentication_classes = []
    permission_classes = [AllowAny]

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound


# Django's own error handlers (ctg/urls.py), for the errors raised outside the API's
# views (a middleware, a refused Host header): a problem under /api/, the page elsewhere.


def bad_request(request, exception):
    if is_api(request):
        return problem(request, "requete-invalide", "La requête est mal formée ou refusée.")
    return defaults.bad_request(request, exception)


def server_error(request):
    if is_api(request):
        return problem(request, "erreur-interne", PROBLEMS["erreur-interne"][2])
    return defaults.server_error(request)
