"""Conventions through the API: filters, the detail in full, pagination, ETag, queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from conventions.models import (
    ConventionState,
    ConventionVersion,
    Document,
    DocumentKind,
    DocumentState,
    PartyRole,
    Signature,
)
from tests.api.conftest import client_for
from tests.factories import (
    ConventionFactory,
    DeliberationFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
    siren_from,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def caf():
    return OrganisationFactory(as_caf=True, siren=siren_from(9001))


@pytest.fixture
def adviser(caf):
    return UserFactory(adviser=True, organisation=caf)


def listed(client, **params):
    response = client.get(reverse("api:conventions"), params)
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def full_convention(caf, parties=2):
    """A signed convention: the Caf's party, `parties` communes each with a deliberation
    and a signature, a frozen version and a rendered document."""
    convention = ConventionFactory(caf=caf, state=ConventionState.SIGNED)
    caf_party(convention)
    version = ConventionVersion.objects.create(
        convention=convention,
        number=1,
        content={"texte": "x" * 1000},
        content_hash="a" * 64,
        frozen_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    for _ in range(parties):
        party = PartyFactory(convention=convention)
        person = RepresentativeFactory(organisation=party.organisation)
        party.signatories.add(person)
        DeliberationFactory(party=party, version=version, actes_id="")
        Signature.objects.create(party=party, representative=person, signed_on="2026-02-01")
        Document.objects.create(
            convention=convention,
            kind=DocumentKind.DELIBERATION_DRAFT,
            party=party,
            content_hash="b" * 64,
            state=DocumentState.DONE,
            file="documents/x.pdf",
        )
    return convention


def test_the_detail_gives_parties_signatures_deliberations_versions_and_documents(caf, adviser):
    convention = full_convention(caf, parties=2)
    response = client_for(adviser).get(reverse("api:convention", args=[convention.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["state_label"] == "Signée"
    assert [p["role"] for p in data["parties"]] == ["caf", "co_signatory", "co_signatory"]
    assert [s["full_name"] for s in data["parties"][0]["signatories"]] == [
        "Monsieur Luc CHERVY",
        "Monsieur Lionel KOENIG",
    ]
    assert len(data["signatures"]) == 2
    deliberation = data["deliberations"][0]
    assert (deliberation["act_number"], deliberation["version"]) == ("2023-32", 1)
    assert deliberation["outcome_label"] == "Adoptée à l'unanimité"
    assert "actes_id" in deliberation
    assert [(v["number"], v["content_hash"]) for v in data["versions"]] == [(1, "a" * 64)]
    assert "content" not in data["versions"][0]
    document = data["documents"][0]
    assert document["kind"] == "deliberation_draft"
    assert document["download_url"].endswith(
        reverse("conventions:document_download", args=[convention.pk, document["id"]])
    )
    assert data["links"]["plan"].endswith(reverse("api:plan", args=[convention.pk]))


def test_detail_and_list_queries_do_not_grow_with_the_convention(
    caf, adviser, django_assert_max_num_queries
):
    small = full_convention(caf, parties=1)
    big = full_convention(caf, parties=12)
    client = client_for(adviser)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("api:convention", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("api:convention", args=[big.pk])).json()["parties"]) == 13

    with django_assert_max_num_queries(20) as few:
        assert len(listed(client)) == 2
    for _ in range(15):
        full_convention(caf, parties=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(listed(client, page_size=200)) == 17


def test_cursor_pagination_walks_every_convention_once(caf, adviser):
    references = {ConventionFactory(caf=caf).reference for _ in range(7)}
    client = client_for(adviser)
    seen, url, pages = [], reverse("api:conventions") + "?page_size=3", 0
    while url:
        page = client.get(url).json()
        seen += [row["reference"] for row in page["results"]]
        url, pages = page["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(references) and len(seen) == 7
    # The page size is bounded: beyond, a 400 rather than a silently smaller page.
    assert len(client.get(reverse("api:conventions"), {"page_size": 200}).json()["results"]) == 7
    assert client.get(reverse("api:conventions"), {"page_size": 201}).status_code == 400


def test_a_bad_cursor_is_a_french_400(adviser):
    response = client_for(adviser).get(reverse("api:conventions"), {"cursor": "zzz"})
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"] == [
        "Curseur de pagination invalide : reprenez l'adresse « next » ou « previous » telle "
        "que l'API l'a donnée."
    ]


def test_filters(caf, adviser):
    other_caf = OrganisationFactory(as_caf=True)
    commune = OrganisationFactory(siren=siren_from(4242))
    signed = ConventionFactory(
        caf=caf,
        reference="signee",
        state=ConventionState.SIGNED,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    PartyFactory(convention=signed, organisation=commune, role=PartyRole.CO_SIGNATORY)
    ConventionFactory(
        caf=caf,
        reference="brouillon",
        start_date=datetime.date(2028, 1, 1),
        end_date=datetime.date(2032, 12, 31),
    )
    ConventionFactory(caf=other_caf, reference="ailleurs")
    admin = client_for(UserFactory(administrator=True))
    adviser_client = client_for(adviser)

    assert sorted(listed(admin, caf=caf.siren)) == ["brouillon", "signee"]
    assert sorted(listed(admin, caf=caf.pk)) == ["brouillon", "signee"]
    assert listed(admin, caf=other_caf.pk) == ["ailleurs"]
    assert listed(adviser_client, caf=other_caf.pk) == [], "a filter never widens the scope"
    assert listed(adviser_client, state="signed") == ["signee"]
    assert listed(adviser_client, territory_siren=commune.siren) == ["signee"]
    assert listed(adviser_client, in_force_on="2024-06-01") == ["signee"]
    assert listed(adviser_client, in_force_on="2029-06-01") == []
    assert listed(adviser_client, years="2028") == ["brouillon"]
    assert sorted(listed(adviser_client, years="2026-2029")) == ["brouillon", "signee"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"state": "inconnu"}, "state", "n'est pas un choix valide"),
        ({"territory_siren": "12"}, "territory_siren", "Un SIREN compte 9 chiffres."),
        ({"years": "2027-2024"}, "years", "La seconde année précède la première."),
        ({"years": "deux mille"}, "years", "Indiquez une année (2026)"),
        ({"caf": "Caf du Doubs"}, "caf", "Indiquez l'identifiant de la Caf ou son SIREN"),
        ({"in_force_on": "31/12/2026"}, "in_force_on", "date"),
        ({"updated_since": "hier"}, "updated_since", "date"),
    ],
)
def test_bad_filters_are_french_400_problems_at_the_field(adviser, params, field, message):
    response = client_for(adviser).get(reverse("api:conventions"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Requête invalide"
    assert message in " ".join(problem["errors"][field])


def test_updated_since_follows_the_history_of_the_convention_and_its_parties(caf, adviser):
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)):
        old = ConventionFactory(caf=caf, reference="ancienne")
        touched = ConventionFactory(caf=caf, reference="partie-ajoutee")
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        PartyFactory(convention=touched)
        renamed = ConventionFactory(caf=caf, reference="nouvelle")
    client = client_for(adviser)
    since = "2026-02-01T00:00:00+01:00"
    assert sorted(listed(client, updated_since=since)) == ["nouvelle", "partie-ajoutee"]
    rows = client.get(reverse("api:conventions")).json()["results"]
    by_reference = {row["reference"]: row["updated_at"] for row in rows}
    assert by_reference["ancienne"].startswith("2026-01-10T10:00")
    assert by_reference["partie-ajoutee"].startswith("2026-03-10T10:00")
    assert old.pk and renamed.pk


def test_a_convention_answers_304_while_unchanged(caf, adviser):
    convention = full_convention(caf, parties=1)
    client = client_for(adviser)
    url = reverse("api:convention", args=[convention.pk])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=f'W/{etag}, "autre"').status_code == 304
    convention.title = "CTG renommée"
    convention.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_a_deliberation_gives_the_facts_read_from_its_extract(caf, adviser):
    convention = full_convention(caf, parties=1)
    convention.parties.get(role="co_signatory").deliberations.update(
        members_elected=33,
        excused=2,
        absent=2,
        voters=29,
        chair="Philippe GAUTIER",
        convocation_on=datetime.date(2023, 3, 29),
        received_by_prefecture_on=datetime.date(2023, 4, 7),
    )
    response = client_for(adviser).get(reverse("api:convention", args=[convention.pk]))
    deliberation = response.json()["deliberations"][0]
    assert deliberation["members_elected"] == 33
    assert (deliberation["excused"], deliberation["absent"]) == (2, 2)
    assert deliberation["voters"] == 29
    assert deliberation["chair"] == "Philippe GAUTIER"
    assert deliberation["convocation_on"] == "2023-03-29"
    assert deliberation["received_by_prefecture_on"] == "2023-04-07"
