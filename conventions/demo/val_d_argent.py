# ruff: noqa: E501 (legal prose is kept one paragraph per line, as in the documents)
"""The Val d'Argent CTG 2026-2030, still a draft (reference 000, Caf du Haut-Rhin)."""

import datetime

from actionplan.models import Axis, Objective
from conventions.models import Convention, ConventionState, PartyRole, SteeringInstance
from conventions.placeholders import fill_placeholders, placeholder_values

from .builder import caf_of, copy_articles, organisation, party, representative
from .common import paragraphs, set_m2m, upsert
from .templates import HAUT_RHIN_PREAMBLE

REFERENCE = "val-d-argent-2026-2030"
CC_SIREN = "246800395"
TERRITORY = "Communauté de communes du Val d'Argent"
LEAD_SHORT_NAME = "la Communauté de communes du Val d'Argent"

# (INSEE code, short name, civility, first name, last name), in the document's order.
COMMUNES = [
    ("68185", "la Commune de Lièpvre", "M", "Denis", "PETIT"),
    # The document spells the mayor "FRECAHRD", an obvious typo for FRECHARD.
    ("68283", "la Commune de Rombach-le-Franc", "M", "Jean-Luc", "FRECHARD"),
    ("68294", "la Commune de Sainte-Croix-aux-Mines", "M", "Jean-Marc", "BURRUS"),
    # The document's short name reads « la Sainte-Marie-aux-Mines » (word missing).
    ("68298", "la Commune de Sainte-Marie-aux-Mines", "MME", "Noëllie", "HESTIN"),
]

# The Val d'Argent's own competences: its block in article 3.
CC_COMPETENCES = paragraphs(
    """
AU TITRE DES COMPETENCES OBLIGATOIRES :

1. Le développement économique :
  - Création, aménagement, entretien et gestion de zones d'activités industrielles, commerciales, tertiaires, artisanales et touristiques ;
  - Actions de développement économique dans les conditions prévues à l'article L.4251-17 du Code Général des Collectivités Territoriales ;
  - Politique locale du commerce et soutien aux activités commerciales d'intérêt communautaire ;
  - Promotion du tourisme, dont la création d'un office du tourisme.
2. Aménagement de l'espace.
3. Aménagement, entretien et gestion des aires d'accueil des gens du voyage.
4. Collecte et traitement des déchets des ménages et déchets assimilés.
5. Gestion des milieux aquatiques et prévention des inondations dans les conditions prévues à l'article du code de l'environnement.
""",
    """
AU TITRE DES COMPETENCES FACULTATIVES :

1. Enseignement :
  - Dans le domaine du premier degré : participation aux budgets d'investissement et de fonctionnement du Réseau d'Aide Spécialisée à l'Enfant en Difficulté (RASED) ;
  - Dans le domaine du second degré : soutien financier et logistique pour les actions éducatives en faveur de la connaissance du patrimoine local ; participation financière aux voyages scolaires ; participation financière au titre de l'utilisation de la piscine municipale de Sainte-Marie-aux-Mines.
2. Culture, sport et loisirs :
  - Construction, entretien et fonctionnement d'équipements culturels, sportifs et de loisir d'intérêt communautaire ;
  - Actions culturelles d'intérêt communautaire défini dans le projet culturel 2017-2020 puis ses modifications et mises à jour ultérieures.
3. Petite enfance et enfance :
  - Équipements en faveur de la petite enfance ;
  - Actions en faveur de la petite enfance ;
  - Transport dans le cadre de l'accueil périscolaire ;
  - Élaboration et suivi du Projet Éducatif Territorial (PEDT).
4. Mobilité : organisation de la mobilité sur son ressort territorial au sens des articles L.1231-1 et suivant du Code des transports.
5. Services d'incendie et de secours, caserne de gendarmerie :
  - Participation financière aux services d'incendie et de secours ;
  - Entretien des bâtiments de la caserne de gendarmerie.
6. Réseaux :
  - Construction, entretien et gestion du réseau câblé mis en place sur tout le territoire intercommunal ;
  - Géoréférencement des réseaux (SIG).
7. Actions pour le compte d'une autre collectivité : la Communauté de Communes est autorisée à exercer des compétences au nom et pour le compte du Département ou de la Région en fonction de sa demande, à réaliser des missions d'études ou de travaux par convention de mandat, des travaux et des prestations pour le compte de tiers, et à intervenir comme mandataire ou coordonnateur d'un groupement de commandes.
8. Adhésion à un syndicat : la Communauté de Communes peut adhérer à un syndicat mixte par simple délibération du conseil communautaire, à la majorité absolue des suffrages exprimés, en vue de lui confier l'exercice d'une ou plusieurs de ses compétences.
""",
    """
AU TITRE DES COMPETENCES OPTIONNELLES :

1. Action sociale d'intérêt communautaire :
  - Lutte contre l'exclusion sociale ;
  - Lutte contre la délinquance ;
  - Démarches en faveur de l'intégration des étrangers ;
  - Démarches en faveur de l'insertion professionnelle des jeunes ;
  - Actions et services en faveur des habitants du Val d'Argent et des publics fragilisés.
2. Protection, mise en valeur de l'environnement et soutien aux actions de maîtrise de la demande d'énergie (plan paysage, GERPLAN, programmes d'amélioration des milieux aquatiques, SAGE, déchets autres que ceux des ménages, Plan climat Air Energie Territorial).
3. Politique du logement et du cadre de vie :
  - Politique du logement social d'intérêt communautaire et action, par des opérations d'intérêt communautaire, en faveur du logement des personnes défavorisées ;
  - Politique de l'habitat.
4. A compter du 01/11/2018 : assainissement.
""",
)

