"""The deliberation form filled from the council's extract (issue 14): read, checked by
the deliberation's own rules, confirmed by the person, then saved with the extract as
its scan. Extracts are real PDFs rendered with WeasyPrint from the Valentigney extract
of reference 003, and DOCX files written with python-docx."""

import datetime
import html
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as DocxDocument
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

from conventions import lifecycle
from conventions.deliberation_reader import Reading
from conventions.deliberations import PENDING_DIR, keep_pending_extract
from conventions.documents import service
from conventions.forms.deliberation import DeliberationForm, read_into
from conventions.models import Deliberation, DocumentKind, PartyRole
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DepartmentFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PRESENT_NAMES = (
    "Philippe GAUTIER. Lise VURPILLOT. Jean-Claude HERARD Arnaud PAVILLARD. Maud PELISSIER. "
    "Séverine DIRAND. Martine MICHAUD. Georgette CUENOT. Roland GAMBERI. Gérard. PATEREK. "
    "Catherine PARROT. Elisabeth COQU. Bernard COQU. Armando LOPES. Nourredine DRAYAF. "
    "Stéphanie GAUTIER. Claudia FERNANDES. Anne-Lise GARCIA Thierry MAILLOT. Marie HUGONIOT "
    "Dominique DANGEL. Pierre MOSSINA. Claude-Françoise SAUMIER. Stéphanie BOURQUIN.. "
    "Jean-Louis RENGGLI. Saniye AKDEMIR. Omar RABEL."
)

# The Valentigney extract's facts (reference 003), which a test may change.
VALENTIGNEY = {
    "authority": "VALENTIGNEY",
    "in_office": "33",
    "present": "27",
    "votes_cast": "31",
    "proxies": "4",
    "excused": "Denis NEDEZ. Arnaud JACQUOT. Claude STIQUEL. Jean-François HEIL",
    "absent": "Mme Nadine MERCIER. M. Valère NEDEY.",
    "votes": "",
    "decision": "A L'UNANIMITE",
    "convocation": "30 mars 2023",
    "sent": "12/04/2023",
    "received": "12/04/2023",
}


def extract_lines(**overrides):
    """The extract as paragraphs: heading, session, figures, secretary, subject, vote, stamp."""
    facts = VALENTIGNEY | overrides
    return [
        "Département du Doubs",
        "Arrondissement de MONTBELIARD",
        f"Commune de {facts['authority']} 25700",
        "EXTRAIT n° 2023-32",
        "du Registre des Délibérations du Conseil Municipal",
        "Séance du 05 avril 2023",
        f"L'An Deux Mille Vingt-trois, le 05 avril 2023, le Conseil Municipal de la Commune de "
        f"{facts['authority']} s'est réuni, en mairie, salle du conseil à Valentigney, à "
        "dix-neuf heures trente, après convocation légale, sous la présidence de Monsieur "
        "Philippe GAUTIER, Maire.",
        f"Nbre de Conseillers Municipaux en exercice : {facts['in_office']}",
        f"Présents : MM. Mmes. {PRESENT_NAMES}",
        f"Nbre de membres présents : {facts['present']}",
        f"Nbre de suffrages exprimés : {facts['votes_cast']}",
        f"Pouvoirs : {facts['proxies']}",
        f"Excusés : {facts['excused']}",
        f"Absents : {facts['absent']}",
        f"DATE D'ENVOI DE LA CONVOCATION : le {facts['convocation']}",
        "Secrétariat de séance : il a été procédé, conformément à l'article L. 2121.15 du "
        "Code Général des Collectivités Territoriales, à l'élection d'un secrétaire pris dans "
        "le Conseil, Madame Anne-Lise GARCIA ayant obtenu l'unanimité des suffrages, a été élu "
        "pour remplir ces fonctions qu'elle a acceptées.",
        "CONVENTION TERRITORIALE GLOBALE (CTG) 2023/2027- SIGNATURE ENTRE LA CAF, PMA, LES "
        "SIVU ET COMMUNES ASSOCIÉES",
        "Monsieur le Maire rappelle que la Caisse d'Allocations Familiales du Doubs (CAF) est "
        "le partenaire le plus constant de la commune pour la politique enfance, jeunesse et "
        "famille.",
        facts["votes"],
        "L'exposé du Maire entendu, le Conseil Municipal, après en avoir valablement délibéré, "
        f"{facts['decision']} des voix présentes et représentées, AUTORISE Monsieur le Maire à "
        "signer la Convention Territoriale Globale 2023/2027.",
        "Ainsi fait et délibéré, le jour, mois et an que dessus.",
        "Accusé de réception en préfecture : 025-212505804-20230405-2023_32-DE",
        f"Date de télétransmission : {facts['sent']}",
        f"Date de réception préfecture : {facts['received']}",
    ]


