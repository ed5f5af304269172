"""Quarterly follow-up of the PMA action sheets, 2025 Q1 to 2026 Q3 (illustrative).

The follow-up is written by the territory and validated by the Caf adviser;
the figures and facts below are plausible, not taken from a real report.
"""

import datetime

from django.utils import timezone

from actionplan.models import FollowUp, FollowUpState, FollowUpStatus, IndicatorValue

from .common import upsert

QUARTERS = [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]

IP, DIFF, DONE, POSTPONED = (
    FollowUpStatus.IN_PROGRESS,
    FollowUpStatus.IN_DIFFICULTY,
    FollowUpStatus.DONE,
    FollowUpStatus.POSTPONED,
)

# action number -> one (status, progress, achievements, difficulties, next steps) per quarter.
FOLLOW_UPS = {
    1: [
        (IP, 45, "Réunion plénière du collectif enfance-jeunesse le 13 mars 2025 à Montbéliard "
         "(14 structures représentées). Mise à jour de la liste partagée des remplaçants "
         "potentiels (animateurs BAFA).", "", "Lancer le groupe de travail « diagnostic "
         "jeunesse »."),
        (IP, 55, "Groupe de travail « diagnostic jeunesse » constitué (6 communes, 3 centres "
         "sociaux). Questionnaire aux 11-17 ans diffusé dans les accueils de jeunes.", "",
         "Exploiter les réponses au questionnaire à la rentrée."),
        (IP, 60, "412 réponses au questionnaire jeunesse. Échanges avec le service des sports de "
         "PMA sur le programme des animations sportives d'été.", "Faible participation des "
         "petites communes rurales aux réunions de juillet.", "Présenter les premiers résultats "
         "au collectif en novembre."),
        (IP, 70, "Restitution du diagnostic jeunesse au collectif le 20 novembre 2025. Deux "
         "projets intercommunaux retenus : un séjour ados commun et un forum des métiers de "
         "l'animation.", "", "Préparer le forum avec la Mission locale."),
        (IP, 75, "Préparation du forum des métiers de l'animation avec la Mission locale. "
         "Première séance d'analyse des pratiques pour les directeurs d'ALSH.", "",
         "Tenir le forum en avril."),
        (IP, 80, "Forum des métiers de l'animation le 15 avril 2026 à Audincourt : 120 "
         "visiteurs, 18 animateurs recrutés pour l'été. Séjour ados intercommunal organisé "
         "(24 jeunes de 7 communes).", "", "Faire le bilan du séjour à la rentrée."),
        (IP, 85, "Bilan du séjour ados présenté au collectif le 24 septembre 2026. Calendrier "
         "2027 des réunions arrêté.", "", "Préparer la contribution du collectif au bilan final "
         "de la CTG."),
    ],
    2: [
        (IP, 40, "Réunion du collectif des centres sociaux et EVS le 4 février 2025 (9 "
         "structures, directions et présidents). Recensement des difficultés administratives : "
         "renouvellements d'agrément, financements pluriannuels.", "", "Rencontrer la Caf sur "
         "le calendrier des agréments."),
        (IP, 50, "Rencontre avec la Caf sur le calendrier des renouvellements de projets "
         "sociaux. Les centres sociaux relaient le programme culturel d'été de PMA.", "",
         "Atelier commun sur les dossiers de subvention."),
        (IP, 55, "Atelier commun sur les pièces justificatives des subventions (Caf, Département, "
         "DDETS).", "Départ de deux directeurs de centres sociaux : la continuité du collectif "
         "est fragilisée.", "Organiser une journée inter-centres sociaux."),
        (IP, 65, "Journée inter-centres sociaux le 2 décembre 2025 (62 bénévoles et salariés). "
         "Charte de fonctionnement du collectif adoptée.", "", "Étendre le relais des actions "
         "culturelles de PMA."),
        (IP, 70, "Les centres sociaux relaient la billetterie solidaire des spectacles de PMA.",
         "", "Former ensemble les bénévoles à l'accueil."),
        (IP, 75, "Conventions pluriannuelles d'objectifs signées entre trois communes et leur "
         "centre social. Formation commune des bénévoles à l'accueil.", "", "Réunion de "
         "rentrée."),
        (IP, 80, "Réunion de rentrée le 18 septembre 2026 : bilan de l'été et programme commun "
         "des fêtes de quartier.", "", "Préparer le bilan final de la CTG."),
    ],
    3: [
        (IP, 20, "Recensement des modes de production des repas scolaires des communes : 21 "
         "communes en liaison froide auprès de 3 prestataires.", "Réponses incomplètes de "
         "plusieurs communes.", "Rencontrer le Projet alimentaire territorial (PAT)."),
        (IP, 30, "Réunion avec le Projet alimentaire territorial de PMA sur l'approvisionnement "
         "local des cantines.", "", "Cadrer l'étude d'opportunité sur une cuisine centrale."),
        (POSTPONED, 30, "", "L'étude d'opportunité sur une cuisine centrale est reportée au "
         "budget 2026 de PMA.", "Inscrire l'étude au budget 2026."),
        (IP, 35, "Étude d'opportunité sur une cuisine centrale intercommunale inscrite au "
         "budget 2026 de PMA.", "", "Choisir le bureau d'études."),
        (IP, 45, "Bureau d'études retenu ; visite d'une cuisine centrale publique de la région "
         "avec les élus.", "", "Présenter les scénarios aux maires."),
        (IP, 55, "Scénarios présentés aux maires : cuisine centrale publique ou groupement de "
         "commandes respectant la loi Egalim.", "", "Consulter les communes sur le groupement "
         "de commandes."),
        (IP, 60, "Groupement de commandes à l'étude pour 12 communes à la rentrée 2027, avec "
         "50 % de produits durables visés.", "", "Délibérations des communes volontaires."),
    ],
    4: [
        (IP, 35, "Rencontre avec Professions Sport 25 et Trajectoire Formation : une session "
         "BAFA d'approfondissement délocalisée à Montbéliard.", "", "Recenser les postes "
         "vacants."),
        (IP, 45, "Session BAFA générale à Bethoncourt (18 stagiaires du territoire). Postes "
         "vacants recensés : 35 animateurs, 6 surveillants de baignade.", "", "Organiser une "
         "formation BNSSA."),
        (IP, 50, "Formation BNSSA avec la piscine de Mandeure : 8 lauréats embauchés pour "
         "l'été.", "", "Proposer une aide au BAFA aux communes."),
        (IP, 60, "Aide au BAFA de 200 € votée par 5 communes, en contrepartie d'un engagement "
         "dans leurs accueils.", "", "Programmer les sessions du printemps."),
        (IP, 65, "Deux sessions BAFA programmées au printemps 2026.", "", "Analyser les besoins "
         "des centres sociaux."),
        (IP, 70, "Analyse des besoins de formation partagée avec les centres sociaux.", "",
         "Étudier une antenne de formation sur le territoire."),
        (IP, 75, "Projet d'antenne de Trajectoire Formation à Audincourt en cours d'examen.", "",
         "Décision attendue en fin d'année."),
    ],
    5: [
        (IP, 30, "Atelier mobilité avec le délégataire du réseau de transport de PMA : secteurs "
         "non desservis identifiés (Blamont, Dambelin, Bourguignon).", "", "Étendre « Unis "
         "Vers Selle »."),
        (IP, 40, "Action « Unis Vers Selle » de la MPT de Bavans étendue à deux communes : 36 "
         "vélos remis en état avec des jeunes.", "", "Sorties hors des quartiers cet été."),
        (IP, 45, "Sorties « Bouger hors du quartier » organisées par trois centres sociaux (87 "
         "habitants).", "", "Saisir la commission transport à la demande."),
        (IP, 55, "Transport à la demande : un service le vendredi soir ajouté pour les jeunes "
         "après avis de la commission.", "", "Présenter le covoiturage aux jeunes."),
        (IP, 60, "Application de covoiturage présentée dans les accueils de jeunes.", "",
         "Ateliers « parcours intermodal »."),
        (IP, 65, "Ateliers « parcours intermodal » avec les conseillers en insertion (24 "
         "personnes accompagnées).", "", "Bilan du transport à la demande."),
        (IP, 70, "Bilan du transport à la demande du vendredi soir : 410 trajets de jeunes "
         "depuis janvier.", "", "Pérenniser le service en 2027."),
    ],
    6: [
        (IP, 40, "Cinq RPE sur sept jouent le rôle de guichet unique des demandes d'accueil.",
         "", "Formulaire unique de demande."),
        (IP, 50, "Formulaire unique de demande d'accueil partagé entre EAJE et RPE de "
         "Montbéliard, Valentigney et Audincourt.", "", "Aider les parents employeurs."),
        (IP, 55, "Permanences d'aide aux parents employeurs (Pajemploi) dans trois RPE.", "",
         "Établir l'état des lieux annuel."),
        (IP, 60, "État des lieux annuel 2025 présenté au Collectif Petite Enfance.", "",
         "Commission d'attribution commune."),
        (IP, 65, "Travail sur une commission d'attribution des places commune à plusieurs "
         "communes.", "", "Informer les mairies sur monenfant.fr."),
        (IP, 70, "Information sur monenfant.fr systématisée dans les mairies.", "",
         "Intégrer le RPE de Vieux-Charmont."),
        (IP, 75, "Le RPE de Vieux-Charmont rejoint le guichet unique : six RPE sur sept.", "",
         "Dernier RPE à intégrer en 2027."),
    ],
    7: [
        (IP, 30, "Besoins des petites structures recensés au Collectif Petite Enfance (achats de "
         "matériel, remplacements).", "", "Rédiger une fiche de poste."),
        (IP, 40, "Fiche de poste de responsable Petite Enfance intercommunal rédigée avec les "
         "responsables de Montbéliard et Valentigney.", "", "Chiffrer le poste."),
        (IP, 45, "Chiffrage du poste présenté en comité technique (1 ETP, environ 55 000 € par "
         "an).", "", "Demander un cofinancement."),
        (IP, 45, "Demande de cofinancement adressée à la Caf.", "Réponse sur le financement en "
         "attente.", "Attendre la réponse de la Caf."),
        (DIFF, 45, "Observatoire de l'offre petite enfance tenu par la Caf en attendant.",
         "Le financement du poste n'est pas acquis : la fiche action le conditionne au soutien "
         "de la Caf, qui ne peut le financer au titre du bonus territoire, et PMA n'exerce pas "
         "la compétence petite enfance.", "Étudier un poste mutualisé entre trois communes "
         "volontaires."),
        (DIFF, 45, "Réunion entre Montbéliard, Audincourt et Valentigney sur un poste "
         "mutualisé.", "Pas d'accord sur la répartition du coût du poste.", "Soumettre la "
         "question au comité de pilotage."),
        (DIFF, 50, "La Caf propose un financement d'amorçage sur fonds locaux, à l'étude.",
         "Décision reportée au comité de pilotage de décembre 2026.", "Arbitrage du comité de "
         "pilotage."),
    ],
    8: [
        (IP, 50, "Plan de formation 2025 des RPE : six sessions (éveil musical, premiers "
         "secours, sauveteur secouriste du travail).", "", "Mettre en place l'analyse de la "
         "pratique."),
        (IP, 55, "Analyse de la pratique mensuelle dans quatre RPE.", "", "Sessions de "
         "rentrée."),
        (IP, 60, "Trois nouvelles sessions de formation continue à la rentrée.", "",
         "Bilan annuel."),
        (IP, 65, "Bilan 2025 : 11 formations proposées ; 38 % des assistantes maternelles "
         "formées depuis 2023.", "", "Plan de formation 2026."),
        (IP, 70, "Plan de formation 2026 arrêté avec les sept RPE.", "", "Étendre l'analyse de "
         "la pratique."),
        (IP, 75, "Analyse de la pratique étendue à six RPE.", "", "Sessions de rentrée."),
        (IP, 80, "Formation « accueil de l'enfant en situation de handicap » suivie par 22 "
         "assistantes maternelles.", "", "Bilan 2026."),
    ],
    9: [
        (IP, 25, "Groupe de travail parentalité 6-14 ans réuni avec les centres sociaux et les "
         "LAEP.", "", "Identifier les besoins."),
        (IP, 35, "Besoins identifiés : accompagnement à la scolarité, usages numériques, "
         "conflits à l'adolescence.", "", "Cafés des parents."),
        (IP, 40, "Cycle de « cafés des parents » dans quatre centres sociaux.", "",
         "Relayer l'appel à projets REAAP."),
        (IP, 50, "Appel à projets REAAP 2026 relayé : 7 projets déposés par des structures du "
         "territoire.", "", "Désigner un référent."),
        (IP, 55, "Référente parentalité désignée au centre social de Valentigney, à titre "
         "expérimental.", "", "Conférence sur les écrans."),
        (IP, 60, "Conférence sur les écrans à Seloncourt (95 parents).", "", "Réunir le "
         "réseau."),
        (IP, 65, "Réseau des acteurs de la parentalité réuni le 30 septembre 2026.", "",
         "Décider de pérenniser la fonction de référent."),
    ],
    10: [
        (IP, 30, "Recensement des hausses de coûts des ALSH et EAJE (énergie, salaires).", "",
         "Présenter la dématérialisation aux gestionnaires."),
        (IP, 40, "Déclaration dématérialisée des données d'activité présentée aux "
         "gestionnaires.", "", "Analyse chiffrée."),
        (IP, 50, "Analyse chiffrée : hausse moyenne de 11 % du coût horaire en ALSH entre 2022 "
         "et 2025.", "", "Présenter le bonus territoire au comité de pilotage."),
        (IP, 60, "Évolution du bonus territoire CTG présentée au comité de pilotage.", "",
         "Simplifier les dossiers."),
        (IP, 70, "Un seul dossier de demande pour les structures multi-accueil.", "",
         "Note d'évaluation des lourdeurs."),
        (DONE, 100, "Note d'évaluation des lourdeurs administratives remise au comité de "
         "pilotage ; analyse chiffrée des besoins financiers des partenaires achevée.", "",
         "Suivi intégré au bilan annuel."),
        (DONE, 100, "Action réalisée ; le suivi des financements est intégré au bilan "
         "annuel.", "", ""),
    ],
}  # fmt: skip

