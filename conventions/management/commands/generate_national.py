from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.national import DEFAULT_PASSWORD, NationalDataError, generate_national


def number(value) -> str:
    """French thousands separator: 34 969."""
    return f"{value:,}".replace(",", "\u00a0")


LABELS = {
    "partners.Organisation": "organisations",
    "partners.Representative": "représentants",
    "partners.User": "utilisateurs",
    "conventions.Convention": "conventions",
    "conventions.Party": "parties",
    "conventions.Party_signatories": "signataires désignés",
    "conventions.Article": "articles",
    "conventions.ConventionVersion": "versions figées",
    "conventions.Deliberation": "délibérations",
    "conventions.Signature": "signatures",
    "conventions.SteeringInstance": "instances de pilotage",
    "actionplan.Axis": "axes",
    "actionplan.Objective": "objectifs",
    "actionplan.ActionSheet": "fiches actions",
    "actionplan.Indicator": "indicateurs",
    "actionplan.IndicatorTarget": "cibles",
    "actionplan.Funding": "moyens mobilisés",
    "actionplan.FollowUp": "suivis trimestriels",
    "actionplan.IndicatorValue": "valeurs d'indicateurs",
    "actionplan.Meeting": "réunions de pilotage",
    "actionplan.Review": "bilans",
}
STATES = {
    "open": "à renseigner",
    "draft": "brouillon",
    "submitted": "transmis",
    "returned": "renvoyés",
    "validated": "validés",
}


class Command(BaseCommand):
    help = (
        "Génère les données de tout le pays pour les mesures de performance : toutes les "
        "Caf, environ 1 300 conventions à l'échelle 1, leurs parties, délibérations, "
        "signatures, plans d'actions et suivis trimestriels. Refuse une base contenant des "
        "données réelles, sauf --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0,
            help="Multiplie le nombre de conventions (1 : environ 1 300).",
        )  # fmt: skip
        parser.add_argument(
            "--seed", type=int, default=2026,
            help="Graine : même graine et même date du jour, mêmes données.",
        )  # fmt: skip
        parser.add_argument(
            "--force", action="store_true",
            help="Génère même si la base contient des conventions ou des comptes réels.",
        )  # fmt: skip
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD,
            help=f"Mot de passe de tous les comptes générés (par défaut : {DEFAULT_PASSWORD}).",
        )  # fmt: skip
        parser.add_argument(
            "--data-dir", type=Path, default=None,
            help="Données territoriales à importer si la base n'en a pas "
            "(par défaut : TERRITORIES_DATA_DIR).",
        )  # fmt: skip

    def handle(self, *args, scale, seed, force, password, data_dir, **options):
        if scale <= 0:
            raise CommandError("L'échelle doit être positive (par exemple 1 ou 0,1).")
        try:
            summary = generate_national(
                scale=scale,
                seed=seed,
                force=force,
                password=password,
                data_dir=data_dir,
                progress=self.stdout.write,
            )
        except NationalDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Données nationales générées."))
        for label, count in summary["counts"].items():
            self.stdout.write(f"  {LABELS.get(label, label)} : {number(count)}")
        states = ", ".join(
            f"{number(count)} {STATES[state]}"
            for state, count in summary["follow_up_states"].items()
        )
        self.stdout.write(f"Suivis par état : {states}")
        if summary["biggest_caf"]:
            name, count = summary["biggest_caf"]
            self.stdout.write(f"Plus grande Caf : {name} ({count} conventions)")
        if summary["largest_plan"]:
            reference, count = summary["largest_plan"]
            self.stdout.write(f"Plus grand plan d'actions : {reference} ({count} fiches)")
        self.stdout.write(f"Empreinte : {summary['fingerprint']}")
        seconds = f"{summary['duration']:.1f}".replace(".", ",")
        self.stdout.write(f"Durée : {seconds} s")
