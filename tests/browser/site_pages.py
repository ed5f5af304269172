"""Every page of the application, built from the URL patterns with the demo's ids, so a
page added later is covered without touching the accessibility tests.

``site_pages()`` needs the demo loaded; it adds what the demo lacks (a steering meeting,
a review and an amendment of the PMA convention) so their pages exist too.
"""

import datetime

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplan.models import Meeting, MeetingKind, Objective, Review, ReviewKind
from conventions.models import Amendment, Convention, Deliberation

# Downloads (PDF, spreadsheets) and actions that only answer POST: no page to look at.
NOT_PAGES = {
    "conventions:deliberation_scan",
    "conventions:document_download",
    "actionplan:meeting_minutes",
    "actionplan:export_xlsx",
    "actionplan:export_csv",
    "conventions:caf_export_conventions_xlsx",
    "conventions:caf_export_conventions_csv",
    "conventions:caf_export_indicators_xlsx",
    "conventions:caf_export_indicators_csv",
    "conventions:caf_export_download",
    "actionplan:axis_move",
    "actionplan:objective_move",
    "actionplan:sheet_move",
    "conventions:party_move",
    "logout",
    # The API tokens of the account page: POST only.
    "api_tokens:create",
    "api_tokens:revoke",
}
# The JSON API answers JSON, not pages (tests/api/ covers it, its documentation page too).
NOT_PAGE_NAMESPACES = ("api:",)

OWN_APPS = {"partners", "conventions", "actionplan"}

# Pages that need an object the demo does not have (an uploaded import, a rendered
# document): their own tests cover them.
NEEDS_UPLOAD = {
    "conventions:import_review",
    "conventions:import_delete",
    "conventions:signed_copy_upload",
    "conventions:signed_copy_confirm",
    "conventions:document_completion",
    "conventions:document_preview",
    "actionplan:tracking_import_preview",
    "actionplan:tracking_import_confirm",
}


def _patterns(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _fill(route, values):
    """The path of ``route`` with its converters replaced by ``values``."""
    path = route
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        name = path[start + 1 : end].split(":")[-1]
        if name not in values:
            raise KeyError(
                f"{route} : aucune valeur de démonstration pour « {name} » ; "
                "ajoutez-la dans tests/browser/site_pages.py"
            )
        path = path[:start] + str(values[name]) + path[end + 1 :]
    return "/" + path


def _steering_records(pma):
    """A meeting, a review and an amendment of the signed PMA convention."""
    meeting, _ = Meeting.objects.get_or_create(
        convention=pma,
        kind=MeetingKind.STEERING_COMMITTEE,
        date=datetime.date(2025, 11, 18),
        defaults={"attendees": "Caf du Doubs\nPays de Montbéliard Agglomération"},
    )
    review, _ = Review.objects.get_or_create(
        convention=pma,
        kind=ReviewKind.YEARLY,
        date=datetime.date(2025, 11, 18),
        defaults={"meeting": meeting, "summary": "Les actions petite enfance avancent."},
    )
    review.follow_ups.set(pma.action_sheets.first().follow_ups.all())
    amendment, _ = Amendment.objects.get_or_create(
        convention=pma, number=1, defaults={"subject": "Ajout d'une fiche action mobilité"}
    )
    return meeting, review, amendment


def _values(convention, meeting, review, amendment):
    deliberation = Deliberation.objects.filter(party__convention=convention).first()
    party = deliberation.party if deliberation else convention.parties.first()
    axis = convention.axes.first()
    objective = Objective.objects.filter(axis__convention=convention).first()
    sheet = convention.action_sheets.first()
    follow_up = sheet.follow_ups.order_by("-year", "-quarter").first() if sheet else None
    values = {
        "pk": convention.pk,
        "party_pk": party.pk,
        "axis_pk": axis.pk,
        "action": "figer",
        "table": "fiches",
        "uidb64": "MQ",
        "token": "lien-perime",
    }
    if deliberation:
        values["deliberation_pk"] = deliberation.pk
    if objective:
        values["objective_pk"] = objective.pk
    if sheet:
        values["sheet_pk"] = sheet.pk
    if follow_up:
        values["year"], values["quarter"] = follow_up.year, follow_up.quarter
        values["entry_pk"] = follow_up.pk
    if meeting:
        values.update(meeting_pk=meeting.pk, review_pk=review.pk, number=amendment.number)
    return values


def site_pages():
    """(name, path) of every page, for both demo conventions where the page needs one."""
    vda = Convention.objects.get(reference="val-d-argent-2026-2030")
    pma = Convention.objects.get(reference="pma-2023-2027")
    records = _steering_records(pma)
    by_convention = [_values(vda, None, None, None), _values(pma, *records)]
    template_pk = {"pk": vda.template_id}

    pages = []
    for name, route in _patterns(get_resolver()):
        if name in NOT_PAGES or name in NEEDS_UPLOAD or name.startswith(NOT_PAGE_NAMESPACES):
            continue
        if route.startswith("modeles/<"):
            pages.append((name, _fill(route, template_pk)))
        elif "<int:pk>" in route and route.startswith("conventions/"):
            paths = []
            for values in by_convention:
                try:
                    paths.append(_fill(route, values))
                except KeyError:
                    continue
            if not paths:
                raise KeyError(f"{route} : aucune des deux conventions n'a de quoi la remplir")
            pages += [(name, path) for path in paths]
        else:
            pages.append((name, _fill(route, by_convention[1])))
    return list(dict.fromkeys(pages))


def admin_pages():
    """The admin site's pages of our own models: list, addition and the first object."""
    pages = [("admin:index", reverse("admin:index"))]
    for model in admin.site._registry:
        if model._meta.app_label not in OWN_APPS:
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [(f"{info}_changelist", reverse(f"{info}_changelist"))]
        pages += [(f"{info}_add", reverse(f"{info}_add"))]
        first = model.objects.order_by("pk").first()
        if first:
            pages.append((f"{info}_change", reverse(f"{info}_change", args=[first.pk])))
    return pages