ISSUES = """- Le développement d'une stratégie concertée autour de la Petite Enfance dans le cadre de la mise en place du Service public de la Petite Enfance au 1er janvier 2025 :
  - En développant l'offre de places accessibles aux familles (PSU) et en garantissant le maintien des places avec l'optimisation du taux d'occupation ;
  - En soutenant l'accueil individuel ;
  - En veillant à la qualité de l'offre.
- La prise en compte des besoins spécifiques des familles en matière de petite enfance et enfance-jeunesse : famille en insertion professionnelle (crèches AVIP), inclusion handicap, horaires atypiques...
- Le maintien de l'offre enfance jeunesse en adéquation avec les besoins des familles du territoire et la poursuite des actions en faveur des jeunes.
- La poursuite de la dynamique en matière de soutien à la parentalité (Laep, Clas, Réseau Parents 68...), une meilleure connaissance de l'espace de rencontre mobile de la Petite Ourse présent à Sainte-Marie-aux-Mines.
- Le développement de l'accès aux droits dont l'évolution du point numérique Caf en point Relais Caf.
- Le développement des structures de l'Animation de la Vie Sociale, en complémentarité avec l'offre du Centre social.
- Le développement du partenariat entre et avec les acteurs.
- La poursuite du déploiement du projet social de territoire avec l'accompagnement de la fonction de chargé de coopération en lien avec la Caf."""

# Article 4 of reference 000: axes 1-4 and their twelve objectives.
AXES = [
    (
        1,
        "Construire une offre sociale concertée sur le territoire",
        [
            "Animer une commission intercommunale incluant les élus et les autres acteurs du "
            "territoire",
            "Instance technique du suivi des engagements avec le Centre social en charge des "
            "activités liées à la CTG, contractualisé par des conventions",
        ],
    ),
    (
        2,
        "Soutien, valorisation et développement des services aux familles",
        [
            "Maintenir et développer l'offre de service Petite Enfance, en adéquation avec les "
            "besoins des familles du territoire",
            "Maintenir et développer l'offre de service Enfance/jeunesse",
            "Maintenir l'offre de service aux familles et continuer à promouvoir des actions "
            "autour de la parentalité",
        ],
    ),
    (
        3,
        "Renforcer l'attractivité du territoire",
        [
            "Proposer une politique attractive, inclusive et dynamique sur le territoire",
            "Faciliter l'accès à la santé",
            "Mener une politique Habitat intercommunale",
        ],
    ),
    (
        4,
        "Accompagner l'autonomie du citoyen en le rendant acteur",
        [
            "Améliorer l'accès aux droits pour les habitants",
            "Faciliter la mobilité dans la vallée et à l'extérieur",
            "Faciliter l'intégration de la jeunesse",
            "Proposer une politique sénior facilitant le « mieux vieillir »",
        ],
    ),
]


def _objectives_text():
    lines = ["Pilotage - Gouvernance - Animation de la Convention Territoriale Globale.", ""]
    for number, title, objectives in AXES:
        lines.append(f"AXE {number} – {title} :")
        lines.extend(f"- {objective} ;" for objective in objectives)
        lines.append("")
    return "\n".join(lines).strip()


ARTICLE_4 = paragraphs(
    "Les principaux enjeux dégagés du diagnostic partagé (annexe 1) sont :",
    ISSUES,
    "Les objectifs conjoints sont :",
    _objectives_text(),
    """
Les annexes 2 et 3 à la présente convention précisent les moyens mobilisés par chacun des partenaires signataires dans le cadre des champs d'intervention conjoint. Ces annexes font apparaître le soutien des co-financeurs pour le maintien de l'offre existante et les axes de développement d'offres nouvelles.
""",
)

# The real preamble names the MSA Alsace among those who wish to conclude the CTG.
PREAMBLE = HAUT_RHIN_PREAMBLE.replace(
    "la Caf du Haut-Rhin, {collectivite_chef_de_file} et les communes",
    "la Caf du Haut-Rhin, la Mutualité sociale agricole Alsace, "
    "{collectivite_chef_de_file} et les communes",
)

PARTIES_LABEL = (
    "la Caf du Haut-Rhin, la Communauté de communes du Val d'Argent et les communes de "
    "Lièpvre, Rombach-le-Franc, Sainte-Croix-aux-Mines et Sainte-Marie-aux-Mines"
)

THEMES = [
    "petite-enfance",
    "enfance",
    "jeunesse",
    "parentalite",
    "acces-aux-droits",
    "avs",
    "logement",
    "handicap",
]

