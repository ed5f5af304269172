"""Building blocks for a demo convention: people, parties and articles from a template."""

from conventions.models import Article, Party
from conventions.placeholders import fill_placeholders
from partners.models import Representative

from .common import set_m2m, upsert


def representative(tally, organisation, civility, first_name, last_name, role_title):
    """A person keyed on (organisation, last name, first name), as the brief asks."""
    return upsert(
        Representative,
        tally,
        organisation=organisation,
        last_name=last_name,
        first_name=first_name,
        defaults={"civility": civility, "role_title": role_title},
    )


def party(
    tally,
    convention,
    organisation,
    *,
    role,
    position,
    short_name,
    signatories,
    requires_deliberation=True,
    competences="",
):
    result = upsert(
        Party,
        tally,
        convention=convention,
        organisation=organisation,
        defaults={
            "role": role,
            "position": position,
            "short_name": short_name,
            "competences": competences,
            "requires_deliberation": requires_deliberation,
        },
    )
    set_m2m(result.signatories, signatories)
    return result


def copy_articles(tally, convention, template, values, overrides=None):
    """The template's articles, placeholders filled, with this convention's own texts.

    overrides maps an article number to the fields (title, body, has_party_blocks)
    that the real document words differently from the Caf's model.
    """
    overrides = overrides or {}
    for article in template.articles.order_by("number"):
        own = overrides.get(article.number, {})
        upsert(
            Article,
            tally,
            convention=convention,
            number=article.number,
            defaults={
                "title": fill_placeholders(own.get("title", article.title), values),
                "body": fill_placeholders(own.get("body", article.body), values),
                "has_party_blocks": own.get("has_party_blocks", article.has_party_blocks),
            },
        )


def caf_of(department_code):
    """The Caf that import_territories created for a département ("Caf du Haut-Rhin")."""
    from partners.models import Organisation, OrganisationKind

    caf = Organisation.objects.filter(
        kind=OrganisationKind.CAF, department__code=department_code
    ).first()
    if caf is None:
        raise LookupError(
            f"Aucune Caf pour le département {department_code} : lancez d'abord "
            "« python manage.py import_territories »."
        )
    return caf


def organisation(**lookup):
    from partners.models import Organisation

    found = Organisation.objects.filter(**lookup).first()
    if found is None:
        details = ", ".join(f"{key}={value}" for key, value in lookup.items())
        raise LookupError(f"Organisation introuvable ({details}) : le référentiel est incomplet.")
    return found
