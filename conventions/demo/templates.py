# ruff: noqa: E501 (legal prose is kept one paragraph per line, as in the documents)
"""The Caf du Haut-Rhin and Caf du Doubs convention templates.

Texts come from the two reference documents (the Val d'Argent 2026-2030 draft
for the Haut-Rhin, the Pays de Montbéliard 2023-2027 convention for the Doubs),
lightly trimmed. Territory names are replaced by the documented placeholders
(conventions/placeholders.py) so that a new convention gets its own names.
"""

from conventions.models import ConventionTemplate, TemplateArticle

from .common import paragraphs, upsert

# -- Shared texts --------------------------------------------------------------

PREAMBLE_OPENING = paragraphs(
    """
Les Caf sont nées de la volonté d'apporter une aide à toutes les familles, dans leur diversité. Qu'il prenne la forme de prestations monétaires ou d'aides permettant de développer des services, l'investissement des Caf témoigne d'un engagement de la collectivité, dans une visée universelle, pour accompagner le développement de chaque personne, dès sa naissance, par une présence et un soutien dans son parcours de vie, accentuant, s'il le faut, son aide lorsque la famille est dans la difficulté.
""",
    """
La branche Famille est ainsi présente auprès de chacun tout au long de la vie, auprès de chaque parent, femme ou homme, en fonction de sa situation, en équité : conciliation vie familiale/vie professionnelle, accueil des enfants et des jeunes, lutte contre la pauvreté sont les domaines prioritaires de l'intervention des Caf, qui prend la forme d'une offre globale de service.
""",
    """
Dédiée initialement à la famille, la Branche s'est vue progressivement confier des missions pour le compte de l'Etat et des départements, qui représentent une part importante de son activité.
""",
)

PREAMBLE_PARTNERSHIP = paragraphs(
    """
Pour accompagner le développement de celles-ci, les Caf collaborent depuis l'origine avec leurs partenaires de terrain, au premier rang desquels les collectivités locales. Les communes (et leur regroupement) sont en effet particulièrement investies dans le champ des politiques familiales et sociales, au titre de leur clause de compétence générale leur permettant de répondre aux besoins du quotidien des citoyens.
""",
    """
Les territoires se caractérisent par une grande diversité de situations d'habitants, et par de nombreuses évolutions qui modifient profondément la vie des familles. Leurs attentes évoluent, et la réponse à celles-ci passe par la volonté des acteurs locaux. A ce titre, la Caf entend poursuivre son soutien aux collectivités locales qui s'engagent dans un projet de territoire qui leur est destiné.
""",
    """
Dans ce cadre, la Convention territoriale globale (CTG) est une démarche stratégique partenariale qui a pour objectif d'élaborer le projet de territoire pour le maintien et le développement des services aux familles, et la mise en place de toute action favorable aux allocataires dans leur ensemble. Elle s'appuie sur un diagnostic partagé avec les partenaires concernés pour définir les priorités et les moyens dans le cadre d'un plan d'actions adapté.
""",
    """
Véritable démarche d'investissement social et territorial, la CTG favorise ainsi le développement et l'adaptation des équipements et services aux familles, l'accès aux droits et l'optimisation des interventions des différents acteurs.
""",
    """
La CTG peut couvrir, en fonction des résultats du diagnostic, les domaines d'intervention suivants : petite enfance, enfance, jeunesse, parentalité, accès aux droits et aux services, inclusion numérique, animation de la vie sociale, logement, handicap, accompagnement social.
""",
    """
Elle s'appuie sur les documents de diagnostic et de programmation que constituent les différents schémas départementaux : schéma départemental des services aux familles, schéma départemental de l'animation de la vie sociale, stratégie de lutte contre la pauvreté...
""",
)

ARTICLE_7_DATA = paragraphs(
    """
Les parties s'engagent réciproquement à se communiquer toutes les informations utiles dans le cadre de l'exécution de la présente convention.
""",
    """
Toutefois, en cas de projet d'échanges de données à caractère personnel, les demandes par l'une des parties feront obligatoirement l'objet d'une étude d'opportunité, de faisabilité et de conformité au Règlement Général sur la Protection des Données (RGPD) par l'autre partie, en la qualité de responsable de traitement de cette dernière. Ces demandes seront soumises pour étude et avis préalable au Délégué à la Protection des Données de la partie qui détient les données personnelles demandées. Le Délégué à la Protection des Données pourra être amené à formuler des recommandations spécifiques à chaque échange de données.
""",
    """
Si elles sont mises en œuvre, ces transmissions (ou mises à disposition) de données personnelles respecteront strictement le Règlement Général sur la Protection des Données (RGPD), la loi n° 78-17 du 6 Janvier 1978 modifiée relative à l'informatique, aux fichiers et aux libertés ainsi que les décisions, avis ou préconisations de la Commission nationale de l'Informatique et des Libertés (CNIL). La présente convention ne se substitue en rien à la nécessité, pour les responsables de traitement concernés, d'ajouter le traitement de données personnelles ainsi créé à la liste des traitements qu'il doit tenir au titre de l'article 30 du RGPD.
""",
)

ARTICLE_8_COMMUNICATION = paragraphs(
    """
Les parties décident et réalisent, d'un commun accord, les actions de communication relatives à la présente convention.
""",
    """
Les supports communs font apparaître les logos de chacune des parties.
""",
    """
Dans le cadre des actions de communication respectives couvrant le champ de la présente convention, chaque partie s'engage à mentionner la coopération de l'autre partie et à valoriser ce partenariat.
""",
)

