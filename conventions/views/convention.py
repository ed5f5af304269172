from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render

from actionplan.forms.followup import PlainField
from conventions import lifecycle
from conventions.access import can_edit, can_record_deliberation, visible_convention
from conventions.documents.convention import done_at
from conventions.early_childhood import territory_facts
from conventions.filters import ConventionFilter
from conventions.models import Amendment, Convention, Deliberation, Party, Signature
from conventions.views.caf_export import caf_export_links
from conventions.views.convention_rows import (
    deliberation_rows,
    party_rows,
    signature_items,
)
from conventions.views.deliberation import deliberations_open
from ctg.links import row_links

PAGE_SIZE = 25
# What the convention page shows of a deliberation (convention_rows, the documents' scans):
# the rest, its version's frozen text above all, stays in the database.
DELIBERATION_FIELDS = [
    "party",
    "amendment",
    "version__number",
    "session_date",
    "act_number",
    "actes_id",
    "outcome",
    "votes_for",
    "votes_against",
    "abstentions",
    "scan",
]


def convention_list(request):
    visible = Convention.objects.visible_to(request.user)
    filterset = ConventionFilter(request.GET or None, visible=visible)
    conventions = filterset.qs.select_related("caf", "lead_authority__department").order_by(
        "-start_date", "title", "pk"
    )
    page = Paginator(conventions, PAGE_SIZE).get_page(request.GET.get("page"))
    # Parties counted for the page's rows only, once the page is cut.
    counts = dict(
        Party.objects.filter(convention__in=[c.pk for c in page.object_list])
        .values_list("convention")
        .annotate(n=Count("pk"))
    )
    for convention in page.object_list:
        convention.party_count = counts.get(convention.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/convention_list.html",
        {
            "filter": filterset,
            # Written in Python, in crispy's markup: crispy's templates took a third of the
            # page's time for six fields.
            "filter_fields": [PlainField(field) for field in filterset.form],
            "page": page,
            "query": query.urlencode(),
            "caf_export": caf_export_links(request, query),
        },
    )


def convention_detail(request, pk):
    queryset = Convention.objects.select_related(
        "caf", "lead_authority", "template", "predecessor", "source_import"
    ).prefetch_related("themes")
    convention = visible_convention(request.user, pk, queryset)
    if convention.is_working_copy:
        amendment = Amendment.objects.filter(working_copy=convention).first()
        if amendment is None:
            raise Http404
        return redirect("conventions:amendment", amendment.convention_id, amendment.number)
    # Related rows as plain lists (to_attr): Django's prefetch otherwise builds a queryset
    # per party and relation, a third of the page's time for a convention of 47 parties.
    parties = list(
        convention.parties.select_related("organisation__department", "organisation__epci")
        .prefetch_related(
            Prefetch("signatories", to_attr="signatory_list"),
            Prefetch(
                "deliberations",
                queryset=Deliberation.objects.filter(amendment=None)
                .select_related("version")
                .only(*DELIBERATION_FIELDS),
                to_attr="convention_deliberations",
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(amendment=None).select_related("representative"),
                to_attr="convention_signatures",
            ),
        )
        .order_by("position", "pk")
    )
    # The frozen text (tens of KB of JSON each) is never shown here: leave it in the database.
    versions = list(convention.versions.defer("content").order_by("-number"))
    current_version = versions[0] if versions else None
    signatures = [s for party in parties for s in party.convention_signatures]
    expected_signatures = sum(len(p.signatory_list) for p in parties if p.is_signatory)
    deliberations = [d for party in parties for d in party.convention_deliberations]
    for deliberation in deliberations:
        deliberation.outdated = deliberation.is_outdated_against(current_version)
    recordable = {p.pk for p in parties if can_record_deliberation(request.user, convention, p)}
    record = row_links("conventions:deliberation_create", convention.pk)
    for party in parties:
        party.record_url = record(party.pk) if party.pk in recordable else None
    equipment = convention.equipment.select_related("organisation", "equipment_type").order_by(
        "organisation__name", "equipment_type__position", "name"
    )
    context = {
        "convention": convention,
        "can_edit": can_edit(request.user, convention),
        "parties": parties,
        "party_rows": party_rows(parties),
        "articles": convention.articles.order_by("number"),
        "equipment": equipment,
        "steering_instances": convention.steering_instances.all(),
        "early_childhood": territory_facts(
            convention, organisations=[party.organisation for party in parties]
        ),
        "deliberations": deliberations,
        "deliberation_rows": deliberation_rows(convention, deliberations, recordable),
        "missing_deliberation": lifecycle.parties_missing_deliberation_among(
            parties, deliberations, current_version
        ),
        "signatures": signatures,
        "signature_items": signature_items(signatures),
        "expected_signatures": expected_signatures,
        "versions": versions,
        "source_import": getattr(convention, "source_import", None),
        "current_version": current_version,
        "amendments": convention.amendments.annotate(
            deliberation_count=Count("deliberations", distinct=True),
            signature_count=Count("signatures", distinct=True),
        ),
        "done_at": done_at(
            convention.signing_place, convention.signed_on, convention.originals_count
        ),
        "deliberation_open": deliberations_open(convention),
        "timeline": timeline(convention, versions),
        "recordable": recordable,
    }
    return render(request, "conventions/convention_detail.html", context)


def timeline(convention, versions):
    """Dated steps of the lifecycle, in order, for the overview."""
    steps = [("Création", convention.created_at.date() if convention.created_at else None)]
    for version in sorted(versions, key=lambda v: v.number):
        steps.append((f"Texte figé (version {version.number})", version.frozen_at.date()))
    if convention.signing_started_at:
        steps.append(("Mise à la signature", convention.signing_started_at.date()))
    if convention.signed_on:
        steps.append(("Signature complète", convention.signed_on))
    steps.append(("Début de la convention", convention.start_date))
    if convention.terminated_on:
        steps.append(("Résiliation", convention.terminated_on))
    steps.append(("Fin de la convention", convention.end_date))
    return steps