# action number -> {indicator position: one value per quarter (None: not measured)}.
# Numbers for quantitative indicators, text for qualitative ones.
INDICATOR_VALUES = {
    1: {
        1: [2, 3, 1, 2, 2, 3, 2],
        2: [38, 27, 12, 53, 35, 61, 44],
        3: [None, "Groupe de travail « diagnostic jeunesse » lancé", None,
            "Deux projets retenus : séjour ados et forum des métiers", None,
            "Forum des métiers et séjour ados réalisés", None],
    },
    2: {
        1: [1, 2, 1, 2, 1, 2, 1],
        2: [22, 19, 15, 74, 17, 28, 21],
        3: [None, "Relais du programme culturel d'été de PMA", None,
            "Charte du collectif adoptée", None, "Formation commune des bénévoles", None],
    },
    3: {
        1: [1, 1, 0, 1, 2, 1, 1],
        2: [14, 9, 0, 16, 12, 35, 18],
        3: [None, "Recensement des modes de production réalisé", None,
            "Étude d'opportunité inscrite au budget 2026", None,
            "Scénarios présentés aux maires", None],
    },
    4: {
        1: [1, 2, 1, 1, 1, 2, 1],
        2: [6, 24, 11, 9, 7, 19, 8],
        3: [None, "Besoins recensés : 35 animateurs, 6 surveillants de baignade", None,
            "Aide au BAFA dans 5 communes", None, "Besoins des centres sociaux analysés", None],
    },
    5: {1: [1, 2, 3, 4, 5, 6, 6]},
    6: {1: [None, None, None, "État des lieux 2025 : 5 RPE sur 7 font guichet unique, "
            "formulaire commun dans 3 communes", None, None, None]},
    7: {
        1: [None, "Besoins des petites structures recensés", None,
            "Fiche de poste et chiffrage établis", None, "Besoins confirmés par 3 communes", None],
        2: [None, None, None, "Poste non créé", None, "Poste non créé : financement non acquis",
            None],
    },
    8: {1: [None, None, None, 11, None, None, None], 2: [None, None, None, 38, None, None, None]},
    9: {
        1: [None, "Trois besoins prioritaires identifiés", None,
            "Besoins partagés en comité technique", None, None, None],
        2: [None, None, None, "Pas encore de référent", None,
            "Référente désignée à titre expérimental (centre social de Valentigney)", None],
    },
    10: {
        1: [None, None, "Hausse moyenne de 11 % du coût horaire en ALSH (2022-2025)", None, None,
            "Analyse achevée", None],
        2: [None, None, None, "Quatre lourdeurs prioritaires identifiées", None,
            "Note remise au comité de pilotage", None],
    },
}  # fmt: skip

