"""Words of the generated conventions: axes, objectives, action sheets, indicators, people.

Drawn from the two reference documents and the usual content of CTG action
plans (DOMAIN.md §1 and §7), so that generated pages read like real ones.
"""

FIRST_NAMES_F = [
    "Anne", "Camille", "Catherine", "Christine", "Claire", "Élodie", "Émilie", "Françoise",
    "Isabelle", "Julie", "Laurence", "Léa", "Marie", "Martine", "Nathalie", "Sandrine",
    "Sophie", "Stéphanie", "Sylvie", "Valérie", "Véronique", "Virginie", "Aurélie", "Hélène",
]  # fmt: skip
FIRST_NAMES_M = [
    "Alain", "Bernard", "Christophe", "Daniel", "David", "Denis", "Éric", "François",
    "Frédéric", "Gérard", "Jacques", "Jean", "Jean-Luc", "Jean-Pierre", "Julien", "Laurent",
    "Marc", "Michel", "Nicolas", "Olivier", "Patrick", "Philippe", "Pierre", "Thierry",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
    "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
    "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier",
    "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
    "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
    "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc",
    "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy",
]  # fmt: skip

# (axis title, theme codes, objectives, action sheet titles, indicators)
# indicators: (label, unit or "" for a qualitative one, periodicity)
AXES = [
    (
        "Développer et adapter l'offre d'accueil du jeune enfant",
        ["petite-enfance"],
        [
            "Maintenir et développer l'offre d'accueil collectif et individuel",
            "Favoriser l'accès des familles vulnérables aux modes d'accueil",
            "Valoriser les métiers de la petite enfance",
        ],
        [
            "Créer une micro-crèche intercommunale",
            "Étendre les horaires d'ouverture des établissements d'accueil du jeune enfant",
            "Consolider le Relais Petite Enfance comme guichet unique",
            "Accompagner l'installation de maisons d'assistants maternels",
            "Réserver des places d'accueil aux parents en parcours d'insertion",
            "Organiser des formations continues des assistants maternels",
            "Mettre en place une commission d'attribution des places partagée",
            "Promouvoir les métiers de la petite enfance auprès des demandeurs d'emploi",
        ],
        [
            ("Nombre de places d'accueil collectif ouvertes", "places", "yearly"),
            ("Taux d'occupation des établissements d'accueil", "%", "half_yearly"),
            ("Nombre d'assistants maternels actifs", "assistants maternels", "yearly"),
            ("Nombre de familles reçues par le Relais Petite Enfance", "familles", "quarterly"),
            ("Qualité du partenariat avec les gestionnaires", "", "yearly"),
        ],
    ),
    (
        "Accompagner les enfants et les jeunes dans leurs loisirs et leur engagement",
        ["enfance", "jeunesse"],
        [
            "Structurer une offre de loisirs éducatifs de qualité",
            "Favoriser l'autonomie et l'engagement des jeunes",
            "Renforcer la coordination enfance-jeunesse",
        ],
        [
            "Harmoniser les tarifs des accueils de loisirs du territoire",
            "Créer un accueil de jeunes itinérant dans les communes rurales",
            "Soutenir les projets portés par les jeunes (bourse aux projets)",
            "Développer le Bafa citoyen et la formation des animateurs",
            "Mettre en place un Point Information Jeunesse",
            "Organiser des séjours intercommunaux pour les 11-17 ans",
            "Développer l'accompagnement à la scolarité (CLAS)",
            "Coordonner les projets éducatifs de territoire",
        ],
        [
            ("Nombre d'enfants accueillis en accueil de loisirs", "enfants", "quarterly"),
            ("Nombre de jeunes accueillis", "jeunes", "quarterly"),
            ("Nombre de projets de jeunes accompagnés", "projets", "half_yearly"),
            ("Nombre d'animateurs formés", "animateurs", "yearly"),
            ("Implication des jeunes dans les instances", "", "yearly"),
        ],
    ),
    (
        "Soutenir les parents dans leur rôle éducatif",
        ["parentalite"],
        [
            "Rendre lisible l'offre de soutien à la parentalité",
            "Développer des actions de proximité pour les parents",
        ],
        [
            "Créer un lieu d'accueil enfants-parents",
            "Animer un réseau local de soutien à la parentalité",
            "Organiser des cafés des parents dans les écoles",
            "Proposer des ateliers parents-enfants autour du numérique",
            "Accompagner les parents d'adolescents",
            "Diffuser un guide des actions parentalité du territoire",
        ],
        [
            ("Nombre de familles participant aux actions", "familles", "quarterly"),
            ("Nombre d'actions parentalité proposées", "actions", "half_yearly"),
            ("Nombre de partenaires du réseau parentalité", "partenaires", "yearly"),
            ("Satisfaction des parents", "", "yearly"),
        ],
    ),
    (
        "Faciliter l'accès aux droits et aux services",
        ["acces-aux-droits", "inclusion-numerique"],
        [
            "Garantir à chaque habitant un accès aux droits de proximité",
            "Lutter contre la fracture numérique",
        ],
        [
            "Ouvrir une Maison France Services itinérante",
            "Former les agents d'accueil des mairies aux démarches en ligne",
            "Déployer des conseillers numériques dans les communes",
            "Organiser des rendez-vous des droits avec la Caf",
            "Créer un annuaire partagé des points d'accueil",
            "Mettre en place des permanences d'accès aux droits en zone rurale",
        ],
        [
            ("Nombre de personnes accompagnées dans leurs démarches", "personnes", "quarterly"),
            ("Nombre de rendez-vous des droits réalisés", "rendez-vous", "quarterly"),
            ("Nombre d'agents formés", "agents", "yearly"),
            ("Couverture du territoire par les points d'accueil", "", "end_of_period"),
        ],
    ),
    (
        "Animer la vie sociale et favoriser le lien social",
        ["avs"],
        [
            "Conforter les centres sociaux et espaces de vie sociale",
            "Soutenir l'engagement bénévole et la participation des habitants",
        ],
        [
            "Accompagner la création d'un espace de vie sociale",
            "Renouveler le projet social du centre social",
            "Former les bénévoles des associations locales",
            "Développer les actions intergénérationnelles",
            "Créer un collectif des acteurs de l'animation de la vie sociale",
            "Mettre en place un budget participatif des habitants",
        ],
        [
            ("Nombre d'habitants participant aux activités", "habitants", "quarterly"),
            ("Nombre de bénévoles impliqués", "bénévoles", "yearly"),
            ("Nombre de structures agréées", "structures", "yearly"),
            ("Participation des habitants à la gouvernance", "", "yearly"),
        ],
    ),
    (
        "Accompagner les familles vulnérables et les publics fragilisés",
        ["accompagnement-social", "logement", "handicap"],
        [
            "Prévenir les ruptures et accompagner les familles fragilisées",
            "Favoriser l'inclusion des enfants en situation de handicap",
            "Améliorer les conditions de logement des familles",
        ],
        [
            "Coordonner l'accompagnement social des familles monoparentales",
            "Prévenir les expulsions locatives",
            "Lutter contre l'habitat indigne avec les bailleurs",
            "Développer l'accueil des enfants en situation de handicap",
            "Créer un pôle ressources handicap",
            "Accompagner les familles touchées par un deuil ou une séparation",
        ],
        [
            ("Nombre de familles accompagnées", "familles", "quarterly"),
            ("Nombre d'enfants en situation de handicap accueillis", "enfants", "half_yearly"),
            ("Nombre de situations d'impayés traitées", "situations", "quarterly"),
            ("Qualité de la coordination entre services", "", "yearly"),
        ],
    ),
    (
        "Garantir l'équité territoriale et coordonner les acteurs",
        ["equite-territoriale"],
        [
            "Piloter et évaluer la CTG",
            "Mieux répartir l'offre de services sur le territoire",
        ],
        [
            "Recruter un chargé de coopération CTG",
            "Mettre en place un observatoire partagé des besoins des familles",
            "Organiser les instances de pilotage de la CTG",
            "Faciliter la mobilité des familles vers les services",
            "Mutualiser les achats et les formations des structures",
            "Élaborer le diagnostic partagé du territoire",
        ],
        [
            ("Nombre de réunions des instances de pilotage", "réunions", "quarterly"),
            ("Nombre de partenaires mobilisés", "partenaires", "yearly"),
            ("Réalisation du bilan annuel", "", "yearly"),
            ("Appropriation de la CTG par les élus", "", "end_of_period"),
        ],
    ),
]

