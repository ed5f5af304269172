# ruff: noqa: E501 (legal prose is kept one paragraph per line, as in the documents)
"""The Pays de Montbéliard Agglomération CTG 2023-2027, signed (reference 003, Caf du Doubs).

37 parties and 38 signing people: the Caf (two signatories), the agglomeration,
two SIVU and 33 communes. Its three axes, ten action sheets, steering instances
(annexe 4) and equipment list (annexe 2) are those of the document. The
convention reaches the signed state through the real lifecycle (freeze,
deliberations, start_signing, record_signature).
"""

import datetime

from django.utils import timezone

from actionplan.models import ActionSheet, Axis, Indicator
from conventions.models import (
    Convention,
    ConventionState,
    ConventionVersion,
    PartyRole,
    SteeringInstance,
)
from conventions.placeholders import fill_placeholders, placeholder_values
from partners.models import Equipment, Organisation, OrganisationKind
from partners.validators import luhn_is_valid

from .builder import caf_of, copy_articles, organisation, party, representative
from .common import paragraphs, set_m2m, upsert
from .pma_plan import ACTIONS, AXES
from .templates import DOUBS_PREAMBLE

REFERENCE = "pma-2023-2027"
PMA_SIREN = "200065647"
TERRITORY = "Pays de Montbéliard Agglomération"
START, END = datetime.date(2023, 1, 1), datetime.date(2027, 12, 31)


def fictitious_siren(seed: int) -> str:
    """A Luhn-valid SIREN in the 999 range, which INSEE does not assign.

    The SIVU's real SIREN is in none of the data we ship: this one is fictitious,
    for the demo only. Same idea as tests/factories.siren_from.
    """
    base = f"{999250000 + seed * 10:09d}"[:8]
    return next(f"{base}{d}" for d in range(10) if luhn_is_valid(f"{base}{d}"))


# (key, name, short name, civility, first name, last name, role title, fictitious SIREN)
SYNDICATES = [
    (
        "trois-fontaines",
        "SIVU des Trois Fontaines",
        "le Sivu des Trois Fontaines",
        "M",
        "Jean-Michel",
        "GROSCLAUDE",
        "Président",
        fictitious_siren(1),
    ),
    (
        "chauliere",
        "SIVU de La Chaulière",
        "le Sivu de La Chaulière",
        "MME",
        "Nathalie",
        "PETETIN",
        "Présidente",
        fictitious_siren(2),
    ),
]

# The 33 communes in the document's order: (INSEE code, civility, first name, last name).
# The document's own spellings, where they differ from the official name, are noted.
COMMUNES = [
    ("25020", "M", "Arnaud", "ROTA"),  # Arbouans
    ("25031", "M", "Martial", "BOURQUIN"),  # Audincourt
    ("25043", "M", "Eric", "LAMY"),  # Bart
    ("25048", "MME", "Sophie", "RADREAU"),  # Bavans
    ("25057", "M", "Jean", "ANDRE"),  # Bethoncourt
    # "Courcelles lès Montbéliard"; the party list prints "QÜENOT", the signature block QUENOT.
    ("25170", "M", "Christian", "QUENOT"),
    ("25187", "M", "Christophe", "DALONGEVILLE"),  # Dambelin
    # "Dampierre les Bois"; the signature block swaps this mayor with Étupes' (OCR layout).
    ("25190", "M", "Marc", "TIROLE"),
    # Dasle; the signature block reads "Caroline", the party list "Carole".
    ("25196", "MME", "Carole", "THOUESNY"),
    ("25224", "MME", "Marielle", "BALLAY"),  # "Etouvans" (Étouvans)
    ("25228", "M", "Philippe", "CLAUDEL"),  # "Etupes" (Étupes)
    ("25230", "MME", "Magali", "DUVERNOIS"),  # Exincourt
    ("25237", "M", "Charles", "DEMOUGE"),  # "Feschés le Chatel" (Fesches-le-Châtel)
    ("25284", "M", "Jean-Paul", "MUNNIER"),  # "Grand Charmont" (Grand-Charmont)
    ("25304", "MME", "Marie-France", "BOTTARLINI-CAPUTO"),  # Hérimoncourt
    ("25367", "M", "Jean-Pierre", "HOCQUET"),  # Mandeure ("Mandeuve" in the visas)
    ("25370", "M", "Daniel", "GRANJON"),  # Mathay
    ("25388", "MME", "Marie-Noëlle", "BIGUINET"),  # Montbéliard
    ("25394", "M", "Mathieu", "KALYNTSCHUK"),  # Montenois
    ("25428", "M", "Thierry", "BOILLOT"),  # Nommay
    ("25463", "M", "Denis", "ARNOUX"),  # "Pont de Roide" (Pont-de-Roide-Vermondans)
    ("25469", "M", "Philippe", "MATHIEU"),  # Présentevillers
    ("25526", "M", "Frédéric", "TCHOBANIAN"),  # "Sainte Suzanne" (Sainte-Suzanne)
    ("25539", "M", "Daniel", "BUCHWALDER"),  # Seloncourt
    ("25547", "M", "Albert", "MATOCQ-GRABOT"),  # Sochaux
    ("25555", "M", "Didier", "KLEIN"),  # "Tallecourt" / "Taillecourt" (Taillecourt)
    ("25580", "M", "Philippe", "GAUTIER"),  # Valentigney
    ("25586", "M", "Patrice", "VERNIER"),  # Vandoncourt
    ("25614", "M", "Henri-Francis", "DUFOUR"),  # "Vieux Charmont" (Vieux-Charmont)
    ("25632", "MME", "Martine", "VOIDEY"),  # Voujeaucourt
    ("25063", "M", "Serge", "DELFILS"),  # Blamont
    ("25159", "M", "Matthieu", "BLOCH"),  # "Colombier Fontaine" (Colombier-Fontaine)
    ("25082", "M", "Jean-Louis", "NORIS"),  # Bourguignon
]

