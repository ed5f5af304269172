"""The early-childhood organising authority (autorité organisatrice de l'accueil du jeune
enfant) of each commune of a convention's territory, and what the law asks of it.

Since 1 January 2025 every commune is the organising authority of early-childhood care
(Code de l'action sociale et des familles, art. L. 214-1-3), with obligations growing
with its population:

- every commune: take stock of the needs of children under three and of the places
  available, and inform and guide families;
- over 3,500 inhabitants: also plan the development of childcare;
- over 10,000 inhabitants: also adopt a multi-year plan (schéma pluriannuel), for which
  the CTG may stand in, and support the quality of childcare with a Relais Petite
  Enfance, mandatory from 1 January 2026.

A commune may transfer the competence to its EPCI, which then exercises it in its place
(`Organisation.early_childhood_competence` on the EPCI). Populations are the INSEE
population municipale of the official reference data, with its year.

The territory's communes are the communes party to the convention and the member
communes of its EPCI parties. A commune "has an RPE" when an active RPE is supported by
the commune or by its EPCI (annexe 2's equipment); it "has an early-childhood action"
when a sheet of the plan with the early-childhood theme concerns it: listed among the
sheet's communes, piloted by it, or concerning the whole territory (no commune listed).
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from actionplan.models import ActionSheet
from partners.models import Equipment, Organisation, OrganisationKind

PLANNING_THRESHOLD = 3_500
SCHEME_THRESHOLD = 10_000
RPE_MANDATORY_FROM = datetime.date(2026, 1, 1)
EARLY_CHILDHOOD_THEME = "petite-enfance"
RPE_CODE = "RPE"

EVERY_COMMUNE = [
    "recenser les besoins des enfants de moins de trois ans et l'offre d'accueil",
    "informer et accompagner les familles",
]
OVER_PLANNING = "planifier le développement des modes d'accueil"
OVER_SCHEME = [
    "adopter un schéma pluriannuel de maintien et de développement de l'offre d'accueil "
    "(la CTG peut en tenir lieu)",
    "soutenir la qualité des modes d'accueil : Relais Petite Enfance obligatoire depuis le "
    "1er janvier 2026",
]


def thousands(value):
    """10 501 with a narrow no-break space, as French figures are printed."""
    return f"{value:,}".replace(",", "\u202f")


@dataclass
class CommuneFacts:
    commune: Organisation
    holder: Organisation
    has_rpe: bool
    has_action: bool

    @property
    def population(self):
        return self.commune.population

    @property
    def population_label(self):
        return thousands(self.population) if self.population is not None else ""

    @property
    def tier(self):
        """0 (every commune), 1 (over 3,500) or 2 (over 10,000); None when unknown."""
        if self.population is None:
            return None
        if self.population > SCHEME_THRESHOLD:
            return 2
        if self.population > PLANNING_THRESHOLD:
            return 1
        return 0

    @property
    def obligations(self):
        tier = self.tier or 0
        return (
            EVERY_COMMUNE
            + ([OVER_PLANNING] if tier >= 1 else [])
            + (OVER_SCHEME if tier >= 2 else [])
        )

    @property
    def is_transferred(self):
        return self.holder.pk != self.commune.pk

    @property
    def warnings(self):
        if self.tier != 2:
            return []
        name = f"{self.commune.name} ({thousands(self.population)} habitants)"
        found = []
        if not self.has_action:
            found.append(
                f"{name} dépasse 10 000 habitants et aucune fiche action petite enfance du "
                "plan ne la concerne : la CTG qui tient lieu de schéma pluriannuel doit en "
                "comporter."
            )
        if not self.has_rpe:
            found.append(
                f"{name} dépasse 10 000 habitants et aucun Relais Petite Enfance soutenu par "
                f"{'son EPCI' if self.is_transferred else 'la commune'} n'est renseigné : il est "
                "obligatoire depuis le 1er janvier 2026."
            )
        return found


@dataclass
class TerritoryFacts:
    communes: list = field(default_factory=list)

    # Computed once: the convention page reads them several times (the section's menu
    # entry counts the warnings, the section lists them).
    @cached_property
    def population_years(self):
        return sorted(
            {c.commune.population_year for c in self.communes if c.commune.population_year}
        )

    @cached_property
    def above_planning(self):
        """Communes over 3,500 inhabitants, the largest first."""
        return [c for c in self.communes if c.tier in (1, 2)]

    @cached_property
    def small(self):
        return [c for c in self.communes if c.tier == 0]

    @cached_property
    def unknown(self):
        return [c for c in self.communes if c.tier is None]

    @cached_property
    def warnings(self):
        return [warning for commune in self.communes for warning in commune.warnings]


def territory_facts(convention, organisations=None):
    """Each commune of the territory with its authority, RPE and early-childhood actions.

    ``organisations``: those of the convention's parties when the caller has loaded them,
    each with its EPCI (``select_related("organisation__epci")``). Four queries whatever
    the size of the territory, three with the organisations given.
    """
    kinds = (OrganisationKind.COMMUNE, OrganisationKind.EPCI)
    if organisations is None:
        organisations = Organisation.objects.filter(
            parties__convention=convention, kind__in=kinds
        ).select_related("epci")
    authorities = [o for o in organisations if o.kind in kinds]
    epcis = {o.pk: o for o in authorities if o.kind == OrganisationKind.EPCI}
    communes = {o.pk: o for o in authorities if o.kind == OrganisationKind.COMMUNE}
    if epcis:
        # Their EPCI is one of those above: not read again for each.
        for commune in Organisation.objects.filter(
            kind=OrganisationKind.COMMUNE, epci_id__in=list(epcis)
        ):
            communes.setdefault(commune.pk, commune)
    if not communes:
        return TerritoryFacts()
    supporters = set(communes) | {c.epci_id for c in communes.values() if c.epci_id}
    with_rpe = set(
        Equipment.objects.filter(
            organisation_id__in=supporters, equipment_type__code=RPE_CODE, is_active=True
        ).values_list("organisation_id", flat=True)
    )
    # One row per early-childhood sheet and commune it lists; a sheet listing none (the
    # whole territory) gives one row without a commune.
    concerned_rows = (
        ActionSheet.objects.filter(convention=convention, themes__code=EARLY_CHILDHOOD_THEME)
        .values_list("communes", "pilot_party__organisation_id")
        .order_by()
        .distinct()
    )
    whole_territory = False
    concerned = set()
    for commune_id, pilot_id in concerned_rows:
        whole_territory = whole_territory or commune_id is None
        concerned.update(pk for pk in (commune_id, pilot_id) if pk)
    facts = []
    for commune in sorted(communes.values(), key=lambda c: (-(c.population or 0), c.name)):
        epci = epcis.get(commune.epci_id) or commune.epci
        holder = epci if epci is not None and epci.early_childhood_competence else commune
        facts.append(
            CommuneFacts(
                commune=commune,
                holder=holder,
                has_rpe=commune.pk in with_rpe or commune.epci_id in with_rpe,
                has_action=whole_territory or commune.pk in concerned,
            )
        )
    return TerritoryFacts(facts)