def extract_pdf(**overrides):
    paragraphs = "".join(f"<p>{line}</p>" for line in extract_lines(**overrides) if line)
    html = f"<html><body style=\"font-family: 'Liberation Sans'\">{paragraphs}</body></html>"
    return HTML(string=html).write_pdf()


def extract_docx(**overrides):
    document = DocxDocument()
    for line in extract_lines(**overrides):
        if line:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(content, name="extrait.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


def image_only_pdf(tmp_path):
    picture = tmp_path / "scan.png"
    Image.new("RGB", (400, 300), "white").save(picture)
    return HTML(string=f'<img src="{picture.as_uri()}">').write_pdf()


def frozen_convention():
    """A convention of the Caf du Doubs in deliberation, Valentigney one of its parties."""
    doubs = DepartmentFactory(code="25", name="Doubs")
    convention = ConventionFactory(
        caf=OrganisationFactory(as_caf=True, name="Caf du Doubs", department=doubs),
        lead_authority=OrganisationFactory(as_epci=True, department=doubs),
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    caf = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    valentigney = OrganisationFactory(
        name="Valentigney", insee_code="25580", siren="212505804", department=doubs
    )
    for organisation, role in (
        (convention.lead_authority, PartyRole.LEAD),
        (valentigney, "co_signatory"),
    ):
        party = PartyFactory(convention=convention, organisation=organisation, role=role)
        party.signatories.set([RepresentativeFactory(organisation=organisation)])
    ArticleFactory(convention=convention)
    lifecycle.freeze(convention)
    return convention


@pytest.fixture
def convention():
    return frozen_convention()


@pytest.fixture
def valentigney(convention):
    return convention.parties.get(organisation__name="Valentigney")


@pytest.fixture
def officer(client, valentigney):
    """Valentigney's chargé de coopération, signed in."""
    user = UserFactory(role=Role.COOPERATION, organisation=valentigney.organisation)
    client.force_login(user)
    return user


def url(convention, party):
    return reverse("conventions:deliberation_create", args=[convention.pk, party.pk])


def form_data(form):
    """What the browser posts back from a rendered form: every field's value as shown."""
    data = {}
    for bound in form:
        if bound.widget_type in ("file", "clearablefile"):
            continue
        value = bound.value()
        if bound.widget_type == "checkbox":
            if value:
                data[bound.html_name] = "on"
        elif value is not None:
            data[bound.html_name] = value
    return data


def read(client, convention, party, content, name="extrait.pdf", **typed):
    data = {"read_extract": "1", "extract": upload(content, name), **typed}
    return client.post(url(convention, party), data)


def text_of(response):
    """The page as people read it (entities decoded)."""
    return html.unescape(response.content.decode())


def pending_files():
    try:
        return default_storage.listdir(PENDING_DIR)[1]
    except FileNotFoundError:
        return []


def test_reading_the_extract_fills_the_form_and_saves_nothing(
    client, convention, valentigney, officer
):
    response = read(client, convention, valentigney, extract_pdf())

    assert response.status_code == 200
    form = response.context["form"]
    assert form["act_number"].value() == "2023-32"
    assert form["session_date"].value() == "05/04/2023"
    assert form["members_in_office"].value() == "33"
    assert form["present"].value() == "27"
    assert form["proxies"].value() == "4"
    assert form["votes_cast"].value() == "31"
    # Voters are the present and represented members (none said not to take part).
    assert form["voters"].value() == "31"
    assert "déduit de l'extrait" in html.unescape(form.fields["voters"].help_text)
    assert form["outcome"].value() == "adopted_unanimously"
    assert form["session_secretary"].value() == "Anne-Lise GARCIA"
    assert "GAUTIER" in form["chair"].value()
    assert form["convocation_on"].value() == "30/03/2023"
    assert form["received_by_prefecture_on"].value() == "12/04/2023"
    assert form["actes_id"].value() == "025-212505804-20230405-2023_32-DE"
    assert not form.errors
    page = text_of(response)
    assert "Extrait lu : rien n'est encore enregistré" in page
    assert "lu dans l'extrait" in html.unescape(form.fields["present"].help_text)
    # Under unanimity the votes for are the votes cast: deduced, and said so.
    assert "déduit de l'extrait" in html.unescape(form.fields["votes_for"].help_text)
    assert "Non lu dans l'extrait" in page
    assert "<li>membres élus</li>" in page
    assert "L'extrait sera joint comme délibération scannée." in page
    assert not Deliberation.objects.exists()
    assert len(pending_files()) == 1


def test_confirming_the_form_read_saves_it_with_the_extract_as_scan(
    client, convention, valentigney, officer, django_capture_on_commit_callbacks
):
    content = extract_pdf()
    data = form_data(read(client, convention, valentigney, content).context["form"])
    data["session_secretary"] = "Mme Anne-Lise GARCIA"  # the person corrects one value

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(convention, valentigney), data)

    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    assert deliberation.session_date == datetime.date(2023, 4, 5)
    assert (deliberation.members_in_office, deliberation.present) == (33, 27)
    assert (deliberation.proxies, deliberation.votes_cast, deliberation.votes_for) == (4, 31, 31)
    assert deliberation.voters == 31
    assert deliberation.convocation_on == datetime.date(2023, 3, 30)
    assert deliberation.session_secretary == "Mme Anne-Lise GARCIA"
    with deliberation.scan.open("rb") as scan:
        assert scan.read() == content
    assert pending_files() == []


def test_what_the_person_typed_is_kept_beside_the_value_read(
    client, convention, valentigney, officer
):
    response = read(client, convention, valentigney, extract_pdf(), present="26")

    form = response.context["form"]
    assert form["present"].value() == "26"
    page = text_of(response)
    assert "l'extrait indique : 27" in page
    assert "1 valeur lue diffère de votre saisie, qui est conservée" in page
    assert form["act_number"].value() == "2023-32"  # left empty, filled from the extract


@pytest.mark.parametrize(
    ("facts", "field", "message"),
    [
        (
            {"present": "30", "proxies": "5", "votes_cast": "35"},
            "proxies",
            "5 pouvoirs pour 3 membres absents : seul un membre absent peut donner pouvoir.",
        ),
        (
            {"votes": "Pour : 29 Contre : 2 Abstention : 0"},
            "outcome",
            "Une délibération adoptée à l'unanimité ne peut compter aucune voix contre (2 ici).",
        ),
        (
            {"present": "15", "votes_cast": "19"},
            "present",
            "Quorum non atteint : 15 présents sur 33 en exercice",
        ),
        (
            {"votes": "Votants : 29"},
            "votes_cast",
            "Il y a plus de suffrages exprimés (31) que de votants (29)",
        ),
    ],
    ids=[
        "more-proxies-than-absent",
        "unanimity-with-votes-against",
        "no-quorum",
        "more-votes-cast-than-voters",
    ],
)
def test_impossible_figures_of_an_extract_are_explained_and_never_saved(
    client, convention, valentigney, officer, facts, field, message
):
    content = extract_pdf(**facts)

    response = read(client, convention, valentigney, content)

    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    page = text_of(response)
    assert "Les chiffres ou les dates lus ne sont pas cohérents" in page
    # The summary names the field in error and leads to it, at the top of a long page.
    label = form.fields[field].label
    assert f'<li><a href="#id_{field}">{label}</a> : ' in page
    # Confirming without correcting is refused the same way.
    assert client.post(url(convention, valentigney), form_data(form)).status_code == 200
    assert not Deliberation.objects.exists()


def test_an_extract_of_a_second_convocation_is_accepted_without_quorum(
    client, convention, valentigney, officer
):
    second = (
        "Le quorum n'ayant pas été atteint lors de la séance du 31 mars 2023, le Conseil "
        "Municipal s'est réuni en seconde convocation."
    )
    content = extract_pdf(present="15", excused="12", absent="6", votes_cast="19", votes=second)

    form = read(client, convention, valentigney, content).context["form"]

    assert not form.errors
    assert form["second_convocation"].value() is True
    assert form["first_session_date"].value() == "31/03/2023"
    assert "lu dans l'extrait" in html.unescape(form.fields["second_convocation"].help_text)
    assert client.post(url(convention, valentigney), form_data(form)).status_code == 302
    deliberation = Deliberation.objects.get()
    assert deliberation.second_convocation
    assert deliberation.first_session_date == datetime.date(2023, 3, 31)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (image_only_pdf, "ne contient pas de texte"),
        (lambda tmp_path: b"%PDF-1.7\n" + b"\x00garbage" * 200, "endommagé"),
        (lambda tmp_path: extract_docx()[:2000], "endommagé"),
        (
            lambda tmp_path: HTML(
                string="<p>Convention territoriale globale 2023-2027 entre la Caf du Doubs et "
                "Pays de Montbéliard Agglomération. Article 1 – Objet de la convention.</p>"
            ).write_pdf(),
            "ne ressemble pas à un extrait de délibération",
        ),
    ],
    ids=["image-only", "corrupted", "truncated-docx", "not-a-deliberation"],
)
def test_an_unreadable_extract_is_explained_and_the_form_keeps_what_was_typed(
    client, convention, valentigney, officer, tmp_path, make, message
):
    response = read(client, convention, valentigney, make(tmp_path), act_number="2023-99")

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["extract"])
    assert form["act_number"].value() == "2023-99"
    assert list(form.errors) == ["extract"]  # the rest is not judged before saving
    page = text_of(response)
    assert "L'extrait n'a pas été lu" in page
    assert "le formulaire reste utilisable pour saisir la délibération à la main" in page
    assert "Extrait lu" not in page
    assert not Deliberation.objects.exists()
    assert pending_files() == []


