"""Annexe 3 of the PMA convention: three axes and the ten action sheets, field by field.

Texts are the document's, with obvious typos fixed. Where the document's
indicator reads "Cf résultats attendus", each expected result becomes an
indicator; "Nombre de réunions et de participants" is two measures, so two
indicators.
"""

from actionplan.models.indicator import IndicatorKind, Periodicity

AXES = [
    (1, "Engager l'EPCI dans la démarche CTG en 2022", ""),
    (2, "Participer aux travaux de construction de la Ctg", ""),
    (3, "Plan d'actions décliné en 10 fiches", "Moyens mobilisés par chaque signataire dans le "
     "cadre des objectifs partagés."),
]  # fmt: skip

IMPLEMENTATION = "Mise en place de réunions de travail avec pilotage à définir"

MEETINGS = {
    "label": "Nombre de réunions",
    "kind": IndicatorKind.QUANTITATIVE,
    "unit": "réunions",
    "periodicity": Periodicity.QUARTERLY,
    "source": "Feuilles d'émargement",
}
PARTICIPANTS = {
    "label": "Nombre de participants",
    "kind": IndicatorKind.QUANTITATIVE,
    "unit": "participants",
    "periodicity": Periodicity.QUARTERLY,
    "source": "Feuilles d'émargement",
}


def qualitative(label, periodicity=Periodicity.HALF_YEARLY):
    return {"label": label, "kind": IndicatorKind.QUALITATIVE, "periodicity": periodicity}