ARTICLE_11_EXECUTION = paragraphs(
    """
Toute modification fera l'objet d'un avenant par les parties.
""",
    """
Cet avenant devra notamment préciser toutes les modifications apportées à la convention d'origine ainsi qu'à ses annexes.
""",
    """
Si l'une quelconque des stipulations de la présente convention est nulle, au regard d'une règle de droit en vigueur ou d'une décision judiciaire devenue définitive, elle sera réputée non écrite, mais les autres stipulations garderont toute leur force et leur portée.
""",
    """
En cas de différences existantes entre l'un quelconque des titres des clauses et l'une quelconque des clauses, le contenu de la clause prévaudra sur le titre.
""",
)

ARTICLE_12_END = paragraphs(
    """
Résiliation de plein droit avec mise en demeure
""",
    """
En cas de non-respect par l'une des parties de l'une de ses obligations résultant de la présente convention, celle-ci pourra être résiliée de plein droit par l'une ou l'autre partie, à l'expiration d'un délai d'un mois suivant l'envoi d'une lettre recommandée avec avis de réception valant mise en demeure de se conformer aux obligations contractuelles et restée infructueuse.
""",
    """
Les infractions par l'une ou l'autre des parties aux lois et règlements en vigueur entraîneront la résiliation de plein droit de la présente convention par la Caf, à l'expiration d'un délai d'un mois suivant l'envoi d'une lettre recommandée avec avis de réception valant mise en demeure de se conformer aux obligations légales ou réglementaires en vigueur et restée infructueuse.
""",
    """
Résiliation de plein droit sans mise en demeure
""",
    """
La présente convention sera résiliée de plein droit par la Caf, sans qu'il soit besoin de procéder à une mise en demeure ou de remplir toutes formalités judiciaires, en cas de modification d'un des termes de la présente convention sans la signature d'un avenant.
""",
    """
Résiliation par consentement mutuel
""",
    """
La présente convention peut être dénoncée par l'une ou l'autre des parties moyennant un délai de prévenance de 6 mois.
""",
    """
Effets de la résiliation
""",
    """
La résiliation de la présente convention entraînera l'arrêt immédiat des engagements des parties. La résiliation interviendra sans préjudice de tous autres droits et de tous dommages et intérêts.
""",
)

ARTICLE_13_DISPUTES = paragraphs(
    """
Recours contentieux
""",
    """
Tout litige résultant de l'exécution de la présente convention est du ressort du Tribunal administratif dont relève la Caf.
""",
)

ARTICLE_14_CONFIDENTIALITY = """Les parties sont tenues, ainsi que l'ensemble de leur personnel, au secret professionnel, à l'obligation de discrétion et à l'obligation de confidentialité pour tout ce qui concerne les faits, informations, études et décisions dont elles auront eu connaissance durant l'exécution de la présente convention et après son expiration."""

ARTICLE_10_DURATION = (
    "La présente convention est conclue à compter du {date_debut} jusqu'au {date_fin} au "
    "maximum. La présente convention ne peut être reconduite que par expresse reconduction."
)

# -- Caf du Haut-Rhin (reference 000) -------------------------------------------

HAUT_RHIN_NAME = "Modèle CTG de la Caf du Haut-Rhin (renouvellement 2026)"

HAUT_RHIN_VISAS = """Vu les articles L. 263-1, L. 223-1 et L. 227-1 à 3 du Code de la sécurité sociale ;
Vu le Code de l'action sociale et des familles ;
Vu le Code général des collectivités territoriales ;
Vu l'arrêté du 3 octobre 2001 relatif à l'Action sociale des Caisses d'allocations familiales (Caf) ;
Vu la loi du 18 décembre 2023 pour le plein emploi ;
Vu le décret n°2021-1644 du 14 décembre 2021 relatif à la gouvernance des services aux familles et au métier d'assistant maternel ;
Vu le décret n° 2025-253 du 20 mars 2025 relatif au schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant prévu à l'article L. 214-1-3 du code de l'action sociale et des familles ;
Vu la Convention d'objectifs et de gestion (Cog) arrêtée entre l'Etat et la Caisse nationale des allocations familiales (Cnaf) ;
Vu la délibération du conseil d'administration de la Caf du Haut-Rhin en date du 12 décembre 2025 concernant la stratégie pluriannuelle de renouvellement des CTG ;"""

HAUT_RHIN_MISSIONS = paragraphs(
    """
Les missions emblématiques de la branche Famille sont fondatrices de son cœur de métier :

- Développer des services attentionnés tout au long des parcours de vie de chacun ;
- Garantir un accès efficace au juste droit en améliorant le modèle de délivrance des prestations ;
- Mobiliser les leviers de performance et accompagner les transformations, grâce à une organisation territorialisée, départementale, solidaire et au plus proche des partenaires locaux.
""",
    """
Ces missions passent par les objectifs suivants :

- Répondre aux besoins d'accueil diversifiés des jeunes enfants et de leurs familles dans le cadre du service public de la petite enfance ;
- Réduire les inégalités d'accès des enfants et adolescents aux activités péri et extrascolaires pour favoriser la conciliation entre vie familiale et vie professionnelle et l'épanouissement des enfants ;
- Favoriser l'autonomie et l'accès aux droits des adolescents et des jeunes adultes ;
- Soutenir les parents, en couple, seuls ou séparés, dans l'exercice de leur parentalité, de la naissance à l'adolescence ;
- Favoriser l'accès et le maintien dans le logement notamment des allocataires les plus fragiles ;
- Renforcer la solidarité par le soutien aux politiques d'insertion, d'autonomie et de handicap, en lien avec les partenaires ;
- Sécuriser et accompagner les habitants allocataires dans une relation de confiance centrée sur l'accès aux droits et aux services ;
- Renforcer les coopérations avec les partenaires locaux.
""",
)