DIAGNOSTICS = [
    "Le diagnostic partagé fait apparaître une offre inégalement répartie entre le pôle "
    "urbain et les communes rurales, où les familles doivent parcourir de longues distances.",
    "Le nombre de familles monoparentales progresse sur le territoire (+{n} % en cinq ans) et "
    "leurs besoins de solutions d'accueil souples ne sont pas couverts.",
    "Les acteurs se connaissent mal et les actions existantes sont peu lisibles pour les "
    "familles ; les professionnels expriment un besoin de coordination.",
    "Les départs à la retraite non remplacés fragilisent l'offre ; {n} postes restent vacants "
    "dans les structures du territoire.",
    "Les habitants éloignés du numérique renoncent à certains droits ; le taux de non-recours "
    "est estimé à {n} % pour certaines prestations.",
]
PUBLICS = [
    "Familles du territoire, en particulier les familles monoparentales",
    "Enfants de 3 à 11 ans et leurs parents",
    "Jeunes de 11 à 25 ans",
    "Parents de jeunes enfants",
    "Professionnels et bénévoles des structures du territoire",
    "Habitants éloignés des services et du numérique",
    "Élus et agents des communes",
]
OPERATIONAL = [
    "- Réaliser un état des lieux de l'existant\n- Définir les besoins avec les partenaires\n"
    "- Mettre en œuvre les actions retenues et en mesurer les effets",
    "- Adapter l'offre aux horaires atypiques des parents\n- Améliorer l'information des "
    "familles\n- Mutualiser les moyens entre communes",
    "- Constituer un groupe de travail partenarial\n- Élaborer un plan de communication\n"
    "- Évaluer l'action chaque année en comité technique",
    "- Former les professionnels\n- Créer des outils partagés\n- Associer les familles à "
    "l'évaluation",
]
IMPLEMENTATIONS = [
    "Mise en place de réunions de travail avec pilotage à définir",
    "Groupe de travail trimestriel réunissant les services concernés, animé par le chargé de "
    "coopération CTG",
    "Appel à projets annuel auprès des structures du territoire, avec l'appui technique de la Caf",
    "Conventions d'objectifs avec les gestionnaires et suivi en comité technique",
]
RESULTS = [
    "Une offre mieux répartie et connue des familles",
    "Des parcours simplifiés pour les familles et des professionnels mieux coordonnés",
    "Une hausse de la fréquentation et de la satisfaction des usagers",
    "Une réponse adaptée aux besoins identifiés dans le diagnostic partagé",
]
HUMAN_MEANS = [
    "Chargé de coopération CTG (0,5 ETP)",
    "Coordinatrice enfance-jeunesse de l'intercommunalité",
    "Conseiller territorial de la Caf et agents des communes",
    "Animateurs des structures partenaires",
]
PILOT_SERVICES = [
    "Service enfance-jeunesse de l'intercommunalité",
    "Direction de la cohésion sociale",
    "Centre intercommunal d'action sociale",
    "Service petite enfance",
]
OTHER_PARTNERS = [
    "Éducation nationale, PMI",
    "Mission locale, associations de jeunesse",
    "Centres sociaux et espaces de vie sociale",
    "Bailleurs sociaux, CCAS",
    "Conseil départemental, MSA",
    "",
]
SECTORS = ["secteur nord", "secteur sud", "secteur est", "secteur ouest", "pôle centre"]