# "pilot": the party responsible ("pma" or "caf"); the document names "CAF, PMA" as the
# services mobilised for every sheet. "communes": the communes (all parties) are among
# the partners solicited; "other_partners": those that are not parties.
ACTIONS = [
    {
        "number": 1,
        "title": "Créer et coordonner un collectif pour l'enfance et la jeunesse (à l'image du "
        "Collectif Petite Enfance créé et porté par la Caf)",
        "themes": ["enfance", "jeunesse"],
        "diagnostic": "Besoins de concertation des acteurs",
        "public": "Professionnels de l'enfance et de la jeunesse sur le territoire",
        "objectives": "Echanges de bonnes pratiques, développement d'actions jeunes à "
        "l'échelle intercommunale, réflexion sur la formation professionnelle.\n"
        "Créer une « communication emploi » au sein de ces collectifs :\n"
        "- Disposer des coordonnées des remplaçants potentiels, favoriser le regroupement "
        "d'employeurs pour compléter les temps de travail des agents ; réflexions sur "
        "l'amélioration des conditions de travail...\n"
        "- Analyse des pratiques\n"
        "- Créer sur la jeunesse un diagnostic partagé afin de mieux connaître les besoins\n"
        "- Echanges avec PMA pour participer en amont aux réflexions sur les animations "
        "sportives et culturelles",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "Acteurs enfance et jeunesse",
        "results": "Concertation régulière des acteurs sur le territoire pour émergence si "
        "besoin d'actions collectives à destination de l'enfance et de la jeunesse",
        "indicators": [
            MEETINGS,
            PARTICIPANTS,
            qualitative("Projets et actions collectives travaillés et mis en œuvre"),
        ],
    },
    {
        "number": 2,
        "title": "Créer et coordonner un collectif pour l'Animation de la Vie Sociale (à l'image "
        "du Collectif Petite Enfance créé et porté par la Caf)",
        "themes": ["avs"],
        "diagnostic": "Besoins de concertation des acteurs",
        "public": "Professionnels de l'animation de la vie sociale sur le territoire",
        "objectives": "Le collectif doit permettre de réunir les salariés des centres sociaux "
        "(directions et employés) mais aussi relier les Présidents et bureaux d'élus des "
        "Centres Sociaux.\n"
        "Le collectif doit regrouper différents acteurs du droit commun, de la « politique de "
        "la ville », des techniciens de PMA, l'ADDSEA pour la prévention, l'Education "
        "Nationale, le CD 25 (convention sport culture jeunesse), la PMI, la Région "
        "(Numérique, énergie, associatif).\n"
        "Le collectif doit permettre une acculturation, de se comprendre, de partager, de "
        "nouer des partenariats :\n"
        "- Travailler sur les difficultés administratives et de financements, rencontrées par "
        "ces structures (financements pluriannuels, agréments)\n"
        "- Faire des centres sociaux des relais des actions culturelles, sportives et "
        "d'animation de PMA sur le territoire\n"
        "- Renforcer les centres sociaux dans leurs missions d'animation de la vie sociale",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "Acteurs de l'Animation de la Vie Sociale",
        "results": "Concertation régulière des acteurs sur le territoire pour émergence si "
        "besoin d'actions collectives à destination de l'animation de la vie sociale",
        "indicators": [
            MEETINGS,
            PARTICIPANTS,
            qualitative("Projets et actions collectives travaillés et mis en œuvre"),
        ],
    },
    {
        "number": 3,
        "title": "Réflexion pour l'amélioration de l'offre de restauration scolaire sur PMA",
        "themes": ["enfance"],
        "diagnostic": "Manque de concurrence et d'offres sur le territoire\n"
        "Besoin d'accompagnement des communes pour la mise en œuvre de la réglementation",
        "public": "Collectivités et structures qui assurent la compétence de la fourniture des "
        "repas scolaires",
        "objectives": "- Étude d'opportunité sur la cuisine centrale, et/ou sur l'implantation "
        "d'offres qualitatives complémentaires\n"
        "- Aider à mettre en application la loi Egalim\n"
        "- Résoudre le problème de la qualité des prestataires\n"
        "- Utiliser des produits locaux (liens PAT)\n"
        "- ...",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "Prestataires",
        "results": "Analyse de la situation sur le territoire\nEsquisses et projets",
        "indicators": [MEETINGS, PARTICIPANTS, qualitative("Projets travaillés et mis en œuvre")],
    },
    {
        "number": 4,
        "title": "Améliorer la formation des professionnels de l'enfance, de la jeunesse et des "
        "centres sociaux",
        "themes": ["enfance", "jeunesse", "avs"],
        "diagnostic": "Manque de professionnels sur le territoire\n"
        "Absence de certaines compétences pratiques ou spécifiques",
        "public": "Employeurs, salariés et bénévoles des structures du territoire\n"
        "Organismes de formation",
        "objectives": "- Engager une réflexion avec Professions Sport 25 et Trajectoire "
        "formation pour que sur le territoire de PMA un centre de formation puisse se "
        "développer\n"
        "- Disposer d'un « vivier » de personnes formées localement pour pourvoir les postes "
        "vacants sur toute l'agglomération (animateurs sportifs, surveillants de baignade, "
        "BNSSA, animateurs jeunesse, etc.)\n"
        "- Soutenir la formation et les vocations afin que les besoins du territoire de PMA "
        "soient couverts (aide aux diplômés ? ...)",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "Prestataires\nOrganismes de formation",
        "results": "Analyse de la situation du territoire\nDéfinition des besoins",
        "indicators": [
            MEETINGS,
            PARTICIPANTS,
            qualitative("Analyse des besoins et des possibilités d'y répondre"),
        ],
    },
    {
        "number": 5,
        "title": "Faciliter l'accessibilité des habitants sur le territoire",
        "themes": ["jeunesse", "equite-territoriale"],
        "diagnostic": "Les habitants de certains quartiers et certaines zones rurales restent "
        "cantonnés (spécialement les jeunes) à leur zone d'habitation en s'excluant de toute "
        "vie sociale",
        "public": "Professionnels de l'accompagnement social\nCommunes\n"
        "Organisateurs de transports en commun et associations d'aide à la mobilité...",
        "objectives": "- Secteurs de PMA non desservis par les Transports en Commun :\n"
        "  - Travailler à la problématique spécifique de la mobilité des jeunes, en "
        "particulier dans les secteurs de PMA non desservis par les transports en commun. "
        "Problématique commune aux habitants non motorisés accueillis dans les centres "
        "sociaux. Mettre en place des actions pragmatiques pour les jeunes, comme par exemple "
        "le développement de services numériques pour organiser des déplacements.\n"
        "- Combattre les freins psychologiques et matériels à la mobilité :\n"
        "  - Actions à mettre en place pour diminuer les freins psychologiques de la "
        "mobilité : sortir des quartiers, sortir de sa commune... Accompagner les habitants à "
        "élargir le périmètre géographique de leurs déplacements et à construire un parcours "
        "intermodal.\n"
        "- Insuffler l'usage des mobilités douces et actives à travers des actions comme par "
        "exemple « Unis Vers Selle » de la MPT de Bavans.\n"
        "- Améliorer le transport à la demande avec la commission concernée et le délégataire",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": False,
        "other_partners": "Organisateurs de transports en commun et associations d'aide à la "
        "mobilité...\nProfessionnels de l'accompagnement social",
        "results": "Définir et mettre en œuvre des actions qui facilitent la mobilité",
        "indicators": [
            {
                "label": "Nombre d'actions mises en place",
                "kind": IndicatorKind.QUANTITATIVE,
                "unit": "actions",
                "periodicity": Periodicity.QUARTERLY,
            }
        ],
    },
    {
        "number": 6,
        "title": "Généraliser la mise en place des guichets uniques pour la petite enfance",
        "themes": ["petite-enfance", "acces-aux-droits"],
        "diagnostic": "Complexité des procédures pour trouver un mode d'accueil dans la petite "
        "enfance",
        "public": "RPE\nCommunes\nEAJE",
        "objectives": "- Consolider les RPE dans le rôle de guichet unique, et les actions des "
        "communes dans ce sens\n"
        "- Aide aux familles pour trouver un mode de garde, dans les démarches administratives "
        "et dans le rôle d'employeur",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "RPE\nEAJE\nCPE",
        "results": "Analyse de la situation du territoire\nDéfinition des besoins",
        "indicators": [
            qualitative(
                "Etat des lieux annuel de l'existant et des développements", Periodicity.YEARLY
            )
        ],
    },
    {
        "number": 7,
        "title": "Disposer d'un responsable Petite Enfance à l'échelle intercommunale pour "
        "accompagner les petites structures, en lien avec le Collectif Petite Enfance existant "
        "(si financé par la CAF)",
        "themes": ["petite-enfance"],
        "diagnostic": "Besoin d'accompagnement des petites structures et des RPE\n"
        "Besoin de mutualisation de certains achats, actions...",
        "public": "Professionnels de la Petite Enfance, communes",
        "objectives": "- A l'image des responsables Petite Enfance des principales communes "
        "de l'agglomération\n"
        "- Travailler sur la mutualisation des commandes, des projets et actions\n"
        "- Créer des actions pour faciliter les recrutements, les remplacements, les "
        "apprentissages ; créer un réseau de diffusion des offres d'emploi petite enfance, "
        "faciliter la formation des assistantes maternelles avec les RPE...\n"
        "- Tenue d'un observatoire de l'offre de la petite enfance",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "Professionnels de la Petite Enfance",
        "results": "Définition précise des besoins\nExistence du Responsable Petite Enfance ?",
        "indicators": [
            qualitative("Définition précise des besoins"),
            qualitative("Existence du Responsable Petite Enfance"),
        ],
    },
    {
        "number": 8,
        "title": "Développer les formations et mettre en place des évaluations de pratiques "
        "(chez les assistantes maternelles notamment : Cf. missions des RPE)",
        "themes": ["petite-enfance"],
        "diagnostic": "Besoin d'une offre d'accompagnement des assistantes maternelles",
        "public": "Assistants maternels par le biais des RPE",
        "objectives": "Propositions de formations\nAnalyse de la pratique",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": False,
        "other_partners": "RPE\nOrganismes de formation",
        "results": "Les assistants maternels montent en compétence",
        "indicators": [
            {
                "label": "Nombre de formations proposées chaque année",
                "kind": IndicatorKind.QUANTITATIVE,
                "unit": "formations",
                "periodicity": Periodicity.YEARLY,
                "source": "Bilans d'activité des RPE",
            },
            {
                "label": "Pourcentage d'assistantes maternelles formées depuis le démarrage du "
                "dispositif",
                "kind": IndicatorKind.QUANTITATIVE,
                "unit": "%",
                "periodicity": Periodicity.YEARLY,
                "source": "Bilans d'activité des RPE",
            },
        ],
    },
    {
        "number": 9,
        "title": "Parentalité : Constituer un Réseau d'Ecoute, d'Appui et d'Accompagnement des "
        "Parents, notamment pour les 6-14 ans et avoir un référent afin de piloter ce réseau",
        "themes": ["parentalite"],
        "diagnostic": "Besoin d'accompagnement en matière de parentalité sur la tranche d'âge "
        "6-14 ans",
        "public": "Parents par le biais des structures d'animation de vie sociale",
        "objectives": "A définir dans le cadre des réunions de travail",
        "implementation": IMPLEMENTATION,
        "pilot": "pma",
        "communes": True,
        "other_partners": "Acteurs enfance, jeunesse et animation de la vie sociale",
        "results": "Définition précise des besoins\n"
        "Disposer d'un référent sur la tranche d'âge concernée",
        "indicators": [
            qualitative("Définition précise des besoins"),
            qualitative("Disposer d'un référent sur la tranche d'âge concernée"),
        ],
    },
    {
        "number": 10,
        "title": "Etudier les possibilités de conforter les participations de la CAF de manière "
        "à mieux soutenir les actions compte tenu de l'augmentation des coûts. Il s'agit aussi "
        "d'assurer la pérennité des actions en allégeant autant que possible les contraintes "
        "administratives pour mieux orienter les temps disponibles vers l'action.",
        "themes": ["equite-territoriale"],
        "diagnostic": "Lourdeur administrative et augmentation du coût des actions",
        "public": "Partenaires de la Caf sur le territoire de la Ctg",
        "objectives": "A définir",
        "implementation": IMPLEMENTATION,
        "pilot": "caf",
        "communes": False,
        "partner_parties": ["caf"],
        "other_partners": "",
        "results": "Analyse chiffrée des besoins financiers des partenaires\n"
        "Evaluation des lourdeurs",
        "indicators": [
            qualitative("Analyse chiffrée des besoins financiers des partenaires"),
            qualitative("Evaluation des lourdeurs"),
        ],
    },
]