def test_a_40_mb_extract_is_refused_with_a_french_message(
    client, convention, valentigney, officer, tmp_path
):
    big = tmp_path / "extrait.pdf"
    with big.open("wb") as handle:
        handle.write(extract_pdf())
        handle.write(b"\n%" + b"0" * (40 * 1024 * 1024))
    with big.open("rb") as handle:
        response = client.post(
            url(convention, valentigney), {"read_extract": "1", "extract": handle}
        )

    assert response.status_code == 200
    assert "Le fichier dépasse 20 Mo" in " ".join(response.context["form"].errors["extract"])
    assert not Deliberation.objects.exists()
    assert pending_files() == []


def test_a_request_over_the_site_limit_gets_the_friendly_page(
    client, convention, valentigney, officer, settings
):
    settings.MAX_REQUEST_BYTES = 10_000
    response = read(client, convention, valentigney, extract_pdf() + b"0" * 20_000)

    assert response.status_code == 413
    assert "Envoi trop volumineux" in text_of(response)
    assert not Deliberation.objects.exists()


def test_reading_without_a_file_says_which_file_to_choose(client, convention, valentigney, officer):
    response = client.post(url(convention, valentigney), {"read_extract": "1"})

    assert "Choisissez le fichier de l'extrait" in text_of(response)
    assert not Deliberation.objects.exists()


