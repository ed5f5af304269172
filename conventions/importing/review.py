"""The review of an import before it becomes a convention: who may see it, which
version of it a page was built from, saving the corrections, deleting it.

Corrections are saved with an optimistic check, as the quarterly follow-up does:
the page carries the version (a hash of `ConventionImport.data`) it was built
from, and a save made from an older version is refused with `StaleImport`
rather than overwriting what a colleague saved meanwhile.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import transaction

from conventions.models import ConventionImport, ImportState

STALE = (
    "Quelqu'un a enregistré d'autres corrections depuis que vous avez ouvert cette page. "
    "Vos saisies sont conservées ci-dessous : vérifiez-les, puis enregistrez à nouveau."
)


class StaleImport(Exception):
    """The import changed since the page was loaded; the message is French."""


def imports_for(user):
    """The imports a user may review: their Caf's for an adviser, every Caf's for an
    administrator. Any other role may not import (403)."""
    if user.is_administrator:
        return ConventionImport.objects.all()
    if user.is_adviser and user.organisation_id:
        return ConventionImport.objects.filter(caf_id=user.organisation_id)
    raise PermissionDenied("Seuls les conseillers des Caf importent des conventions.")


def pending_imports(user):
    """Imports read but not yet confirmed, newest first, to come back to their review."""
    return (
        imports_for(user)
        .filter(state=ImportState.READ)
        .select_related("caf", "uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def data_version(data):
    """A short fingerprint of what was read and corrected so far."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _locked(user, convention_import):
    return imports_for(user).select_for_update().get(pk=convention_import.pk)


def save_corrections(*, user, convention_import, read, version):
    """Store the corrected `ReadConvention` if nobody saved since `version`; returns the
    new version. `convention_import.data` is updated in place."""
    with transaction.atomic():
        locked = _locked(user, convention_import)
        if locked.state != ImportState.READ:
            raise StaleImport(
                "Cet import a déjà donné une convention : les corrections ne sont plus "
                "enregistrées ici."
            )
        if data_version(locked.data) != version:
            raise StaleImport(STALE)
        locked.data = read.to_dict()
        locked.save(update_fields=["data"])
    convention_import.data = locked.data
    return data_version(locked.data)


def delete_import(*, user, convention_import):
    """Forget an import not yet confirmed, and its file once the deletion is committed.
    A confirmed import stays: its file is the convention's source document."""
    with transaction.atomic():
        locked = _locked(user, convention_import)
        if locked.state != ImportState.READ:
            raise StaleImport(
                "Cet import a donné une convention : son document source est conservé."
            )
        file = locked.file
        locked.delete()
        if file:
            transaction.on_commit(lambda: file.storage.delete(file.name))
