from django.core.management.base import BaseCommand, CommandError

from conventions.backup import check_files


class Command(BaseCommand):
    help = (
        "Vérifie chaque fichier stocké : présent, et identique à l'empreinte SHA-256 que la "
        "base a enregistrée pour lui (documents produits, exemplaires signés, imports)."
    )

    def handle(self, *args, **options):
        result = check_files()
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(
                f"{len(result.problems)} problème(s) sur {result.checked} fichier(s) contrôlé(s)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{result.checked} fichier(s) contrôlé(s) : tous intacts.")
        )