VALENTIGNEY = "25580"

# Annexe 2: equipment and services supported by each local authority, by type.
# Keys are INSEE codes, or a syndicate key. Montbéliard supports two LAEP.
EQUIPMENT = {
    "EAJE": [
        "25031", "25048", "25057", "25063", "25159", "25228", "25230", "25284",
        "25304", "25367", "25388", "25463", "25539", "25547", "25580", "25632",
    ],
    "LAEP": ["25048", "25388", "25580", "25057", "25284", "25031", "25388"],
    "RPE": ["25632", "25388", "25580", "25228", "25463", "25304", "25614"],
    "ALSH": [
        "chauliere", "trois-fontaines", "25020", "25031", "25043", "25048", "25057",
        "25170", "25187", "25190", "25196", "25224", "25228", "25230", "25237", "25284",
        "25304", "25367", "25370", "25388", "25394", "25428", "25463", "25469", "25526",
        "25539", "25547", "25555", "25580", "25586", "25614", "25632",
    ],
}  # fmt: skip

TERRITORY_FACTS = """- Les caractéristiques territoriales suivantes : Pays de Montbéliard Agglomération compte 72 communes pour 142 000 habitants. Le territoire représente la troisième agglomération de Bourgogne Franche-Comté par sa population. Le nouveau territoire communautaire, à sa création en 2017, regroupait 64 000 emplois, ce qui en faisait le premier pôle d'emploi de Franche-Comté ;
- L'offre de structures de proximité, d'équipements et de services aux familles suivantes : Pays de Montbéliard Agglomération ne possède pas les compétences Petite Enfance, Enfance et Jeunesse. Ce sont les communes du territoire qui possèdent ces compétences. Les structures d'accueil sont réparties sur la totalité du territoire ;
- Le territoire et les champs d'intervention prioritaires suivants : petite enfance, enfance, jeunesse, animation de la vie sociale, parentalité, accès aux droits ;
- Les objectifs communs de développement et de coordination des actions concernent : l'enfance, la jeunesse, l'animation de la vie sociale, la parentalité, l'offre de service, le cadre de vie, l'accès aux droits ;
- Les degrés d'intervention de chaque partenaire sur les champs d'intervention communs."""

ISSUES = """- La concertation des acteurs enfance, jeunesse et animation de la vie sociale ;
- L'offre de service enfance sur le territoire ;
- La formation des professionnels de l'enfance, jeunesse et animation de la vie sociale sur le territoire ;
- L'amélioration du cadre de vie ;
- Le guichet unique ;
- La parentalité ;
- Le partenariat."""

THEMES = ["petite-enfance", "enfance", "jeunesse", "parentalite", "acces-aux-droits", "avs"]

