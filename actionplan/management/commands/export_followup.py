from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan import export
from conventions.models import Convention


class Command(BaseCommand):
    help = (
        "Exporte le tableau de suivi partagé d'une convention : classeur Excel (.xlsx) ou "
        "CSV (.csv) selon l'extension du fichier. Le secret statistique de la convention, "
        "s'il est prévu, est appliqué."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Référence de la convention (pma-2023-2027...).")
        parser.add_argument(
            "--output", "-o", required=True, help="Fichier à écrire : .xlsx ou .csv."
        )
        parser.add_argument(
            "--table",
            choices=export.TABLES,
            default="actions",
            help="Pour un CSV : le tableau à écrire (par défaut : actions).",
        )

    def handle(self, *args, reference, output, table, **options):
        try:
            convention = Convention.objects.select_related("caf").get(reference=reference)
        except Convention.DoesNotExist:
            raise CommandError(f"Aucune convention n'a la référence « {reference} ».") from None
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            path.write_bytes(export.workbook(convention))
        elif suffix == ".csv":
            with path.open("w", encoding="utf-8", newline="") as stream:
                export.write_csv(convention, table, stream)
        else:
            raise CommandError("Le fichier doit se terminer par .xlsx ou .csv.")
        note = " (secret statistique appliqué)" if convention.statistical_secrecy else ""
        self.stdout.write(self.style.SUCCESS(f"Tableau de suivi écrit dans {path}{note}."))
