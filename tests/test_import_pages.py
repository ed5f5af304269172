"""The pages of "Importer une convention existante": upload, review, confirmation."""

import base64
import datetime
import hashlib
import io
import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from weasyprint import HTML

from conventions.importing.result import (
    ReadArticle,
    ReadAxis,
    ReadCaf,
    ReadConvention,
    ReadDeliberation,
    ReadObjective,
    ReadParty,
    ReadRepresentative,
    ReadSheet,
)
from conventions.importing.review import data_version, save_corrections
from conventions.models import Convention, ConventionImport, ConventionState, ImportState
from partners.models import Role
from tests.factories import (
    ConventionFactory,
    DepartmentFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.importing import builders

pytestmark = pytest.mark.django_db

UPLOAD = reverse("conventions:import")


def review_url(convention_import):
    return reverse("conventions:import_review", args=[convention_import.pk])


@pytest.fixture
def caf():
    return OrganisationFactory(as_caf=True, name="Caf du Haut-Rhin")


@pytest.fixture
def adviser(caf):
    return UserFactory(role=Role.ADVISER, organisation=caf)


def read_convention(caf, communes):
    """What a reader could have read from a convention between the Caf, an EPCI and
    its member communes, matched to the reference data."""
    epci = OrganisationFactory(as_epci=True, name="CC du Val d'Argent")
    parties = [
        ReadParty(
            name="La Caisse d'Allocations familiales du Haut-Rhin",
            role="caf",
            kind="caf",
            organisation_id=caf.pk,
            matched_name=caf.name,
            short_name="la Caf",
            representatives=[
                ReadRepresentative("M", "Luc", "CHERVY", "Président du Conseil d'Administration"),
                ReadRepresentative("M", "Lionel", "KOENIG", "Directeur"),
            ],
        ),
        ReadParty(
            name="La Communauté de communes du Val d'Argent",
            role="lead",
            kind="epci",
            organisation_id=epci.pk,
            matched_name=epci.name,
            siren=epci.siren,
            short_name="la CCVA",
            competences="Petite enfance : gestion des multi-accueils.",
            representatives=[ReadRepresentative("M", "Jean-Luc", "FRECHARD", "Président")],
        ),
    ]
    for commune in communes:
        parties.append(
            ReadParty(
                name=f"La Commune de {commune.name}",
                role="co_signatory",
                kind="commune",
                organisation_id=commune.pk,
                matched_name=commune.name,
                siren=commune.siren,
                representatives=[ReadRepresentative("MME", "Noëllie", "HESTIN", "Maire")],
            )
        )
    sheet = ReadSheet(
        number=1,
        title="Généraliser les guichets uniques de la petite enfance",
        deadline_whole_period=True,
        indicators=["Nombre de familles accueillies"],
    )
    return ReadConvention(
        caf=ReadCaf(name=caf.name, department_code="68", organisation_id=caf.pk),
        territory="Val d'Argent",
        title="Convention territoriale globale du Val d'Argent 2023-2027",
        start_date="2023-01-01",
        end_date="2027-12-31",
        place_signed="Sainte-Marie-aux-Mines",
        signed_on="2022-11-21",
        originals_count=2,
        parties=parties,
        visas=["Vu les articles L. 263-1 et suivants du code de la sécurité sociale"],
        deliberations=[
            ReadDeliberation(
                party=parties[1].name,
                body="community_council",
                date="2022-10-12",
                act_number="2022-41",
                text="Vu la délibération du conseil communautaire en date du 12 octobre 2022",
            )
        ],
        articles=[
            ReadArticle(number=1, title="Objet de la convention", body="La présente convention…"),
            ReadArticle(number=3, title="Les compétences", body="…", has_party_blocks=True),
        ],
        axes=[
            ReadAxis(
                number=1,
                title="Construire une offre sociale concertée",
                objectives=[ReadObjective(number=1, title="Développer l'accueil", sheets=[sheet])],
            )
        ],
        unread=["Le numéro d'acte de la délibération de la Caf n'a pas été trouvé."],
        warnings=["La convention a été signée avant la délibération de la Commune de Lièpvre."],
    )


def make_import(caf, read=None, communes=3, user=None):
    if read is None:
        read = read_convention(caf, OrganisationFactory.create_batch(communes))
    content = b"PK\x03\x04 un document"
    return ConventionImport.objects.create(
        caf=caf,
        file=ContentFile(content, name="ctg-val-d-argent.docx"),
        filename="ctg-val-d-argent.docx",
        file_sha256=hashlib.sha256(content).hexdigest(),
        data=read.to_dict(),
        uploaded_by=user,
    )


def form_data(response):
    """Every value a browser would post from the review page as rendered."""
    page = response.content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        value = re.search(r'value="([^"]*)"', tag)
        if kind in ("checkbox", "radio"):
            if " checked" in tag:
                data[name.group(1)] = value.group(1) if value and kind == "radio" else "on"
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = unescape(body.removeprefix("\n"))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = unescape(selected.group(1)) if selected else ""
    return data


# -- Who may import ------------------------------------------------------------


def test_adviser_sees_the_upload_form_and_their_cafs_pending_imports(client, caf, adviser):
    mine = make_import(caf, user=adviser)
    other_caf = OrganisationFactory(as_caf=True, name="Caf du Doubs")
    theirs = make_import(other_caf)
    theirs.filename = "ctg-pma.docx"
    theirs.save()
    client.force_login(adviser)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Document de la convention" in page
    assert review_url(mine) in page
    assert "ctg-pma.docx" not in page
    assert 'name="caf"' not in page  # an adviser imports for their own Caf


def test_administrator_chooses_the_caf(client, caf):
    client.force_login(UserFactory(administrator=True))
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert 'name="caf"' in response.content.decode()
    assert "Caf du Haut-Rhin" in response.content.decode()


@pytest.mark.parametrize("role", [Role.COOPERATION, Role.READER])
def test_cooperation_officer_and_reader_may_not_import(client, caf, role):
    convention_import = make_import(caf)
    client.force_login(UserFactory(role=role))
    assert client.get(UPLOAD).status_code == 403
    assert client.get(review_url(convention_import)).status_code == 403
    delete = reverse("conventions:import_delete", args=[convention_import.pk])
    assert client.post(delete).status_code == 403
    assert ConventionImport.objects.filter(pk=convention_import.pk).exists()


def test_adviser_of_another_caf_gets_404(client, caf):
    convention_import = make_import(caf)
    client.force_login(UserFactory(adviser=True))
    assert client.get(review_url(convention_import)).status_code == 404
    delete = reverse("conventions:import_delete", args=[convention_import.pk])
    assert client.post(delete).status_code == 404
    assert ConventionImport.objects.filter(pk=convention_import.pk).exists()


def test_anonymous_visitor_is_sent_to_login(client, caf):
    convention_import = make_import(caf)
    for url in (UPLOAD, review_url(convention_import)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_wrong_methods_get_405(client, caf, adviser):
    convention_import = make_import(caf)
    client.force_login(adviser)
    assert client.put(UPLOAD).status_code == 405
    assert client.delete(review_url(convention_import)).status_code == 405
    delete = reverse("conventions:import_delete", args=[convention_import.pk])
    assert client.get(delete).status_code == 405


def test_adviser_deletes_a_pending_import_and_its_file(
    client, caf, adviser, settings, django_capture_on_commit_callbacks
):
    convention_import = make_import(caf)
    stored = settings.MEDIA_ROOT / convention_import.file.name
    assert stored.exists()
    client.force_login(adviser)
    delete = reverse("conventions:import_delete", args=[convention_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete, follow=True)
    assert "a été supprimé" in response.content.decode()
    assert not ConventionImport.objects.filter(pk=convention_import.pk).exists()
    assert not stored.exists()


# -- Upload ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("documents")
    not_a_ctg = "# Compte rendu du conseil d'école\n\nLa séance est ouverte à 18 h.\n"
    return {
        "pma": builders.build_docx(builders.reference_text(builders.PMA), folder / "pma.docx"),
        "not_a_ctg": builders.build_docx(not_a_ctg, folder / "compte-rendu.docx"),
    }


def image_only_pdf():
    """A scanned page: a PDF holding a picture and no text."""
    picture = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(picture, format="PNG")
    source = base64.b64encode(picture.getvalue()).decode()
    return HTML(string=f'<img src="data:image/png;base64,{source}">').write_pdf()


def doubs_adviser():
    doubs = DepartmentFactory(code="25", name="Doubs")
    caf = OrganisationFactory(as_caf=True, name="Caf du Doubs", department=doubs)
    return UserFactory(role=Role.ADVISER, organisation=caf)


def test_adviser_uploads_a_docx_and_reviews_what_was_read(client, documents):
    adviser = doubs_adviser()
    client.force_login(adviser)
    with open(documents["pma"], "rb") as file:
        response = client.post(UPLOAD, {"file": file})
    convention_import = ConventionImport.objects.get()
    assert response.status_code == 302
    assert response.url == review_url(convention_import)
    assert (convention_import.caf, convention_import.uploaded_by) == (adviser.organisation, adviser)
    page = client.get(response.url).content.decode()
    assert "Parties (37)" in page
    assert 'value="La Commune de Arbouans"' in page
    assert 'value="Montbéliard"' in page
    assert "ROTA" in page
    # What the reference data lacks (no organisation here) is said, not guessed.
    unread = page[page.index("Ce qui n'a pas pu être lu") : page.index("Informations générales")]
    assert "Pays de Montbéliard Agglomération" in unread


def test_administrator_imports_for_the_caf_they_choose(client, documents):
    caf = doubs_adviser().organisation
    administrator = UserFactory(administrator=True)
    client.force_login(administrator)
    with open(documents["pma"], "rb") as file:
        response = client.post(UPLOAD, {"caf": caf.pk, "file": file})
    assert response.status_code == 302
    assert ConventionImport.objects.get().caf == caf


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        pytest.param("vide.docx", lambda d: b"", "vide", id="empty"),
        pytest.param("scan.pdf", lambda d: image_only_pdf(), "ne contient pas de texte", id="scan"),
        pytest.param(
            "compte-rendu.docx",
            lambda d: d["not_a_ctg"].read_bytes(),
            "ne ressemble pas à une convention territoriale globale",
            id="not-a-ctg",
        ),
        pytest.param(
            "enorme.pdf",
            lambda d: b"%PDF-1.7\n" + b"0" * (40 * 1024 * 1024),
            "la limite est de 20 Mo",
            id="40-MB",
        ),  # fmt: skip
        pytest.param(
            "abime.docx", lambda d: d["pma"].read_bytes()[:5000], "endommagé", id="broken-docx"
        ),
        pytest.param("abime.pdf", lambda d: b"%PDF-1.7\n%%garbage", "endommagé", id="broken-pdf"),
        pytest.param(
            "convention.odt",
            lambda d: b"Convention territoriale globale",
            "ni un document Word (.docx) ni un PDF",
            id="wrong-type",
        ),  # fmt: skip
    ],
)
def test_a_bad_file_gets_a_french_message_at_the_field_and_nothing_is_written(
    client, documents, settings, filename, content, message
):
    client.force_login(doubs_adviser())
    upload = SimpleUploadedFile(filename, content(documents))
    response = client.post(UPLOAD, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    field = page[page.index('id="div_id_file"') :]
    field = field[: field.index("</form>")]
    assert "is-invalid" in field
    assert unescape(message) in unescape(field)
    assert not ConventionImport.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists() or not any(
        (settings.MEDIA_ROOT / "imports").iterdir()
    )


# -- Review page -----------------------------------------------------------------


def test_review_page_shows_what_was_not_read_then_every_value(client, caf, adviser):
    convention_import = make_import(caf, communes=2)
    client.force_login(adviser)
    response = client.get(review_url(convention_import))
    assert response.status_code == 200
    page = response.content.decode()
    unread = page.index("Le numéro d&#x27;acte de la délibération de la Caf n&#x27;a pas été")
    assert unread < page.index("Informations générales")
    assert "signée avant la délibération de la Commune de Lièpvre" in page
    for heading in (
        "Parties (4)",
        "Visas",
        "Délibérations citées",
        "Articles",
        "Annexes",
        "Plan d'actions",
        "Axe 1 : Construire une offre sociale concertée",
        "Objectif 1 : Développer l&#x27;accueil",
        "Fiche action 1",
    ):
        assert heading in page, heading
    assert 'value="Sainte-Marie-aux-Mines"' in page
    assert 'value="21/11/2022"' in page  # shown the French way
    assert "FRECHARD" in page
    assert "Vu les articles L. 263-1" in page
    assert "Nombre de familles accueillies" in page
    # The matched organisation is preselected, with its SIREN and type.
    epci = convention_import.data["parties"][1]
    assert f'<option value="{epci["organisation_id"]}" selected>' in page
    assert f"Intercommunalité (EPCI), SIREN {epci['siren']}" in page
    # "Déjà signée" is proposed when a signature date was read.
    assert re.search(r'value="signed"[^>]*checked', page)


def test_party_select_offers_the_cafs_departement_organisations_of_its_kind(client, caf, adviser):
    elsewhere = OrganisationFactory(
        name="Commune d'ailleurs", department__code="25", department__name="Doubs"
    )
    neighbour = OrganisationFactory(name="Lièpvre")
    convention_import = make_import(caf, communes=1)
    client.force_login(adviser)
    page = client.get(review_url(convention_import)).content.decode()
    commune_select = re.search(r'<select[^>]*name="parties-2-organisation".*?</select>', page, re.S)
    assert "Lièpvre (Commune" in commune_select.group(0)
    assert "Commune d&#x27;ailleurs" not in commune_select.group(0)
    assert "CC du Val d&#x27;Argent" not in commune_select.group(0)
    assert neighbour.siren in commune_select.group(0)
    assert elsewhere.siren not in page


def test_saving_corrections_keeps_them_and_stays_on_the_page(client, caf, adviser):
    convention_import = make_import(caf)
    client.force_login(adviser)
    data = form_data(client.get(review_url(convention_import)))
    data["general-place_signed"] = "Lièpvre"
    data["parties-1-short_name"] = "la Communauté de communes"
    data["representants-1-0-first_name"] = "Jean-Louis"
    data["articles-2-number"] = "14"
    data["articles-2-title"] = "Confidentialité"
    data["parties-3-excluded"] = "on"
    data["save"] = ""
    response = client.post(review_url(convention_import), data)
    assert response.status_code == 302
    assert response.url == review_url(convention_import) + "?etat=signed"
    convention_import.refresh_from_db()
    read = ReadConvention.from_dict(convention_import.data)
    assert read.place_signed == "Lièpvre"
    assert read.parties[1].short_name == "la Communauté de communes"
    assert read.parties[1].representatives[0].first_name == "Jean-Louis"
    assert [a.number for a in read.articles] == [1, 3, 14]
    assert len(read.parties) == 4  # the commune set aside is gone
    assert read.unread == ["Le numéro d'acte de la délibération de la Caf n'a pas été trouvé."]
    page = client.get(response.url).content.decode()
    assert 'value="Lièpvre"' in page


def test_choosing_another_organisation_takes_its_siren(client, caf, adviser):
    convention_import = make_import(caf, communes=1)
    other = OrganisationFactory(name="Sainte-Croix-aux-Mines")
    client.force_login(adviser)
    data = form_data(client.get(review_url(convention_import)))
    data["parties-2-organisation"] = str(other.pk)
    client.post(review_url(convention_import), data)
    convention_import.refresh_from_db()
    party = convention_import.data["parties"][2]
    assert (party["organisation_id"], party["siren"]) == (other.pk, other.siren)
    assert party["matched_name"] == "Sainte-Croix-aux-Mines"


def test_an_organisation_outside_the_proposed_list_is_refused(client, caf, adviser):
    convention_import = make_import(caf, communes=1)
    stranger = OrganisationFactory(as_caf=True)
    client.force_login(adviser)
    before = dict(convention_import.data)
    data = form_data(client.get(review_url(convention_import)))
    data["parties-2-organisation"] = str(stranger.pk)
    data["general-place_signed"] = "Lièpvre"
    response = client.post(review_url(convention_import), data)
    assert response.status_code == 200
    assert "Choisissez une organisation de la liste proposée" in response.content.decode()
    assert 'value="Lièpvre"' in response.content.decode()
    convention_import.refresh_from_db()
    assert convention_import.data == before


def test_a_stale_save_is_refused_and_the_text_kept(client, caf, adviser):
    convention_import = make_import(caf)
    client.force_login(adviser)
    data = form_data(client.get(review_url(convention_import)))
    # A colleague saves a correction meanwhile.
    colleague = UserFactory(role=Role.ADVISER, organisation=caf)
    read = ReadConvention.from_dict(convention_import.data)
    read.territory = "Vallée de Sainte-Marie-aux-Mines"
    save_corrections(
        user=colleague,
        convention_import=convention_import,
        read=read,
        version=data_version(convention_import.data),
    )
    data["general-place_signed"] = "Ribeauvillé, sous-préfecture"
    response = client.post(review_url(convention_import), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Quelqu&#x27;un a enregistré d&#x27;autres corrections" in page
    assert 'value="Ribeauvillé, sous-préfecture"' in page
    convention_import.refresh_from_db()
    assert convention_import.data["place_signed"] == "Sainte-Marie-aux-Mines"
    assert convention_import.data["territory"] == "Vallée de Sainte-Marie-aux-Mines"
    # The kept form now carries the current version: saving it again works.
    resent = form_data(response)
    assert resent["general-version"] == data_version(convention_import.data)
    assert client.post(review_url(convention_import), resent).status_code == 302
    convention_import.refresh_from_db()
    assert convention_import.data["place_signed"] == "Ribeauvillé, sous-préfecture"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda d: d.pop("parties-TOTAL_FORMS"), id="management-form-missing"),
        pytest.param(lambda d: d.update({"parties-TOTAL_FORMS": "100000"}), id="huge-total"),
        pytest.param(lambda d: d.update({"objectifs-TOTAL_FORMS": "0"}), id="rows-missing"),
        pytest.param(lambda d: d.update({"articles-TOTAL_FORMS": "5000"}), id="too-many"),
        pytest.param(lambda d: d.pop("general-version"), id="version-missing"),
    ],
)
def test_a_forged_formset_gets_a_french_message_and_nothing_saved(client, caf, adviser, forge):
    convention_import = make_import(caf)
    before = dict(convention_import.data)
    client.force_login(adviser)
    data = form_data(client.get(review_url(convention_import)))
    data["general-place_signed"] = "Ailleurs"
    forge(data)
    response = client.post(review_url(convention_import), data)
    assert response.status_code in (400, 409)
    page = response.content.decode()
    assert re.search(
        r"ne correspond pas à cet import|manquantes ou ont été manipulées|au plus|"
        r"version de la page manque",
        page,
    )
    assert "Informations générales" in page
    convention_import.refresh_from_db()
    assert convention_import.data == before