# Annexe 4. The document sets no periodicity for the comité de pilotage.
STEERING = [
    (
        "Comité de pilotage",
        "Les deux signataires de la présente Convention Territoriale Globale, à savoir des "
        "représentants de la Caf du Doubs (dont le conseiller territorial) et de Pays de "
        "Montbéliard Agglomération, ainsi que des représentants des communes en compétence à "
        "minima. Il est également ouvert aux partenaires ayant contribué à la réalisation de la "
        "CTG sur l'EPCI. Le secrétariat est assuré par la CAF et l'EPCI.",
        "- Assure le suivi de la réalisation des fiches actions et l'évaluation de la CTG ;\n"
        "- Contribue à renforcer la coordination entre les deux partenaires signataires de la "
        "CTG, dans leurs interventions respectives et au sein des différents comités de "
        "pilotage thématique, par exemple animation de la vie sociale, jeunesse ;\n"
        "- Veille à la complémentarité des actions et des interventions des partenaires sur le "
        "territoire concerné ;\n"
        "- Encourage les initiatives et les actions innovantes.",
        "",
    ),
    (
        "Comité technique",
        "Le conseiller territorial de la Caf, les professionnels identifiés par Pays de "
        "Montbéliard Agglomération et les communes en compétence. Le secrétariat est assuré "
        "par la CAF et l'EPCI.",
        "Prépare le comité de pilotage. Rédige les documents de travail concernant la mise en "
        "œuvre des actions menées sur le territoire et au regard de ce que prévoit la "
        "convention.",
        "Avant chaque comité de pilotage",
    ),
]


def _de(name):
    """ "d'Audincourt", "de Bart", "du SIVU des Trois Fontaines"."""
    if name.startswith("SIVU"):
        return f"du {name}"
    return f"d'{name}" if name[0] in "AEIOUYÉÈÊHaeiouyéh" else f"de {name}"


