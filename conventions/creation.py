"""Creating a convention for a Caf and a lead authority, from a template."""

import datetime

from django.db import transaction
from django.utils.text import slugify

from conventions.models import Article, Convention, Party, PartyRole
from conventions.placeholders import fill_placeholders, placeholder_values
from partners.models import OrganisationKind


def default_period(today=None):
    """1 January next year, for five years."""
    today = today or datetime.date.today()
    start = datetime.date(today.year + 1, 1, 1)
    return start, datetime.date(start.year + 4, 12, 31)


def unique_reference(territory, start, end):
    base = slugify(f"{territory} {start.year} {end.year}")[:90]
    reference, suffix = base, 2
    while Convention.objects.filter(reference=reference).exists():
        reference, suffix = f"{base}-{suffix}", suffix + 1
    return reference


def proposed_communes(lead_authority):
    """The lead EPCI's member communes, proposed as co-signatories."""
    if lead_authority.kind != OrganisationKind.EPCI:
        return lead_authority.member_communes.none()
    return lead_authority.member_communes.filter(is_active=True).in_french_order()


def _signatories_in_office(organisation, on, limit=1):
    return list(organisation.representatives.in_office(on).order_by("mandate_start")[:limit])


@transaction.atomic
def create_convention(*, user, caf, lead_authority, template, start_date, end_date, communes):
    territory = lead_authority.long_name
    convention = Convention.objects.create(
        reference=unique_reference(lead_authority.name, start_date, end_date),
        title=(
            f"Convention territoriale globale {lead_authority.grammar.of} "
            f"{start_date.year}-{end_date.year}"
        ),
        caf=caf,
        lead_authority=lead_authority,
        territory_name=territory,
        start_date=start_date,
        end_date=end_date,
        template=template,
        signing_place=caf.city,
        created_by=user,
    )
    parties = [
        (caf, PartyRole.CAF, 2, False),
        (lead_authority, PartyRole.LEAD, 1, True),
        *((commune, PartyRole.CO_SIGNATORY, 1, True) for commune in communes),
    ]
    for position, (organisation, role, signing_people, deliberates) in enumerate(parties):
        party = Party.objects.create(
            convention=convention,
            organisation=organisation,
            role=role,
            position=position,
            short_name=organisation.designation,
            requires_deliberation=deliberates,
        )
        party.signatories.set(_signatories_in_office(organisation, start_date, signing_people))
    if template is not None:
        values = placeholder_values(convention)
        convention.visas = fill_placeholders(template.visas, values)
        convention.preamble = fill_placeholders(template.preamble, values)
        convention.save(update_fields=["visas", "preamble"])
        Article.objects.bulk_create(
            Article(
                convention=convention,
                number=article.number,
                title=article.title,
                body=fill_placeholders(article.body, values),
                has_party_blocks=article.has_party_blocks,
            )
            for article in template.articles.all()
        )
    return convention
