"""Render a convention's PDF synchronously, for operators.

    python manage.py render_convention pma-2023-2027 --output pma.pdf [--signed-ready]

The text is the frozen version's when there is one, the live draft's otherwise;
--signed-ready adds one empty signature field per signing person. Nothing is
stored: the file is written where --output says.
"""

import hashlib
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.documents import service
from conventions.models import Convention, Document, DocumentKind


class Command(BaseCommand):
    help = "Produit le PDF d'une convention (texte figé s'il existe, sinon le projet)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Référence de la convention, ex. pma-2023-2027")
        parser.add_argument("--output", required=True, help="Fichier PDF à écrire")
        parser.add_argument(
            "--signed-ready",
            action="store_true",
            help="Ajoute un champ de signature électronique vide par signataire",
        )

    def handle(self, reference, output, signed_ready, **options):
        convention = Convention.objects.filter(reference=reference).first()
        if convention is None:
            raise CommandError(f"Aucune convention de référence « {reference} ».")
        kind = DocumentKind.SIGNED_READY if signed_ready else DocumentKind.CONVENTION
        version = convention.current_version if convention.state != "draft" else None
        if signed_ready and version is None:
            raise CommandError("Une convention en préparation n'a pas de texte figé à signer.")
        started = time.perf_counter()
        # An unsaved Document: same content and layout as the task, nothing recorded.
        document = Document(convention=convention, kind=kind, version=version)
        content, digest = service.source_hash(document)
        _source, renderer = service._kind(document)
        rendered = renderer(document, content)
        Path(output).write_bytes(rendered.data)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{output} : {rendered.page_count} pages, {len(rendered.signature_fields)} champs "
            f"de signature, {len(rendered.data) // 1024} Ko en {elapsed:.2f} s\n"
            f"empreinte du contenu : {digest}\n"
            f"empreinte du fichier : {hashlib.sha256(rendered.data).hexdigest()}"
        )