def _paris(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _organisations(tally):
    caf = caf_of("25")
    pma = organisation(siren=PMA_SIREN)
    syndicates = {}
    for key, name, _short, *_person, siren in SYNDICATES:
        holder = Organisation.objects.filter(siren=siren).exclude(name=name).first()
        if holder is not None:
            raise LookupError(f"Le SIREN fictif {siren} appartient déjà à {holder}.")
        syndicate = Organisation(
            kind=OrganisationKind.SYNDICATE, name=name, siren=siren, department=caf.department
        )
        syndicate.full_clean(validate_unique=False)
        syndicates[key] = upsert(
            Organisation,
            tally,
            siren=siren,
            defaults={
                "kind": OrganisationKind.SYNDICATE,
                "name": name,
                "department": caf.department,
            },
        )
    communes = {
        commune.insee_code: commune
        for commune in Organisation.objects.filter(insee_code__in=[c[0] for c in COMMUNES])
    }
    missing = sorted({c[0] for c in COMMUNES} - set(communes))
    if missing:
        raise LookupError(
            f"Communes introuvables : {', '.join(missing)}. Lancez import_territories."
        )
    return caf, pma, syndicates, communes


def _parties(tally, convention, caf, pma, syndicates, communes):
    """Create the 37 parties; return them by organisation key (INSEE code, SIVU key...)."""
    parties = {}
    parties["caf"] = party(
        tally,
        convention,
        caf,
        role=PartyRole.CAF,
        position=0,
        short_name="la Caf du Doubs",
        signatories=[
            representative(
                tally, caf, "M", "Gilles", "ABRAM", "Président du Conseil d'Administration"
            ),
            representative(tally, caf, "M", "Lionel", "KOENIG", "Directeur"),
        ],
        requires_deliberation=False,
    )
    parties["pma"] = party(
        tally,
        convention,
        pma,
        role=PartyRole.LEAD,
        position=1,
        short_name="Pays de Montbéliard Agglomération",
        signatories=[representative(tally, pma, "M", "Charles", "DEMOUGE", "Président")],
    )
    position = 2
    for key, _name, short_name, civility, first, last, title, _siren in SYNDICATES:
        syndicate = syndicates[key]
        parties[key] = party(
            tally,
            convention,
            syndicate,
            role=PartyRole.CO_SIGNATORY,
            position=position,
            short_name=short_name,
            signatories=[representative(tally, syndicate, civility, first, last, title)],
        )
        position += 1
    for insee, civility, first, last in COMMUNES:
        commune = communes[insee]
        parties[insee] = party(
            tally,
            convention,
            commune,
            role=PartyRole.CO_SIGNATORY,
            position=position,
            short_name=f"la Commune {_de(commune.name)}",
            signatories=[representative(tally, commune, civility, first, last, "Maire")],
        )
        position += 1
    return parties


def _equipment(tally, convention, types, syndicates, communes):
    supported = []
    for code, holders in EQUIPMENT.items():
        seen = {}
        for key in holders:
            holder = syndicates.get(key) or communes[key]
            seen[key] = seen.get(key, 0) + 1
            name = f"{code} {_de(holder.name)}"
            if seen[key] > 1:
                name += f" ({seen[key]})"
            supported.append(
                upsert(
                    Equipment,
                    tally,
                    organisation=holder,
                    equipment_type=types[code],
                    name=name,
                )
            )
    set_m2m(convention.equipment, supported)


def _action_plan(tally, convention, parties, themes):
    axes = {
        number: upsert(
            Axis,
            tally,
            convention=convention,
            number=number,
            defaults={"title": title, "description": description},
        )
        for number, title, description in AXES
    }
    commune_parties = [p for key, p in parties.items() if key.isdigit()]
    for action in ACTIONS:
        pilot = parties[action["pilot"]]
        sheet = upsert(
            ActionSheet,
            tally,
            convention=convention,
            number=action["number"],
            defaults={
                "axis": axes[3],
                "objective": None,
                "title": action["title"],
                "initial_diagnostic": action["diagnostic"],
                "target_public": action["public"],
                "operational_objectives": action["objectives"],
                "implementation": action["implementation"],
                "deadline": None,
                "deadline_whole_period": True,
                "pilot_party": pilot,
                "pilot_services": "CAF, PMA",
                "other_partners": action["other_partners"],
                "expected_results": action["results"],
                "territory": TERRITORY + " et communes associées",
            },
        )
        set_m2m(sheet.themes, [themes[code] for code in action["themes"]])
        partners = []
        if action["communes"]:
            partners += commune_parties
        partners += [parties[key] for key in action.get("partner_parties", [])]
        set_m2m(sheet.partner_parties, partners)
        for position, indicator in enumerate(action["indicators"], start=1):
            upsert(
                Indicator,
                tally,
                action_sheet=sheet,
                position=position,
                defaults={
                    "label": indicator["label"],
                    "kind": indicator["kind"],
                    "unit": indicator.get("unit", ""),
                    "periodicity": indicator["periodicity"],
                    "source": indicator.get("source", ""),
                },
            )


def _preamble():
    """The Doubs model's preamble with the territory's own portrait."""
    opening, _, rest = DOUBS_PREAMBLE.partition("En mutualisant")
    return opening + paragraphs(
        "En mutualisant la connaissance des besoins des allocataires et de leur situation, les "
        "analyses partagées à l'échelon départemental permettent de situer le territoire de la "
        "façon suivante :",
        TERRITORY_FACTS,
        rest.split("\n\n")[-1],
    )


def load_pma(tally, *, template, themes, types):
    caf, pma, syndicates, communes = _organisations(tally)
    fields = {
        "title": "Convention territoriale globale de Pays de Montbéliard Agglomération 2023-2027",
        "caf": caf,
        "lead_authority": pma,
        "territory_name": TERRITORY,
        "start_date": START,
        "end_date": END,
        "template": template,
        "signing_place": "Montbéliard",
        "originals_count": 2,
    }
    existing = Convention.objects.filter(reference=REFERENCE).first()
    if existing is not None and existing.state != ConventionState.DRAFT:
        # Frozen, deliberated or signed: the text stays as it was signed.
        return existing
    values = placeholder_values(
        Convention(**fields),
        lead_designation=TERRITORY,
        parties_label="la Caf du Doubs, Pays de Montbéliard Agglomération, les Syndicats Intercommunaux à "
        "Vocation Unique et les communes associées",
    )
    convention = upsert(
        Convention,
        tally,
        reference=REFERENCE,
        defaults={
            **fields,
            # Legal references only: one line per council deliberation is generated
            # from the recorded deliberations.
            "visas": template.visas,
            "preamble": fill_placeholders(_preamble(), values),
            "diagnostic_summary": paragraphs(
                TERRITORY_FACTS,
                "Principaux enjeux dégagés du diagnostic partagé :",
                ISSUES,
                "Cf. Diagnostic CTG de juillet 2022.",
            ),
        },
    )
    parties = _parties(tally, convention, caf, pma, syndicates, communes)
    article_4 = template.articles.get(number=4).body.replace(
        "[enjeux à compléter à partir du diagnostic partagé]", ISSUES
    )
    copy_articles(tally, convention, template, values, overrides={4: {"body": article_4}})
    set_m2m(convention.themes, [themes[code] for code in THEMES])
    for position, (name, composition, missions, periodicity) in enumerate(STEERING, 1):
        upsert(
            SteeringInstance,
            tally,
            convention=convention,
            name=name,
            defaults={
                "position": position,
                "composition": composition,
                "missions": missions,
                "periodicity": periodicity,
            },
        )
    _equipment(tally, convention, types, syndicates, communes)
    _action_plan(tally, convention, parties, themes)
    convention.refresh_from_db()
    return convention


def backdate(convention, field, day, hour=10):
    """The lifecycle stamps "now"; this convention really went through it in 2023."""
    moment = _paris(day, hour)
    Convention.objects.filter(pk=convention.pk).update(**{field: moment})
    setattr(convention, field, moment)
    if field == "frozen_at":
        ConventionVersion.objects.filter(pk=convention.current_version.pk).update(frozen_at=moment)