ACHIEVEMENTS = [
    "Réunion du groupe de travail le {day} avec {n} partenaires présents.",
    "{n} familles accueillies ce trimestre ; fréquentation en hausse.",
    "Cahier des charges rédigé et validé en comité technique.",
    "Recrutement réalisé ; prise de poste effective ce trimestre.",
    "Action présentée aux élus en conseil communautaire.",
    "{n} personnes accompagnées, dont un tiers en zone rurale.",
    "Questionnaire diffusé aux familles : {n} réponses.",
]
DIFFICULTIES = [
    "Difficultés de recrutement d'animateurs qualifiés.",
    "Retard dans le versement des cofinancements.",
    "Faible mobilisation de certaines communes.",
    "Locaux indisponibles une partie du trimestre.",
    "Départ de la coordinatrice : l'action est ralentie.",
]
NEXT_STEPS = [
    "Présenter le bilan en comité de pilotage.",
    "Étendre l'action à deux nouvelles communes.",
    "Lancer la consultation des familles.",
    "Préparer la demande de financement auprès de la Caf.",
    "Organiser la prochaine réunion du groupe de travail.",
]
QUALITATIVE_VALUES = [
    "Partenariat en construction",
    "Démarche engagée, premiers effets visibles",
    "Objectif en bonne voie",
    "Résultat atteint pour l'essentiel",
    "Peu de progrès ce trimestre",
]
COMPETENCES = [
    "La collectivité exerce la compétence enfance-jeunesse et soutient les accueils de loisirs "
    "et les accueils de jeunes du territoire.",
    "La collectivité gère un établissement d'accueil du jeune enfant et soutient le Relais "
    "Petite Enfance.",
    "La collectivité assure l'accueil périscolaire et la restauration scolaire de ses écoles.",
    "La collectivité soutient l'animation de la vie sociale et les associations locales.",
]
DECISIONS = [
    "Validation du bilan annuel et des priorités de l'année à venir.",
    "Ajustement du calendrier de trois fiches actions ; accord sur le plan de financement.",
    "Lancement du bilan intermédiaire ; création d'un groupe de travail jeunesse.",
    "Approbation du programme d'actions et du calendrier des instances.",
]
TERMINATION_REASONS = [
    "Fusion de l'intercommunalité au 1er janvier : une nouvelle CTG sera conclue à l'échelle "
    "du nouvel EPCI.",
]
