"""factory_boy factories with realistic French data (Haut-Rhin by default)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from actionplan.models import ActionSheet, Axis, Indicator, Objective
from conventions.models import (
    Article,
    Convention,
    DeliberatingBody,
    Deliberation,
    Outcome,
    Party,
    PartyRole,
)
from partners.models import Department, Organisation, Representative, Role, User
from partners.validators import luhn_is_valid


def siren_from(seed: int) -> str:
    """A valid (Luhn) SIREN derived from a seed, for organisations without a real one:
    in 99..., a range no commune, EPCI or département of the reference data uses (a seed
    in the 2000... range once met the demo's real EPCIs)."""
    base = f"{990000000 + seed * 10:09d}"[:8]
    for check in range(10):
        candidate = f"{base}{check}"
        if luhn_is_valid(candidate):
            return candidate
    raise AssertionError("unreachable: one check digit always satisfies Luhn")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "68"
    name = "Haut-Rhin"
    linking_type = 2


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = "commune"
    name = factory.Sequence(lambda n: f"Commune {n}")
    siren = factory.Sequence(lambda n: siren_from(n + 1))
    department = factory.SubFactory(DepartmentFactory)

    class Params:
        as_caf = factory.Trait(kind="caf", name=factory.Sequence(lambda n: f"Caf {n}"), siren=None)
        as_epci = factory.Trait(
            kind="epci", epci_kind="CC", name=factory.Sequence(lambda n: f"CC numéro {n}")
        )


class RepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = Representative

    organisation = factory.SubFactory(OrganisationFactory)
    civility = "MME"
    first_name = "Noëllie"
    last_name = factory.Sequence(lambda n: f"HESTIN{n}")
    role_title = "Maire"
    mandate_start = datetime.date(2020, 5, 23)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    role = Role.READER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("motdepasse-de-test")

    class Params:
        adviser = factory.Trait(
            role=Role.ADVISER, organisation=factory.SubFactory(OrganisationFactory, as_caf=True)
        )
        administrator = factory.Trait(role=Role.ADMINISTRATOR, organisation=None, is_staff=True)


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    reference = factory.Sequence(lambda n: f"ctg-{n}-2026-2030")
    title = factory.Sequence(lambda n: f"CTG du territoire {n} 2026-2030")
    caf = factory.SubFactory(OrganisationFactory, as_caf=True)
    lead_authority = factory.SubFactory(OrganisationFactory, as_epci=True)
    territory_name = factory.LazyAttribute(lambda o: o.lead_authority.name)
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2030, 12, 31)
    signing_place = "Mulhouse"


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    convention = factory.SubFactory(ConventionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = PartyRole.CO_SIGNATORY
    position = factory.Sequence(lambda n: n)
    short_name = factory.LazyAttribute(lambda o: o.organisation.designation)


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    convention = factory.SubFactory(ConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Objet de la convention territoriale globale"
    body = "La présente convention vise à définir le projet stratégique global du territoire."


class DeliberationFactory(DjangoModelFactory):
    """The Valentigney deliberation of 5 April 2023, whose figures are real."""

    class Meta:
        model = Deliberation

    party = factory.SubFactory(PartyFactory)
    body = DeliberatingBody.MUNICIPAL_COUNCIL
    session_date = datetime.date(2023, 4, 5)
    act_number = "2023-32"
    subject = "Convention territoriale globale (CTG) 2023/2027 – signature"
    members_in_office = 33
    present = 27
    proxies = 4
    votes_cast = 31
    votes_for = 31
    votes_against = 0
    abstentions = 0
    outcome = Outcome.ADOPTED_UNANIMOUSLY
    session_secretary = "Anne-Lise GARCIA"


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    convention = factory.SubFactory(ConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Construire une offre sociale concertée sur le territoire"


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    axis = factory.SubFactory(AxisFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Développer l'offre d'accueil du jeune enfant"


class ActionSheetFactory(DjangoModelFactory):
    class Meta:
        model = ActionSheet

    axis = factory.SubFactory(AxisFactory)
    convention = factory.LazyAttribute(lambda o: o.axis.convention)
    number = factory.Sequence(lambda n: n + 1)
    title = "Généraliser la mise en place des guichets uniques pour la petite enfance"
    deadline_whole_period = True


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    action_sheet = factory.SubFactory(ActionSheetFactory)
    label = "Nombre de réunions et de participants"
    unit = "réunions"


def caf_party(convention, **kwargs):
    """The Caf's party, signed by its board's president and its director, as the Caf du
    Haut-Rhin signs (Luc CHERVY, Lionel KOENIG)."""
    party = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
        **kwargs,
    )
    party.signatories.set(
        [
            RepresentativeFactory(
                organisation=convention.caf,
                civility="M",
                first_name="Luc",
                last_name="CHERVY",
                role_title="Président du Conseil d'Administration",
            ),
            RepresentativeFactory(
                organisation=convention.caf,
                civility="M",
                first_name="Lionel",
                last_name="KOENIG",
                role_title="Directeur",
            ),
        ]
    )
    return party