HAUT_RHIN_ALSACE = paragraphs(
    """
Son plan d'action s'inscrit en cohérence avec les orientations du Schéma Alsacien des Services aux Familles, animé par le Comité Alsacien des Services aux Familles, dont la Caf assure le secrétariat général. Ce comité est présidé alternativement par les Préfets des deux départements alsaciens et ses Vice-Présidences sont assurées par le Président de la Collectivité Européenne d'Alsace ou un conseiller départemental, un maire ou président d'établissement public de coopération intercommunale du département, et les Présidents des conseils d'administration des deux Caf de manière alternative ou un administrateur de ces conseils d'administration désignés par ceux-ci.
""",
    """
La collectivité locale peut ainsi s'appuyer sur la CTG pour formaliser ses engagements d'autorité organisatrice de l'accueil du jeune enfant. Le volet petite enfance et parentalité de la CTG répond aux attendus du schéma d'Autorité Organisatrice et dispense la collectivité signataire de la CTG de réaliser un schéma dès lors que son contenu est ajusté aux attendus définis dans le cadre du décret n° 2025-253 du 20 mars 2025.
""",
    """
La CTG s'appuie également sur une concertation des partenaires et des usagers.
""",
    """
En mutualisant la connaissance des besoins des allocataires et de leur situation, les analyses partagées à l'échelon départemental permettent de situer le territoire de la façon suivante :
""",
    """
Les caractéristiques territoriales sont décrites dans le portrait de territoire, le diagnostic partagé et l'offre de structures de proximité, d'équipements et de services aux familles en Annexe 1 et 2.
""",
)

HAUT_RHIN_PREAMBLE = paragraphs(
    PREAMBLE_OPENING,
    HAUT_RHIN_MISSIONS,
    PREAMBLE_PARTNERSHIP,
    HAUT_RHIN_ALSACE,
    """
C'est pourquoi, dans la perspective d'intervenir en cohérence avec les orientations générales déclinées dans le présent préambule, au plus près des besoins du territoire, la Caf du Haut-Rhin, {collectivite_chef_de_file} et les communes de cette dernière souhaitent conclure une Convention territoriale globale (CTG) pour renforcer leurs actions sur les champs d'intervention partagés.
""",
)

# The local authorities' four competences as organising authority for early
# childhood (AO), shared by every Haut-Rhin convention after article 3's blocks.
HAUT_RHIN_AO = paragraphs(
    """
En réponse aux besoins d'accueil diversifiés des jeunes enfants et de leurs familles, les collectivités locales sont, depuis le 1er janvier 2025, les autorités organisatrices d'accueil du jeune enfant (AO) et contribuent ainsi à la mise en place du service public de la petite enfance. A ce titre, elles exercent quatre compétences en fonction du nombre des habitants de leurs territoires :
""",
    """
Quel que soit le nombre des habitants de leur territoire, toutes les communes ou EPCI exerçant la compétence d'AO :

- Recensent les besoins des enfants âgés de moins de trois ans et de leurs familles en matière de services aux familles ainsi que les modes d'accueil disponibles sur leur territoire : cette compétence vise à identifier les besoins des familles en matière de soutien à la parentalité et d'accueil du jeune enfant (nombre de places d'accueil requises, type d'accueil, accessibilité financière et géographique, etc.) et à recenser l'offre d'accueil, individuel (assistants maternels) ou collective (crèches) présente sur la commune ou l'intercommunalité ;
- Informent et accompagnent les familles ayant un ou plusieurs enfants âgés de moins de trois ans ainsi que les futurs parents : cette compétence vise à garantir, à la hauteur de ses moyens et de manière adaptée aux besoins de son territoire, la bonne information des parents et des futurs parents sur l'offre d'accueil des jeunes enfants disponible dans la commune (publique et privée) et à organiser et structurer une offre d'accompagnement à la parentalité pour tous les parents ;
- Les communes de plus de 3 500 habitants exerçant la compétence d'AO planifient, au vu du recensement des besoins, le développement des modes d'accueil du jeune enfant : cette compétence vise à fixer des objectifs de création de places d'accueil à court ou moyen terme, en identifiant les zones prioritaires à couvrir et les modalités d'accueil à favoriser au regard des besoins des familles ; pour les communes ou les groupements compétents en cas de transfert de plus de 10 000 habitants, la mission de planification prend notamment la forme du schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant prévu à l'article L. 214-2 du Code de l'action sociale et des familles. Les communes (ou les groupements en cas de transfert de la compétence) qui ont conclu avec la Caf une Convention Territoriale Globale (CTG), qui correspond aux attendus du schéma pluriannuel de maintien et de développement de l'offre d'accueil, sont dispensées de réaliser un nouveau schéma.
- Soutiennent la qualité des modes d'accueil : cette compétence vise à œuvrer à la montée en qualité de tous les modes d'accueil, individuels et collectifs, publics et privés. Pour exercer cette compétence, les communes (ou leur groupement lorsque la compétence leur a été transférée) de plus de 10 000 habitants doivent se doter d'un Relais Petite Enfance à compter du 1er janvier 2026.
""",
    """
La CTG constitue un cadre structurant sur lequel la commune et ou l'EPCI signataire peuvent s'appuyer pour exercer leurs compétences d'AO. La CTG assure une vision cohérente et opérationnelle de l'offre d'accueil et dispense la collectivité de réaliser un schéma d'AO dans la mesure où, sur le champ de la petite enfance en particulier, elle comporte :

- Le diagnostic des besoins (Annexe 1) ;
- La liste des équipements et services soutenus par chaque collectivité locale exerçant une compétence d'AO (Annexe 2) ;
- Le plan d'actions de la CTG (Annexe 3) ;
- Les modalités de concertation et les partenariats à développer et les ressources de coopération et d'ingénierie mobilisées (Annexe 4) ;
- Les indicateurs de suivi et d'évaluation (article 9 de la présente convention).
""",
)