def test_a_docx_extract_fills_the_form_but_is_not_the_scan(
    client, convention, valentigney, officer
):
    response = read(
        client,
        convention,
        valentigney,
        extract_docx(),
        name="extrait.docx",
    )

    form = response.context["form"]
    assert form["act_number"].value() == "2023-32"
    assert form["present"].value() == "27"
    assert "Un extrait DOCX n'est pas joint" in text_of(response)
    assert pending_files() == []
    assert client.post(url(convention, valentigney), form_data(form)).status_code == 302
    assert not Deliberation.objects.get().scan


def test_the_extract_of_another_authority_is_flagged(client, convention, valentigney, officer):
    response = read(client, convention, valentigney, extract_pdf(authority="AUDINCOURT"))

    page = text_of(response)
    assert (
        "Cet extrait est celui de « Commune de Audincourt », et non de la Commune de "
        "Valentigney" in page
    )
    assert "vérifiez que c'est bien la délibération de cette partie" in page
    own = text_of(read(client, convention, valentigney, extract_pdf()))
    assert "vérifiez que c'est bien la délibération de cette partie" not in own


def test_an_extract_chosen_and_saved_directly_becomes_the_scan(
    client, convention, valentigney, officer
):
    content = extract_pdf()
    data = {
        "body": "municipal_council",
        "session_date": "05/04/2023",
        "subject": "Convention territoriale globale",
        "outcome": "adopted",
        "extract": upload(content),
    }
    assert client.post(url(convention, valentigney), data).status_code == 302
    with Deliberation.objects.get().scan.open("rb") as scan:
        assert scan.read() == content


