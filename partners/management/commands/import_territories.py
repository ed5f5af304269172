import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.territories import TerritoriesDataError, import_territories


def number(value: int) -> str:
    """French thousands separator: 34 969."""
    return f"{value:,}".replace(",", "\u00a0")


class Command(BaseCommand):
    help = (
        "Importe ou met à jour les départements, communes, EPCI et Caf depuis le paquet "
        "npm @etalab/decoupage-administratif (données hors ligne)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=settings.TERRITORIES_DATA_DIR,
            help="Dossier contenant departements.json, communes.json et epci.json "
            "(par défaut : TERRITORIES_DATA_DIR).",
        )

    def handle(self, *args, data_dir, **options):
        start = time.monotonic()
        try:
            counts = import_territories(data_dir)
        except TerritoriesDataError as error:
            raise CommandError(str(error)) from error
        duration = time.monotonic() - start
        self.stdout.write(
            self.style.SUCCESS(
                f"{number(counts['departments'])} départements, "
                f"{number(counts['communes'])} communes, "
                f"{number(counts['epcis'])} EPCI, "
                f"{number(counts['cafs'])} Caf"
            )
        )
        self.stdout.write(self._details(counts, duration))
        if counts["epcis_skipped"]:
            self.stderr.write(
                self.style.WARNING(
                    f"{number(counts['epcis_skipped'])} EPCI ignoré(s) : leur SIREN appartient "
                    "déjà à une organisation d'un autre type. Corrigez son type puis relancez."
                )
            )

    @staticmethod
    def _details(counts, duration):
        seconds = f"{duration:.1f}".replace(".", ",")
        return (
            f"Créés : {number(counts['departments_created'])} départements, "
            f"{number(counts['communes_created'])} communes, "
            f"{number(counts['epcis_created'])} EPCI, {number(counts['cafs_created'])} Caf. "
            f"Mis à jour : {number(counts['departments_updated'])} départements, "
            f"{number(counts['communes_updated'])} communes, "
            f"{number(counts['epcis_updated'])} EPCI. "
            f"Communes retirées de leur EPCI : {number(counts['communes_detached'])}. "
            f"Durée : {seconds} s."
        )