HAUT_RHIN_ARTICLES = [
    (
        1,
        "Objet de la convention territoriale globale",
        paragraphs(
            """
La présente convention vise à définir le projet stratégique global du territoire à l'égard des familles ainsi que ses modalités de mise en œuvre.
""",
            """
Ce projet est établi à partir d'un diagnostic partagé tenant compte de l'ensemble des problématiques du territoire.
""",
            """
Elle a pour objet :

- D'identifier, dans le cadre du diagnostic partagé, les besoins prioritaires et les besoins non satisfaits sur la commune ou communauté de communes (Annexe 1) ;
- De définir un plan d'actions et une programmation permettant d'identifier les champs d'intervention à privilégier au regard de l'écart offre/besoin et de développer des actions nouvelles permettant de pérenniser et d'optimiser l'offre des services existante, par une mobilisation des cofinancements (Annexe 2 et 3) ;
- De suivre la mise en œuvre du plan d'actions et de mesurer les impacts de la démarche (Annexe 4).
""",
        ),
        False,
    ),
    (
        2,
        "Les champs d'intervention de la Caf",
        paragraphs(
            """
Les interventions de la Caf, en matière d'optimisation de l'existant et de développement d'offres nouvelles, sur le territoire de {collectivite_chef_de_file} et des communes de celle-ci concernent les axes suivants :
""",
            """
Répondre aux besoins d'accueil diversifiés des jeunes enfants et de leurs familles dans le cadre du service public de la petite enfance par :

- Un égal accès à l'information et une offre d'orientation et d'accompagnement ainsi qu'à l'accès réel de tous les enfants aux modes d'accueil ;
- La pérennisation et le développement des places d'accueil individuel et collectif pour garantir aux familles une offre de qualité, conforme aux exigences de la Charte d'accueil du jeune enfant en tout point du territoire.
""",
            """
La branche Famille s'est engagée à déployer une réponse diversifiée aux besoins d'accueil diversifiés des jeunes enfants et de leurs familles dans le cadre du Service Public de la Petite Enfance. Véritable opportunité de vivifier le projet de territoire et d'accélérer les transformations à l'œuvre, le service public de la petite enfance (SPPE) participe pleinement à l'attractivité des services aux familles. Il se structure autour de trois priorités : lutte contre les inégalités sociales et de destin dès le plus jeune âge, lever tous les freins au développement de l'offre d'accueil et proposer des solutions d'accueil de qualité.
""",
            """
Réduire les inégalités d'accès des enfants et adolescents aux activités péri et extrascolaires par :

- Le maintien et le développement des accueils péri et extra scolaires relevant des ACM, des accueils de jeunes et des départs en vacances des enfants en séjour collectif ;
- L'accessibilité financière des familles et l'inclusion des enfants en situation de handicap dans les accueils de loisirs.
""",
            """
Favoriser l'autonomie et l'accès aux droits des adolescents et des jeunes adultes par :

- Le développement d'une information adaptée et d'un accompagnement à l'engagement et à la participation des jeunes ;
- L'autonomie des jeunes via le logement et l'engagement citoyen et l'accès aux droits et aux services des jeunes et de leurs familles.
""",
            """
Soutenir les parents, en couple, seuls ou séparés, dans l'exercice de leur parentalité, de la naissance à l'adolescence par :

- Une action coordonnée avec le service public la petite enfance et la démarche « 1 000 premiers jours » dès l'arrivée de l'enfant ;
- L'accès des parents à une offre de soutien à la parentalité de proximité, diversifiée et innovante notamment pour les parents d'adolescents ;
- L'accompagnement de la séparation auprès des deux parents et la lutte contre la pauvreté des familles monoparentales.
""",
            """
Favoriser l'accès et le maintien dans le logement notamment des allocataires les plus fragiles par :

- L'évolution des aides personnelles au logement, le renforcement du partenariat avec les bailleurs sociaux et la prévention des expulsions et des impayés locatifs ;
- La contribution à la lutte contre la non-décence des logements et le soutien au développement de solutions de logements innovants ou adaptés.
""",
            """
Renforcer la solidarité par le soutien aux politiques d'insertion, d'autonomie et de handicap par :

- La mise en œuvre des réformes relevant des politiques du handicap, de l'autonomie et de la solidarité ;
- Les interventions de travail social en direction des familles en situation de vulnérabilité.
""",
            """
Sécuriser et accompagner les habitants allocataires dans une relation de confiance centrée sur l'accès aux droits et aux services par :

- Un niveau de service de base plus satisfaisant, s'appuyant sur ses partenaires, dans une démarche d'aller-vers et omnicanal ;
- La détection automatisée des droits potentiels et la lutte contre les erreurs et la fraude afin de garantir le versement à bon droit des prestations légales et d'action sociale.
""",
            """
Renforcer les coopérations avec les partenaires locaux par :

- L'accompagnement des projets de territoires avec les partenaires et les élus ;
- L'animation de la vie sociale des territoires ;
- L'adaptation des politiques d'action sociale aux réalités locales et encourager les innovations de terrain.
""",
        ),
        False,
    ),
    (
        3,
        "Les champs d'intervention des collectivités",
        paragraphs(
            """
{collectivite_chef_de_file} met en place des actions au niveau local pour répondre à des besoins repérés.
""",
            """
Celles-ci concernent :
""",
            HAUT_RHIN_AO,
        ),
        True,
    ),
    (
        4,
        "Les objectifs partagés au regard des besoins",
        paragraphs(
            """
Les principaux enjeux dégagés du diagnostic partagé (annexe 1) sont :
""",
            """
[enjeux à compléter à partir du diagnostic partagé]
""",
            """
Les objectifs conjoints sont :
""",
            """
[axes et objectifs du plan d'actions]
""",
            """
Les annexes 2 et 3 à la présente convention précisent les moyens mobilisés par chacun des partenaires signataires dans le cadre des champs d'intervention conjoint. Ces annexes font apparaître le soutien des co-financeurs pour le maintien de l'offre existante et les axes de développement d'offres nouvelles.
""",
        ),
        False,
    ),
    (
        5,
        "Engagements des signataires",
        paragraphs(
            """
La Caf du Haut-Rhin et {collectivite_chef_de_file} et les communes qui la composent s'engagent à mettre en œuvre les moyens nécessaires pour atteindre les objectifs qu'ils se sont assignés dans le plan d'actions de la présente convention.
""",
            """
La présente convention est conclue dans le cadre des orientations de la Convention d'objectifs et de gestion signée entre l'Etat et la Cnaf. Elle est mise en œuvre dans le respect des dispositifs et des outils relevant des compétences propres de chacune des parties, lesquelles restent libres de s'engager avec leurs partenaires habituels ou d'engager toute action ou toute intervention qu'elles jugeront nécessaire et utile.
""",
            """
La CTG matérialise également l'engagement conjoint de la Caf et de la collectivité à poursuivre leur appui financier aux services aux familles du territoire.
""",
            """
La Caf s'engage à répartir des financements bonifiés directement entre les structures du territoire soutenues par la collectivité locale compétente, sous la forme de « bonus territoire CTG » et du bonus trajectoire de développement.
""",
            """
De son côté, la collectivité s'engage à poursuivre son soutien financier en ajustant en conséquence la répartition de sa contribution pour les équipements et services listés en annexe 2.
""",
            """
Lorsqu'il se matérialise par le versement d'une subvention, le soutien financier de la collectivité territoriale doit permettre d'équilibrer un coût de fonctionnement garantissant la qualité du service attendu. Cet engagement pourra évoluer en fonction de l'évolution des compétences détenues.
""",
        ),
        False,
    ),
    (
        6,
        "Modalités de collaboration",
        paragraphs(
            """
Les parties s'engagent à mobiliser des moyens humains (personnels qualifiés et en quantité) et matériels (données, statistiques, etc.) nécessaires à la réalisation des obligations définies dans la présente convention.
""",
            """
Pour mener à bien les objectifs précisés dans la présente convention, les parties décident de mettre en place un comité de pilotage.
""",
            """
Ce comité est composé de représentants de la Caf et de {collectivite_chef_de_file} et des communes de celle-ci.
""",
            """
Les parties conviennent d'un commun accord que des personnes ressources en fonction des thématiques repérées pourront participer à ce comité de pilotage à titre consultatif.
""",
            """
Cette instance :

- Assure le suivi de la réalisation des objectifs et l'évaluation de la convention ;
- Contribue à renforcer la coordination entre les deux signataires, dans leurs interventions respectives et au sein des différents comités de pilotage thématiques existants ;
- Veille à la complémentarité des actions et des interventions de chacun des partenaires sur le territoire concerné ;
- Porte une attention particulière aux initiatives et aux actions innovantes du territoire.
""",
            """
Le comité de pilotage sera copiloté par la Caf et {collectivite_chef_de_file}.
""",
            """
Le secrétariat permanent est assuré par {collectivite_chef_de_file}.
""",
            """
Les modalités de pilotage opérationnel et de collaboration technique, ainsi que le suivi de la mise en œuvre de la CTG, fixés d'un commun accord entre les parties à la présente convention, figurent en annexe 4 de la présente convention.
""",
            """
Dans le cadre du Copil de la CTG, chaque collectivité locale exerçant la compétence de planification de l'offre en tant qu'Autorité Organisatrice de l'accueil du jeune enfant établit et actualise périodiquement son schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant qu'elle transmet au Comité Alsacien des Services aux Familles (CASF). La Caf apporte son soutien à la collectivité locale dans la vérification de la compatibilité (contenu et durée) de son schéma avec le Schéma Alsacien des services aux familles.
""",
            """
La Caf transmet au CASF les éléments de la CTG correspondant au schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant, ainsi que son bilan intermédiaire et final.
""",
        ),
        False,
    ),
    (7, "Echanges de données", ARTICLE_7_DATA, False),
    (8, "Communication", ARTICLE_8_COMMUNICATION, False),
    (
        9,
        "Suivi, bilan et évaluation",
        paragraphs(
            """
Les signataires s'engagent à mettre en œuvre une démarche à visée évaluative structurée autour de deux dimensions complémentaires :
""",
            """
1. Le suivi continu du plan d'action
""",
            """
Un tableau de suivi partagé est mis en place dès le démarrage de la CTG dans le but de :

- Actualiser régulièrement les informations (idéalement chaque trimestre) ;
- Suivre l'état d'avancement des actions ;
- Rendre compte des modalités de mise en œuvre, des avancements et des difficultés.
""",
            """
2. Le pilotage de la démarche évaluative avec la ou les collectivité(s) territoriale(s) en associant ses partenaires (associations, gestionnaires d'équipement, partenaires institutionnels, etc.)
""",
            """
Le pilotage s'organise autour de trois temps complémentaires en comité de pilotage :

- Des points d'étape annuels pour présenter l'état d'avancement du plan d'action et procéder à des ajustements mineurs si nécessaire.
- Un échange plus approfondi avec la collectivité territoriale à mi-parcours permettant d'examiner les avancées et les difficultés, et de décider d'éventuels ajustements mineurs, ou plus significatifs qui pourraient nécessiter un avenant à la CTG. Cet échange se traduit par la formalisation d'un bilan intermédiaire.
- Un échange associant les partenaires de la collectivité territoriale en fin de période pour analyser les résultats obtenus, évaluer le fonctionnement de la démarche CTG et préparer le renouvellement. Cette réflexion permet de formaliser un bilan final.
""",
            """
Cette organisation permet de maintenir une dynamique partenariale tout au long de la CTG, avec une mobilisation renforcée sur des moments-clés.
""",
            """
Une attention particulière est progressivement portée à l'évaluation des changements engendrés, non pas par chaque dispositif ou action pris isolément, mais par les effets de l'ensemble de ces actions et dispositifs sur le territoire. Cette approche permet d'évaluer le maillage territorial, la réponse aux besoins des habitants et de valoriser la vision globale et territoriale spécifique à la CTG. Il est ainsi attendu que la démarche à visée évaluative rende compte non seulement des réalisations (ce qui a été fait) mais aussi des changements territoriaux (ce qui a évolué pour les habitants du territoire).
""",
            """
Sous la responsabilité du COPIL CTG et avec l'aide de la Caf si nécessaire, les chargés de coopération ou les personnes désignées pour suivre la CTG au sein de la collectivité, conduisent l'évaluation des politiques et des actions mises en œuvre en :

- Développant des partenariats afin de collecter des données et de l'information ;
- Concevant les indicateurs de suivi ;
- Conduisant les analyses statistiques, cartographiques, quantitatives et qualitatives et des dispositifs d'évaluation ;
- Exploitant et communiquant les résultats.
""",
            """
Lorsque la CTG tient lieu de schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant, ces bilans intermédiaires et finaux permettent de répondre aux exigences réglementaires prévues à l'article L. 214-2 du CASF. Ainsi, a minima les parties relatives au champ d'intervention « petite enfance » de ces bilans sont communiquées au CASF. Ces bilans sont soit transmis par courrier ou par mail par les signataires de la CTG au CASF, soit la Caf les transmet au CASF avec l'accord des signataires de la CTG.
""",
            """
Les collectivités locales signataires peuvent mobiliser l'outil « CTG dans ma poche » pour suivre le bon déroulement du plan d'actions et des engagements qui le concernent. Ouvert aux chargés de coopération et aux personnes en charge des CTG au sein des collectivités locales, l'outil favorise le suivi de la programmation du plan d'actions de la CTG sous la responsabilité du comité de pilotage.
""",
            """
Chaque collectivité signataire de la CTG désigne la ou les personne(s) habilitée(s) à utiliser l'application pour suivre les engagements qui la concernent. Elle s'engage à signer une convention spécifique pour la mise en œuvre de cet outil.
""",
        ),
        False,
    ),
    (10, "Durée de la convention", ARTICLE_10_DURATION, False),
    (11, "Exécution formelle de la convention", ARTICLE_11_EXECUTION, False),
    (12, "La fin de la convention", ARTICLE_12_END, False),
    (13, "Les recours", ARTICLE_13_DISPUTES, False),
    (14, "Confidentialité", ARTICLE_14_CONFIDENTIALITY, False),
]