def test_a_docx_extract_saved_directly_is_refused_at_its_field(
    client, convention, valentigney, officer
):
    data = {
        "body": "municipal_council",
        "session_date": "05/04/2023",
        "subject": "Convention territoriale globale",
        "outcome": "adopted",
        "extract": upload(extract_docx(), "extrait.docx"),
    }
    response = client.post(url(convention, valentigney), data)

    errors = " ".join(response.context["form"].errors["extract"])
    assert "ne peut pas être joint comme délibération scannée" in errors
    assert "Lire l'extrait" in errors
    assert not Deliberation.objects.exists()


def test_an_extract_read_again_replaces_the_one_kept(client, convention, valentigney, officer):
    first = form_data(read(client, convention, valentigney, extract_pdf()).context["form"])
    again = extract_pdf(sent="13/04/2023", received="13/04/2023")
    data = first | {"read_extract": "1", "extract": upload(again)}

    form = client.post(url(convention, valentigney), data).context["form"]

    assert form["pending_scan"].value() != first["pending_scan"]
    assert len(pending_files()) == 1
    assert client.post(url(convention, valentigney), form_data(form)).status_code == 302
    with Deliberation.objects.get().scan.open("rb") as scan:
        assert scan.read() == again


@pytest.mark.parametrize(
    ("posted", "field"),
    [(datetime.date(2023, 3, 30), "posted_on"), (datetime.date(2023, 4, 14), "published_on")],
)
def test_a_posting_date_after_the_session_is_the_publication(valentigney, posted, field):
    reading = Reading(values={"session_date": datetime.date(2023, 4, 5), "posted_on": posted})
    form = DeliberationForm({"outcome": "adopted"}, party=valentigney)

    data, notes = read_into(form, reading)

    assert data[field] == f"{posted:%d/%m/%Y}"
    assert notes[field] == ("read", f"{posted:%d/%m/%Y}")
    other = "published_on" if field == "posted_on" else "posted_on"
    assert other not in notes and not data.get(other)


def test_a_token_kept_for_another_party_attaches_nothing(client, convention, valentigney, officer):
    lead = convention.parties.get(role=PartyRole.LEAD)
    token = keep_pending_extract(upload(extract_pdf()), lead)
    data = {
        "body": "municipal_council",
        "session_date": "05/04/2023",
        "subject": "Convention territoriale globale",
        "outcome": "adopted",
        "pending_scan": token,
    }
    for forged in (token, token[:-3] + "abc"):
        data["pending_scan"] = forged
        assert client.post(url(convention, valentigney), data).status_code == 302
    assert not any(deliberation.scan for deliberation in Deliberation.objects.all())


def test_reading_keeps_the_version_read_and_a_stale_save_is_refused(
    client, convention, valentigney
):
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(adviser)
    created = form_data(read(client, convention, valentigney, extract_pdf()).context["form"])
    assert client.post(url(convention, valentigney), created).status_code == 302
    deliberation = Deliberation.objects.get()
    edit = reverse(
        "conventions:deliberation_edit", args=[convention.pk, valentigney.pk, deliberation.pk]
    )
    version = client.get(edit).context["form"]["read_version"].value()
    Deliberation.objects.filter(pk=deliberation.pk).update(act_number="2023-33")

    response = client.post(
        edit, {"read_extract": "1", "read_version": version, "extract": upload(extract_pdf())}
    )
    form = response.context["form"]
    assert form["read_version"].value() == version
    assert client.post(edit, form_data(form)).status_code == 409
    deliberation.refresh_from_db()
    assert deliberation.act_number == "2023-33"


def test_outsiders_get_404_for_the_read_action_and_nothing_is_kept(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.ADVISER))
    assert read(client, convention, valentigney, extract_pdf()).status_code == 404
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    foreign = PartyFactory()
    assert read(client, convention, foreign, extract_pdf()).status_code == 404
    assert pending_files() == []


def test_readers_and_other_parties_officers_cannot_read_an_extract(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.READER, organisation=valentigney.organisation))
    assert read(client, convention, valentigney, extract_pdf()).status_code == 403
    lead = convention.parties.get(role=PartyRole.LEAD)
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=valentigney.organisation))
    assert read(client, convention, lead, extract_pdf()).status_code == 403
    assert pending_files() == []


def test_reading_costs_the_same_queries_whatever_the_convention_size(
    client, convention, valentigney, officer, django_assert_max_num_queries
):
    content = extract_pdf()
    with django_assert_max_num_queries(30) as small:
        read(client, convention, valentigney, content)
    for _ in range(30):
        organisation = OrganisationFactory(department=valentigney.organisation.department)
        PartyFactory(convention=convention, organisation=organisation, role="co_signatory")
    with django_assert_max_num_queries(len(small.captured_queries)):
        read(client, convention, valentigney, content)