def test_a_forged_deliberation_party_is_a_field_error(client, caf, adviser):
    convention_import = make_import(caf)
    client.force_login(adviser)
    data = form_data(client.get(review_url(convention_import)))
    data["deliberations-0-party"] = "La Commune de Nulle-Part"
    response = client.post(review_url(convention_import), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_confirmed_import_redirects_to_its_convention(client, caf, adviser):
    convention = ConventionFactory(caf=caf)
    convention_import = make_import(caf)
    convention_import.state = ImportState.CONFIRMED
    convention_import.convention = convention
    convention_import.save()
    client.force_login(adviser)
    response = client.get(review_url(convention_import))
    assert response.status_code == 302
    assert response.url == reverse("conventions:detail", args=[convention.pk])


def test_review_page_queries_do_not_grow_with_parties(
    client, caf, adviser, django_assert_max_num_queries
):
    OrganisationFactory.create_batch(40)  # the rest of the département's communes
    small = make_import(caf, communes=3)
    large = make_import(caf, communes=35)
    assert len(large.data["parties"]) == 37
    client.force_login(adviser)
    with django_assert_max_num_queries(12) as five_parties:
        assert client.get(review_url(small)).status_code == 200
    with django_assert_max_num_queries(len(five_parties.captured_queries)):
        response = client.get(review_url(large))
    assert "Parties (37)" in response.content.decode()


def test_saving_the_page_unchanged_keeps_everything_read_from_the_pma_document(client, documents):
    client.force_login(doubs_adviser())
    with open(documents["pma"], "rb") as file:
        url = client.post(UPLOAD, {"file": file}).url
    convention_import = ConventionImport.objects.get()
    read = convention_import.data
    data = form_data(client.get(url))
    assert client.post(url, data).status_code == 302
    convention_import.refresh_from_db()
    assert convention_import.data == read


# -- Confirmation ------------------------------------------------------------------


def confirm(client, convention_import, status, **changes):
    data = form_data(client.get(review_url(convention_import)))
    data.update({"general-status": status, "confirm": "", **changes})
    return client.post(review_url(convention_import), data)


def test_confirming_as_draft_creates_the_convention_in_preparation(client, caf, adviser):
    convention_import = make_import(caf, communes=2)
    client.force_login(adviser)
    response = confirm(client, convention_import, "draft", **{"general-place_signed": "Lièpvre"})
    convention_import.refresh_from_db()
    convention = convention_import.convention
    assert response.status_code == 302
    assert response.url == reverse("conventions:detail", args=[convention.pk])
    assert convention_import.state == ImportState.CONFIRMED
    assert convention.state == ConventionState.DRAFT
    assert convention.signing_place == "Lièpvre"
    assert convention.parties.count() == 4
    assert list(convention.articles.values_list("number", flat=True)) == [1, 3]
    # The review page now leads to the convention.
    assert client.get(review_url(convention_import)).url == response.url


def test_confirming_as_signed_records_the_signature_and_shows_the_warnings(client, caf, adviser):
    convention_import = make_import(caf, communes=1)
    client.force_login(adviser)
    response = confirm(client, convention_import, "signed")
    assert response.status_code == 302
    convention_import.refresh_from_db()
    convention = convention_import.convention
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on == datetime.date(2022, 11, 21)
    page = client.get(response.url).content.decode()
    assert "a été créée" in page


def test_what_blocks_the_creation_is_listed_and_shown_at_the_fields(client, caf, adviser):
    convention_import = make_import(caf, communes=1)
    client.force_login(adviser)
    response = confirm(
        client,
        convention_import,
        "signed",
        **{"general-start_date": "", "parties-2-organisation": "", "general-title": "CTG"},
    )
    assert response.status_code == 200
    page = unescape(response.content.decode())
    problems = page[page.index("La convention ne peut pas encore être créée") :]
    assert "Date de début de la convention non lue" in problems
    assert "choisissez son organisation dans le référentiel" in problems
    assert "Indiquez la date de début de la convention." in page
    assert "Choisissez l'organisation de cette partie, ou écartez-la." in page
    assert not Convention.objects.exists()
    # The corrections were saved all the same, and the page carries their version.
    convention_import.refresh_from_db()
    assert convention_import.state == ImportState.READ
    assert convention_import.data["title"] == "CTG"
    assert form_data(response)["general-version"] == data_version(convention_import.data)