# -- Caf du Doubs (reference 003) -----------------------------------------------

DOUBS_NAME = "Modèle CTG de la Caf du Doubs (déploiement 2022)"

DOUBS_VISAS = """Vu les articles L. 263-1, L. 223-1 et L. 227-1 à 3 du Code de la sécurité sociale ;
Vu le Code de l'action sociale et des familles ;
Vu le Code général des collectivités territoriales ;
Vu l'arrêté du 3 octobre 2001 relatif à l'Action sociale des Caisses d'allocations familiales (Caf) ;
Vu la Convention d'objectifs et de gestion (Cog) arrêtée entre l'Etat et la Caisse nationale des allocations familiales (Cnaf) ;
Vu la délibération du conseil d'administration de la Caf du Doubs en date du 29 novembre 2021 concernant la stratégie de déploiement des Ctg ;"""

DOUBS_MISSIONS = """Les quatre missions emblématiques de la branche Famille sont fondatrices de son cœur de métier :

- Aider les familles à concilier vie familiale, vie professionnelle et vie sociale ;
- Faciliter la relation parentale, favoriser le développement de l'enfant et soutenir les jeunes ;
- Créer les conditions favorables à l'autonomie, à l'insertion sociale et professionnelle ;
- Accompagner les familles pour améliorer leur cadre de vie et leurs conditions de logement."""