# The deliberation's page and annexe 7 show the facts an extract gives.


def saved_from_extract(client, convention, valentigney):
    data = form_data(read(client, convention, valentigney, extract_pdf()).context["form"])
    data |= {"members_elected": "33", "excused": "4", "absent": "2", "rapporteur": "Lise VURPILLOT"}
    assert client.post(url(convention, valentigney), data).status_code == 302
    return Deliberation.objects.get()


def test_the_deliberation_page_shows_the_facts_read(client, convention, valentigney, officer):
    deliberation = saved_from_extract(client, convention, valentigney)
    page_url = reverse("conventions:deliberation", args=[convention.pk, deliberation.pk])

    page = client.get(page_url).content.decode()

    for text in (
        "n° 2023-32</h1>",
        "Philippe GAUTIER",
        "Lise VURPILLOT",
        '<dt class="col-sm-4">Membres élus</dt><dd class="col-sm-8">33</dd>',
        '<dt class="col-sm-4">Membres excusés</dt><dd class="col-sm-8">4</dd>',
        '<dt class="col-sm-4">Membres absents</dt><dd class="col-sm-8">2</dd>',
        '<dt class="col-sm-4">Votants</dt><dd class="col-sm-8">31</dd>',
        "30/03/2023",
        '<dt class="col-sm-4">Reçue en préfecture le</dt><dd class="col-sm-8">12/04/2023</dd>',
        "Corriger la délibération",
    ):
        assert text in page, text
    detail = reverse("conventions:detail", args=[convention.pk])
    assert page_url in client.get(detail).content.decode()


def test_the_deliberation_page_is_404_outside_and_read_only_for_readers(
    client, convention, valentigney, officer
):
    deliberation = saved_from_extract(client, convention, valentigney)
    page_url = reverse("conventions:deliberation", args=[convention.pk, deliberation.pk])
    client.force_login(UserFactory(role=Role.READER, organisation=valentigney.organisation))
    page = client.get(page_url)
    assert page.status_code == 200
    assert "Corriger la délibération" not in page.content.decode()
    assert client.post(page_url).status_code == 405
    client.force_login(UserFactory(role=Role.ADVISER))
    assert client.get(page_url).status_code == 404
    other = ConventionFactory()
    client.force_login(UserFactory(role=Role.ADVISER, organisation=other.caf))
    wrong = reverse("conventions:deliberation", args=[other.pk, deliberation.pk])
    assert client.get(wrong).status_code == 404
    client.logout()
    assert client.get(page_url).status_code == 302


def test_the_deliberation_page_costs_the_same_queries_with_a_long_history(
    client, convention, valentigney, officer, django_assert_max_num_queries
):
    deliberation = saved_from_extract(client, convention, valentigney)
    page_url = reverse("conventions:deliberation", args=[convention.pk, deliberation.pk])
    with django_assert_max_num_queries(20) as small:
        client.get(page_url)
    for number in range(20):
        deliberation.act_number = f"2023-{number}"
        deliberation.save()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(page_url)


def test_annex_7_prints_the_facts_read_only_when_filled(
    client, convention, valentigney, officer, django_capture_on_commit_callbacks
):
    saved_from_extract(client, convention, valentigney)
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    text = " ".join(text.split())
    annex = text[text.rindex("Annexe 7") :]
    assert "Présidence" in annex and "GAUTIER" in annex
    assert "Rapporteur" in annex and "VURPILLOT" in annex
    assert (
        "33 élus, 33 en exercice, 27 présents, 4 excusés, 2 absents, 4 pouvoirs, 31 votants"
        in annex
    )
    assert "Convocation du 30/03/2023" in annex
    assert "Reçue en préfecture le 12/04/2023" in annex
    assert "Convocation affichée" not in annex  # not given: not printed


def test_a_figure_the_extract_gives_twice_differently_is_left_to_the_person(
    client, convention, valentigney, officer
):
    response = read(
        client, convention, valentigney, extract_pdf(votes="Nbre de membres présents : 26")
    )

    assert response.context["form"]["present"].value() in ("", None)
    assert "membres présents : l'extrait donne 27 et 26, à vérifier" in text_of(response)
    assert not Deliberation.objects.exists()
