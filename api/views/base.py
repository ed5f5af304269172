"""What every view of the API shares: the caller's scope, the check of the query
parameters of the lists, and the ETag of details."""

import hashlib

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.settings import api_settings

from api.pagination import IdCursorPagination
from conventions.models import Convention, Deliberation, Party, Signature

PAGINATION_PARAMETERS = {
    IdCursorPagination.cursor_query_param,
    IdCursorPagination.page_size_query_param,
}


class QueryParameters(serializers.Serializer):
    # The query parameters of a list (its filters: the fields of a subclass). A name the
    # list does not know, or a parameter given twice, answers 400: a misspelt filter
    # silently ignored would hand the caller every row as if filtered.

    def validate(self, data):
        errors = {}
        for name in self.initial_data:
            # ?format=json, read by the content negotiation, is harmless.
            if name == api_settings.URL_FORMAT_OVERRIDE:
                continue
            if name not in self.fields and name not in PAGINATION_PARAMETERS:
                known = ", ".join(sorted({*self.fields, *PAGINATION_PARAMETERS}))
                errors[name] = [f"Paramètre inconnu de cette adresse ; elle accepte : {known}."]
            elif len(self.initial_data.getlist(name)) > 1:
                errors[name] = ["Donnez ce paramètre une seule fois."]
        if errors:
            raise serializers.ValidationError(errors)
        return data


def checked_parameters(request, parameters_class=QueryParameters):
    """The list's query parameters, validated (a 400 problem otherwise)."""
    parameters = parameters_class(data=request.query_params)
    parameters.is_valid(raise_exception=True)
    return parameters


def visible_conventions(user):
    """The conventions the pages show this person (never an amendment's working copy)."""
    return Convention.objects.visible_to(user)


def convention_or_404(user, pk, queryset=None):
    queryset = queryset if queryset is not None else Convention.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def _latest(history, **lookup):
    return Subquery(
        history.objects.filter(**lookup).order_by("-history_date").values("history_date")[:1]
    )


def with_updated_at(queryset):
    """Annotate `updated_at`: the last change recorded (django-simple-history) on the
    convention, its parties, deliberations or signatures; its creation if none."""
    created = "created_at"
    return queryset.annotate(
        updated_at=Greatest(
            Coalesce(_latest(Convention.history.model, id=OuterRef("pk")), created),
            Coalesce(_latest(Party.history.model, convention_id=OuterRef("pk")), created),
            Coalesce(
                _latest(Deliberation.history.model, party__convention_id=OuterRef("pk")), created
            ),
            Coalesce(
                _latest(Signature.history.model, party__convention_id=OuterRef("pk")), created
            ),
        )
    )


def _matches(header, etag):
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


class ETagMixin:
    # A strong ETag (the SHA-256 of the body sent) on every successful GET, and 304 Not
    # Modified when the caller's If-None-Match holds it. Strong, since it names these
    # exact bytes: two bodies with the same hash are the same representation.
    # (A comment, not a docstring: drf-spectacular would publish it.)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()}"'
        # Shared caches must not mix callers; every cache must ask again (cheaply, by ETag).
        headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
        if _matches(request.headers.get("If-None-Match"), etag):
            response = HttpResponseNotModified()
        for name, value in headers.items():
            response[name] = value
        return response
