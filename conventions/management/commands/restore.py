from django.core.management.base import BaseCommand, CommandError

from conventions.backup import BackupError, check_files, restore


class Command(BaseCommand):
    help = (
        "Restaure une archive écrite par « backup » : vérifie ses empreintes, charge la base "
        "de données (déjà migrée) puis les fichiers, et contrôle chaque fichier restauré."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Archive .tar.gz écrite par « backup ».")
        parser.add_argument(
            "--remplacer",
            action="store_true",
            dest="replace",
            help="Vider la base avant de restaurer si elle contient déjà des données.",
        )

    def handle(self, *args, archive, replace=False, **options):
        try:
            manifest = restore(archive, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        result = check_files()
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(f"Restauration faite, mais {len(result.problems)} problème(s).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration de la sauvegarde du {manifest['created_at'][:19]} terminée : "
                f"{len(manifest['files'])} fichier(s), {result.checked} contrôlé(s)."
            )
        )
