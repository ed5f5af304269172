"""Scoped lookups for views: outsiders get 404, read-only users get 403 on writes."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from conventions.models import Convention
from partners.models import Role


def visible_convention(user, pk, queryset=None):
    """By id: an amendment's working copy too, so that the draft editors can change it."""
    queryset = queryset if queryset is not None else Convention.objects.all()
    return get_object_or_404(queryset.visible_to(user, working_copies=True), pk=pk)


def editable_convention(user, pk, queryset=None):
    """The convention if the user may change it; 403 if they may only read it, else 404."""
    convention = visible_convention(user, pk, queryset)
    if not can_edit(user, convention):
        raise PermissionDenied("Vous ne pouvez que consulter cette convention.")
    return convention


def can_edit(user, convention):
    if user.is_administrator:
        return True
    return user.is_adviser and user.organisation_id == convention.caf_id


def can_record_deliberation(user, convention, party):
    """Advisers for any party of their Caf's conventions; a chargé de coopération for their own."""
    if can_edit(user, convention):
        return True
    return user.role == Role.COOPERATION and party.organisation_id == user.organisation_id