STEERING = [
    {
        "name": "Comité de pilotage",
        "composition": "Représentants de la Caf du Haut-Rhin, de la Communauté de communes du "
        "Val d'Argent et des communes de celle-ci ; personnes ressources invitées à titre "
        "consultatif selon les thématiques. Copiloté par la Caf et la Communauté de communes ; "
        "secrétariat permanent assuré par la Communauté de communes du Val d'Argent.",
        "missions": "- Assure le suivi de la réalisation des objectifs et l'évaluation de la "
        "convention ;\n- Contribue à renforcer la coordination entre les signataires ;\n"
        "- Veille à la complémentarité des actions et des interventions de chacun des "
        "partenaires ;\n- Porte une attention particulière aux initiatives et aux actions "
        "innovantes du territoire.",
        "periodicity": "Point d'étape annuel ; bilan intermédiaire à mi-parcours ; bilan final "
        "en fin de période",
    },
    {
        "name": "Commission intercommunale",
        "composition": "Élus de la Communauté de communes et des communes, autres acteurs du "
        "territoire (objectif 1.1).",
        "missions": "Construire une offre sociale concertée sur le territoire.",
        "periodicity": "",
    },
    {
        "name": "Instance technique de suivi des engagements",
        "composition": "Chargé de coopération, Centre social en charge des activités liées à la "
        "CTG, conseiller territorial de la Caf (objectif 1.2).",
        "missions": "Suivre les engagements contractualisés par des conventions et alimenter le "
        "tableau de suivi partagé.",
        "periodicity": "Chaque trimestre (tableau de suivi partagé, article 9)",
    },
]


def load_val_d_argent(tally, *, template, themes):
    caf = caf_of("68")
    upsert(
        type(caf),
        tally,
        pk=caf.pk,
        defaults={
            "address": "26, avenue Robert Schuman",
            "postcode": "68084",
            "city": "Mulhouse Cedex",
        },
    )
    caf.refresh_from_db()
    cc = organisation(siren=CC_SIREN)
    existing = Convention.objects.filter(reference=REFERENCE).first()
    if existing is not None and existing.state != ConventionState.DRAFT:
        # Someone moved the demo draft on: its frozen text is left alone.
        return existing
    fields = {
        "title": "Convention territoriale globale du Val d'Argent 2026-2030",
        "caf": caf,
        "lead_authority": cc,
        "territory_name": TERRITORY,
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2030, 12, 31),
        "template": template,
        "signing_place": "Mulhouse",
        "originals_count": 2,
    }
    values = placeholder_values(
        Convention(**fields), lead_designation=LEAD_SHORT_NAME, parties_label=PARTIES_LABEL
    )
    convention = upsert(
        Convention,
        tally,
        reference=REFERENCE,
        defaults={
            **fields,
            # Legal references; the lines for each council's deliberation are
            # generated from the recorded deliberations.
            "visas": template.visas,
            "preamble": fill_placeholders(PREAMBLE, values),
            "diagnostic_summary": "Principaux enjeux dégagés du diagnostic partagé :\n\n" + ISSUES,
        },
    )

    president = representative(
        tally, caf, "M", "Luc", "CHERVY", "Président du Conseil d'Administration"
    )
    director = representative(tally, caf, "M", "Lionel", "KOENIG", "Directeur")
    party(
        tally,
        convention,
        caf,
        role=PartyRole.CAF,
        position=0,
        short_name="la Caf",
        signatories=[president, director],
        requires_deliberation=False,
    )
    party(
        tally,
        convention,
        cc,
        role=PartyRole.LEAD,
        position=1,
        short_name="la Communauté de communes du Val d'Argent",
        signatories=[representative(tally, cc, "M", "Jean-Marc", "BURRUS", "Président")],
        competences=CC_COMPETENCES,
    )
    for position, (insee, short_name, civility, first, last) in enumerate(COMMUNES, start=2):
        commune = organisation(insee_code=insee)
        mayor = representative(tally, commune, civility, first, last, "Maire")
        party(
            tally,
            convention,
            commune,
            role=PartyRole.CO_SIGNATORY,
            position=position,
            short_name=short_name,
            signatories=[mayor],
        )

    copy_articles(
        tally,
        convention,
        template,
        values,
        overrides={
            3: {"title": "Les champs d'intervention de la Communauté de communes du Val d'Argent"},
            4: {"body": ARTICLE_4},
        },
    )
    set_m2m(convention.themes, [themes[code] for code in THEMES])
    for position, instance in enumerate(STEERING, start=1):
        upsert(
            SteeringInstance,
            tally,
            convention=convention,
            name=instance["name"],
            defaults={
                "position": position,
                "composition": instance["composition"],
                "missions": instance["missions"],
                "periodicity": instance["periodicity"],
            },
        )
    for number, title, objectives in AXES:
        axis = upsert(Axis, tally, convention=convention, number=number, defaults={"title": title})
        for index, objective in enumerate(objectives, start=1):
            upsert(Objective, tally, axis=axis, number=index, defaults={"title": objective})
    convention.refresh_from_db()
    return convention
