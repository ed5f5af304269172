"""Backup, wipe, restore: every document downloads byte-identical, every file is checked."""

import datetime
import io
import tarfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from conventions.backup import BackupError, backup, check_files, restore
from conventions.documents import service
from conventions.models import Convention, Document, DocumentKind, PartyRole
from partners.models import Role, User
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10), tick=False):
        convention = ConventionFactory()
        caf_party(convention)
        lead = PartyFactory(
            convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
        )
        lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
        ArticleFactory(convention=convention)
        deliberation = DeliberationFactory(party=lead, version=None)
        deliberation.scan.save("valentigney.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
        UserFactory(username="conseiller", role=Role.ADVISER, organisation=convention.caf)
    service.request_document(convention, DocumentKind.CONVENTION)
    return convention


def _downloads(client, convention):
    client.force_login(User.objects.get(username="conseiller"))
    return {
        document.kind: b"".join(
            client.get(
                reverse("conventions:document_download", args=[convention.pk, document.pk])
            ).streaming_content
        )
        for document in Document.objects.filter(convention=convention)
    }


def test_backup_wipe_restore_gives_every_document_back_byte_identical(client, site, tmp_path):
    before = _downloads(client, site)
    assert before[DocumentKind.CONVENTION].startswith(b"%PDF")
    archive = tmp_path / "sauvegarde.tar.gz"

    manifest = backup(archive)
    assert len(manifest["files"]) == 2
    call_command("flush", interactive=False, verbosity=0)
    for name in manifest["files"]:
        default_storage.delete(name)
    assert not Convention.objects.exists()

    call_command("restore", str(archive), stdout=io.StringIO())

    restored = Convention.objects.get(reference=site.reference)
    assert _downloads(client, restored) == before
    assert check_files().problems == []


def test_restore_refuses_a_database_with_data_unless_told_to_replace(site, tmp_path):
    archive = tmp_path / "sauvegarde.tar.gz"
    backup(archive)

    with pytest.raises(BackupError, match="contient déjà des données"):
        restore(archive)

    restore(archive, replace=True)
    assert Convention.objects.count() == 1


def test_an_altered_archive_is_refused_before_anything_is_written(site, tmp_path):
    archive = tmp_path / "sauvegarde.tar.gz"
    manifest = backup(archive)
    forged = tmp_path / "alteree.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/documents/"):
                data = data.replace(b"%PDF", b"%PDX", 1)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(BackupError, match="Archive altérée"):
        restore(forged)
    assert not Convention.objects.exists()
    assert manifest["files"]


def test_check_files_reports_a_missing_and_a_changed_file_in_french(site):
    document = Document.objects.get(convention=site)
    scan_name = site.parties.get(role=PartyRole.LEAD).deliberations.get().scan.name
    default_storage.delete(scan_name)
    default_storage.delete(document.file.name)
    default_storage.save(document.file.name, ContentFile(b"%PDF-autre chose"))

    problems = check_files().problems

    assert any("introuvable" in line and scan_name in line for line in problems)
    assert any("ne correspond pas à son empreinte" in line for line in problems)
    with pytest.raises(CommandError, match="2 problème"):
        call_command("check_files")


def test_a_site_with_no_file_stored_yet_is_backed_up(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "jamais-cree"
    archive = tmp_path / "sauvegarde.tar.gz"

    assert backup(archive)["files"] == {}
    with tarfile.open(archive) as content:
        assert "database.json" in content.getnames()