DOUBS_PREAMBLE = paragraphs(
    PREAMBLE_OPENING,
    DOUBS_MISSIONS,
    PREAMBLE_PARTNERSHIP,
    """
En mutualisant la connaissance des besoins des allocataires et de leur situation, les analyses partagées à l'échelon départemental permettent de situer le territoire de la façon suivante :

- Les caractéristiques territoriales suivantes : [à compléter] ;
- L'offre de structures de proximité, d'équipements et de services aux familles suivantes : [à compléter] ;
- Le territoire et les champs d'intervention prioritaires suivants : [à compléter] ;
- Les objectifs communs de développement et de coordination des actions concernent : [à compléter] ;
- Les degrés d'intervention de chaque partenaire sur les champs d'intervention communs.
""",
    """
C'est pourquoi, dans la perspective d'intervenir en cohérence avec les orientations générales déclinées dans le présent préambule, au plus près des besoins du territoire, la Caf du Doubs et {collectivite_chef_de_file} et les communes associées souhaitent conclure une Convention territoriale globale (Ctg) pour renforcer leurs actions sur les champs d'intervention partagés.
""",
)

DOUBS_ARTICLES = [
    (
        1,
        "Objet de la convention territoriale globale",
        paragraphs(
            """
La présente convention vise à définir le projet stratégique global du territoire à l'égard des familles ainsi que ses modalités de mise en œuvre.
""",
            """
Ce projet est établi à partir d'un diagnostic partagé tenant compte de l'ensemble des problématiques du territoire.
""",
            """
Elle a pour objet :

- D'identifier les besoins prioritaires sur le territoire géographique de {collectivite_chef_de_file} (figurant en Annexe 1 de la présente convention) ;
- De définir les champs d'intervention à privilégier au regard de l'écart offre/besoin ;
- De pérenniser et d'optimiser l'offre des services existante, par une mobilisation des cofinancements (Annexe 2) ;
- De développer des actions nouvelles permettant de répondre à des besoins non satisfaits par les services existants (Annexe 3).
""",
        ),
        False,
    ),
    (
        2,
        "Les champs d'intervention de la Caf",
        paragraphs(
            """
Les interventions de la Caf, en matière d'optimisation de l'existant et de développement d'offres nouvelles, sur le territoire de {collectivite_chef_de_file} et les communes associées, concernent les champs d'interventions suivants :
""",
            """
- Aider les familles à concilier vie familiale, vie professionnelle et vie sociale ;
- Faciliter la relation parentale, favoriser le développement de l'enfant et soutenir les jeunes ;
- Créer les conditions favorables à l'autonomie, à l'insertion sociale et professionnelle ;
- Accompagner les familles pour améliorer leur cadre de vie et leurs conditions de logement.
""",
        ),
        False,
    ),
    (
        3,
        "Les champs d'intervention de l'EPCI",
        paragraphs(
            """
{collectivite_chef_de_file} et les communes associées mettent en place des actions au niveau local pour répondre à des besoins repérés.
""",
            """
Cf. Annexe 3.
""",
        ),
        False,
    ),
    (
        4,
        "Les objectifs partagés au regard des besoins",
        paragraphs(
            """
Les champs d'intervention conjoints sont :

- Aider les familles à concilier vie familiale, vie professionnelle et vie sociale :
  - Poursuivre la structuration d'une offre diversifiée en direction de la petite enfance ;
  - Poursuivre la structuration d'une offre diversifiée en direction des enfants.
- Faciliter la relation parentale, favoriser le développement de l'enfant et soutenir les jeunes :
  - Compenser les charges familiales et accompagner les parents dans leur rôle ;
  - Contribuer à l'égalité des chances en matière de réussite scolaire et renforcer le lien entre les familles et l'école ;
  - Faciliter l'autonomie des jeunes, élément de passage à l'âge adulte.
- Accompagner les familles pour améliorer leur cadre de vie et leurs conditions de logement :
  - Favoriser, pour les familles, des conditions de logement et un cadre de vie de qualité ;
  - Faciliter l'intégration des familles dans la vie collective et citoyenne.
- Créer les conditions favorables à l'autonomie, à l'insertion sociale et professionnelle :
  - Soutenir les personnes et les familles confrontées au handicap ;
  - Aider les familles confrontées à des événements ou des difficultés fragilisant la vie familiale ;
  - Accompagner le parcours d'insertion et le retour (et maintien) dans l'emploi des personnes et des familles en situation de pauvreté.
""",
            """
Les principaux enjeux dégagés du diagnostic partagé sont :
""",
            """
[enjeux à compléter à partir du diagnostic partagé]
""",
            """
Les Annexes 2 et 3 à la présente convention précisent les moyens mobilisés par chacun des partenaires dans le cadre des champs d'intervention conjoints. Ces annexes font apparaître le soutien des co-financeurs pour le maintien de l'offre existante et les axes de développement d'offres nouvelles.
""",
        ),
        False,
    ),
    (
        5,
        "Engagements des partenaires",
        paragraphs(
            """
La Caf du Doubs et {collectivite_chef_de_file} et les communes associées s'engagent à mettre en œuvre les moyens nécessaires pour atteindre les objectifs qu'ils se sont assignés dans le plan d'actions de la présente convention.
""",
            """
La présente convention est conclue dans le cadre des orientations de la Convention d'objectifs et de gestion signée entre l'Etat et la Cnaf. Elle est mise en œuvre dans le respect des dispositifs et des outils relevant des compétences propres de chacune des parties, lesquelles restent libres de s'engager avec leurs partenaires habituels ou d'engager toute action ou toute intervention qu'elles jugeront nécessaire et utile.
""",
            """
La Ctg matérialise également l'engagement conjoint de la Caf et des collectivités à poursuivre leur appui financier aux services aux familles du territoire.
""",
            """
A l'issue du (es) Contrat(s) enfance et jeunesse passé(s) avec la(es) collectivité(s) signataire(s), la Caf s'engage à conserver le montant des financements bonifiés de N-1 (le montant de référence est celui comptabilisé dans les comptes de la Caf en N-1, charge à payer) à ce titre et à les répartir directement entre les structures du territoire soutenues par la collectivité locale compétente, sous la forme de « bonus territoire ctg ».
""",
            """
De leur côté, les collectivités s'engagent à poursuivre leur soutien financier en ajustant en conséquence la répartition de sa contribution pour les équipements et services listés en Annexe 2. Cet engagement pourra évoluer en fonction de l'évolution des compétences détenues.
""",
        ),
        False,
    ),
    (
        6,
        "Modalités de collaboration",
        paragraphs(
            """
Les parties s'engagent à mobiliser des moyens humains (personnels qualifiés et en quantité) et matériels (données, statistiques, etc.) nécessaires à la réalisation des obligations définies dans la présente convention.
""",
            """
Pour mener à bien les objectifs précisés dans la présente convention, les parties décident de mettre en place un comité de pilotage.
""",
            """
Ce comité est composé, à parité, de représentants de la Caf, de {collectivite_chef_de_file} et le cas échéant de représentants des communes.
""",
            """
Les parties conviennent d'un commun accord que des personnes ressources en fonction des thématiques repérées pourront participer à ce comité de pilotage à titre consultatif.
""",
            """
Cette instance :

- Assure le suivi de la réalisation des objectifs et l'évaluation de la convention ;
- Contribue à renforcer la coordination entre les deux partenaires, dans leurs interventions respectives et au sein des différents comités de pilotage thématiques existants ;
- Veille à la complémentarité des actions et des interventions de chacun des partenaires sur le territoire concerné ;
- Porte une attention particulière aux initiatives et aux actions innovantes du territoire.
""",
            """
Le comité de pilotage sera copiloté par la Caf et {collectivite_chef_de_file}.
""",
            """
Le secrétariat permanent est assuré par la Caf et {collectivite_chef_de_file}.
""",
            """
Les modalités de pilotage opérationnel et de collaboration technique, ainsi que le suivi de la mise en œuvre de la Ctg, fixées d'un commun accord entre les parties, figurent en annexe 4 de la présente convention.
""",
        ),
        False,
    ),
    (7, "Echanges de données", ARTICLE_7_DATA, False),
    (8, "Communication", ARTICLE_8_COMMUNICATION, False),
    (
        9,
        "Evaluation",
        paragraphs(
            """
Une évaluation des actions est conduite au fur et à mesure de l'avancée de la mise en œuvre de la Ctg, lors des revues du plan d'actions. Les indicateurs d'évaluation sont déclinés dans le plan, constituant l'annexe 4 de la présente convention. Ils permettent de mesurer l'efficacité des actions mises en œuvre.
""",
            """
A l'issue de la présente convention, un bilan sera effectué intégrant une évaluation des effets de celle-ci. Cette évaluation devra permettre d'adapter les objectifs en fonction des évolutions constatées.
""",
            """
Les indicateurs travaillés dans le cadre de cette démarche d'évaluation pourront être intégrés dans le cadre de l'Annexe 5.
""",
        ),
        False,
    ),
    (
        10,
        "Durée de la convention",
        # The Doubs text has no "au maximum".
        ARTICLE_10_DURATION.replace(" au maximum", ""),
        False,
    ),
    (11, "Exécution formelle de la convention", ARTICLE_11_EXECUTION, False),
    (12, "La fin de la convention", ARTICLE_12_END, False),
    (13, "Les recours", ARTICLE_13_DISPUTES, False),
    (14, "Confidentialité", ARTICLE_14_CONFIDENTIALITY, False),
]


def _load_template(tally, caf, name, visas, preamble, articles):
    template = upsert(
        ConventionTemplate,
        tally,
        caf=caf,
        name=name,
        defaults={"visas": visas, "preamble": preamble, "is_active": True},
    )
    for number, title, body, party_blocks in articles:
        upsert(
            TemplateArticle,
            tally,
            template=template,
            number=number,
            defaults={"title": title, "body": body, "has_party_blocks": party_blocks},
        )
    return template


def load_templates(tally, caf_haut_rhin, caf_doubs):
    haut_rhin = _load_template(
        tally,
        caf_haut_rhin,
        HAUT_RHIN_NAME,
        HAUT_RHIN_VISAS,
        HAUT_RHIN_PREAMBLE,
        HAUT_RHIN_ARTICLES,
    )
    doubs = _load_template(
        tally, caf_doubs, DOUBS_NAME, DOUBS_VISAS, DOUBS_PREAMBLE, DOUBS_ARTICLES
    )
    return haut_rhin, doubs
