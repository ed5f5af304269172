import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from conventions.backup import backup, default_archive_name


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les fichiers stockés ensemble, dans une archive "
        ".tar.gz vérifiable (empreinte SHA-256 de chaque élément)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="Fichier à écrire (par défaut ctg-sauvegarde-<date>.tar.gz) ; « - » l'écrit "
            "sur la sortie standard.",
        )

    def handle(self, *args, archive=None, **options):
        if archive == "-":
            # From a container to the host: `... backup - > sauvegarde.tar.gz`.
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "sauvegarde.tar.gz"
                manifest = backup(path)
                with path.open("rb") as handle:
                    shutil.copyfileobj(handle, sys.stdout.buffer)
            self.stderr.write(f"Sauvegarde écrite : {len(manifest['files'])} fichier(s).")
            return
        path = archive or default_archive_name()
        manifest = backup(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite dans {path} : base de données et "
                f"{len(manifest['files'])} fichier(s)."
            )
        )
