import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from conventions.importing import service
from conventions.importing.problems import sheets_of
from partners.models import Organisation, OrganisationKind, User


class Command(BaseCommand):
    help = (
        "Importe une convention territoriale globale existante (DOCX ou PDF texte) : lit le "
        "document, rapproche ses parties du référentiel et crée la convention (en "
        "préparation, ou signée avec --signed). Avec --dry-run, rien n'est écrit ; avec "
        "--json, ce qui a été lu est affiché en un objet JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Le document de la convention (.docx ou .pdf).")
        parser.add_argument(
            "--caf",
            required=True,
            metavar="DEPARTEMENT_CODE",
            help="Le code du département de la Caf, par exemple 25 ou 68.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Lire seulement, sans rien enregistrer."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Afficher ce qui a été lu, en un objet JSON.",
        )
        parser.add_argument(
            "--signed",
            action="store_true",
            help="La convention est déjà signée : enregistrer ses signatures et délibérations.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Le compte au nom duquel l'import est fait (conseiller de la Caf ou "
            "administrateur).",
        )

    def handle(self, *args, file, caf, dry_run, as_json, signed, user, **options):
        caf = self._caf(caf)
        user = self._user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            read = service.read_file(path, path.name, caf=caf)
        except service.ImportRefused as refused:
            raise CommandError(f"Document refusé : {refused}") from refused
        if as_json:
            self.stdout.write(json.dumps(read.to_dict(), ensure_ascii=False))
        else:
            self._summary(read)
        if dry_run:
            return
        try:
            convention, warnings = service.import_document(
                user=user, caf=caf, file=path, filename=path.name, signed=signed, read=read
            )
        except service.ImportRefused as refused:
            lines = "\n".join(f"- {problem}" for problem in refused.problems)
            raise CommandError(f"{refused}\n{lines}".rstrip()) from refused
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        # The JSON stays alone on standard output, for scripts; the outcome goes to stderr.
        out = self.stderr if as_json else self.stdout
        state = "signée" if signed else "en préparation"
        out.write(f"Convention créée ({state}) : {convention.reference}")
        for warning in warnings:
            out.write(f"Attention : {warning}")

    def _caf(self, code):
        caf = (
            Organisation.objects.filter(kind=OrganisationKind.CAF, department__code=code)
            .select_related("department")
            .first()
        )
        if caf is None:
            raise CommandError(f"Aucune Caf pour le département « {code} » dans le référentiel.")
        return caf

    def _user(self, username):
        if username is None:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Aucun compte « {username} ».") from None

    def _summary(self, read):
        self.stdout.write(
            f"{read.caf.name or 'Caf non lue'} – {read.territory or 'territoire non lu'} "
            f"({read.start_date or '?'} au {read.end_date or '?'}) : {len(read.parties)} "
            f"parties, {len(read.articles)} articles, "
            f"{sum(len(sheets_of(axis)) for axis in read.axes)} fiches actions."
        )
        for line in read.unread:
            self.stdout.write(f"Non lu : {line}")
        for line in read.warnings:
            self.stdout.write(f"À vérifier : {line}")
