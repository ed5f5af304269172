"""`manage.py read_deliberation FILE [--json]`: what was read, and nothing written."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from conventions.deliberation_reader import FIELDS
from conventions.management.commands.read_deliberation import Command as ReadDeliberation
from tests.deliberation_reader import builders


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extract")
    return builders.render(builders.community_council(), "pdf", folder / "extrait.pdf")


def run(*args):
    out = StringIO()
    call_command("read_deliberation", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_holds_every_key_with_iso_dates_and_english_outcome(
    extract, django_assert_num_queries
):
    with django_assert_num_queries(0):
        data = json.loads(run(str(extract), "--json"))
    assert list(data) == [*FIELDS, "unread", "derived", "conflicts"]
    assert data["session_date"] == "2025-10-02"
    assert data["received_on"] == "2025-10-06"
    assert data["body"] == "community_council"
    assert data["outcome"] == "majority"
    assert data["actes_id"] == "068-246800395-20251002-DEL_2025_41-DE"
    assert (data["in_office"], data["present"], data["voters"]) == (30, 23, 25)
    assert (data["for"], data["against"], data["abstentions"]) == (22, 2, 1)
    assert data["sent_on"] is None and data["rapporteur"] is None
    assert data["unread"] == [
        "members_elected",
        "rapporteur",
        "posted_on",
        "published_on",
        "sent_on",
    ]
    assert data["derived"] == ["proxies", "excused", "absent", "votes_cast"]


@pytest.mark.django_db
def test_summary_in_french_writes_nothing(extract, django_assert_num_queries):
    before = sorted(extract.parent.iterdir())
    with django_assert_num_queries(0):
        output = run(str(extract))
    assert "Date de la séance" in output and ": 02/10/2025" in output
    assert "Organe délibérant" in output and ": Conseil communautaire" in output
    assert "Décision" in output and ": Adoptée à la majorité" in output
    assert ": 2 (déduit)" in output  # the proxies, counted from "donne pouvoir à"
    assert "Identifiant ACTES" in output and ": 068-246800395-20251002-DEL_2025_41-DE" in output
    assert output.rstrip().endswith(
        "Non lu : membres élus, rapporteur, date d'affichage ou de publication, date de "
        "publication, date de transmission en préfecture."
    )
    assert sorted(extract.parent.iterdir()) == before
    assert not Path(settings.MEDIA_ROOT).exists()


def test_figures_that_disagree_are_named_in_the_summary(tmp_path):
    from tests.deliberation_reader.test_unseen_layouts import disagreeing_figures

    extract = builders.render(disagreeing_figures(), "docx", tmp_path / "extrait.docx")
    output = run(str(extract))
    assert "Membres présents : l'extrait donne 21 et 20, à vérifier (non lu)." in output
    assert json.loads(run(str(extract), "--json"))["conflicts"] == {"present": [21, 20]}


def test_unreadable_file_is_a_command_error_in_french(tmp_path):
    scan = builders.image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(CommandError, match=r"^Ce PDF ne contient pas de texte lisible"):
        run(str(scan))
    with pytest.raises(CommandError, match="est introuvable"):
        run(str(tmp_path / "absent.pdf"))


def test_exit_status_is_not_zero_on_an_unreadable_file(tmp_path):
    scan = builders.image_only_pdf(tmp_path / "scan.pdf")
    result = subprocess.run(
        [sys.executable, "manage.py", "read_deliberation", str(scan), "--json"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Ce PDF ne contient pas de texte lisible (document scanné ?)" in result.stderr
    assert result.stdout == ""


def test_an_adoption_without_its_vote_is_adopted_in_json(tmp_path):
    """The issue names four outcomes; an extract that says "adopte" without unanimity nor
    the votes against gives a fifth, "adopted" (the model's "vote non précisé"), rather
    than a unanimity or a majority it does not state."""
    text = builders.valentigney().replace(
        "**A L'UNANIMITE** des voix présentes et représentées, **AUTORISE**",
        "**ADOPTE** la convention et **AUTORISE**",
    )
    extract = builders.render(text, "pdf", tmp_path / "extrait.pdf")
    data = json.loads(run(str(extract), "--json"))
    assert data["outcome"] == "adopted"
    assert "outcome" not in data["unread"]
    parser = ReadDeliberation().create_parser("manage.py", "read_deliberation")
    assert '"adopted"' in " ".join(parser.format_help().split())