# The last quarter is still with the adviser: submitted, or being written.
DRAFT_IN_LAST_QUARTER = {4, 9}
ADVISER_COMMENTS = {
    (7, 2026, 1): "Point à inscrire à l'ordre du jour du prochain comité de pilotage.",
    (3, 2025, 3): "Report validé : l'étude sera financée en 2026.",
}


def _quarter_end(year, quarter):
    month = quarter * 3
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    return next_month - datetime.timedelta(days=1)


def _moment(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_follow_ups(tally, convention, adviser):
    sheets = {sheet.number: sheet for sheet in convention.action_sheets.all()}
    for number, entries in FOLLOW_UPS.items():
        sheet = sheets[number]
        indicators = {i.position: i for i in sheet.indicators.all()}
        for index, ((year, quarter), entry) in enumerate(zip(QUARTERS, entries, strict=True)):
            status, progress, achievements, difficulties, next_steps = entry
            end = _quarter_end(year, quarter)
            last = index == len(QUARTERS) - 1
            if last and number in DRAFT_IN_LAST_QUARTER:
                state, submitted, validated = FollowUpState.DRAFT, None, None
            elif last:
                state, submitted, validated = FollowUpState.SUBMITTED, end, None
            else:
                state, submitted, validated = FollowUpState.VALIDATED, end, end
            follow_up = FollowUp(
                action_sheet=sheet,
                year=year,
                quarter=quarter,
                status=status,
                progress=progress,
                achievements=achievements,
                difficulties=difficulties,
                next_steps=next_steps,
            )
            follow_up.clean()
            follow_up = upsert(
                FollowUp,
                tally,
                action_sheet=sheet,
                year=year,
                quarter=quarter,
                defaults={
                    "status": status,
                    "progress": progress,
                    "achievements": achievements,
                    "difficulties": difficulties,
                    "next_steps": next_steps,
                    "state": state,
                    "submitted_at": submitted
                    and _moment(submitted + datetime.timedelta(days=12), 16),
                    "validated_at": validated
                    and _moment(validated + datetime.timedelta(days=26), 11),
                    "validated_by": adviser if validated else None,
                    "adviser_comment": ADVISER_COMMENTS.get((number, year, quarter), ""),
                },
            )
            for position, values in INDICATOR_VALUES.get(number, {}).items():
                value = values[index]
                if value is None:
                    continue
                numeric = not isinstance(value, str)
                upsert(
                    IndicatorValue,
                    tally,
                    indicator=indicators[position],
                    year=year,
                    quarter=quarter,
                    defaults={
                        "follow_up": follow_up,
                        "value": value if numeric else None,
                        "text": "" if numeric else value,
                    },
                )
