"""Editing an amendment in preparation: no lost update, nothing after its freeze."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from conventions import lifecycle
from conventions.models import PartyRole
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, 0), tick=False):
        yield


@pytest.fixture
def amendment():
    convention = ConventionFactory(
        start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2027, 12, 31)
    )
    caf_party(convention)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
    ArticleFactory(convention=convention)
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    return lifecycle.amend(convention, subject="Ajout d'une fiche action")


@pytest.fixture
def edit_page(client, amendment):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=amendment.convention.caf))
    return reverse("conventions:amendment_edit", args=[amendment.convention.pk, amendment.number])


def _read(client, url, **values):
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return data | values


def test_the_adviser_describes_the_changes(client, amendment, edit_page):
    response = client.post(
        edit_page, _read(client, edit_page, changes_description="Fiche 11 ajoutée.")
    )

    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.changes_description == "Fiche 11 ajoutée."


def test_a_stale_save_is_refused_with_the_text_kept(client, amendment, edit_page):
    mine = _read(client, edit_page, changes_description="Ma description")
    theirs = _read(client, edit_page, changes_description="Leur description")
    client.post(edit_page, theirs)

    response = client.post(edit_page, mine)

    assert response.status_code == 409
    text = response.content.decode()
    assert "Ma description" in text and "Leur description" in text
    amendment.refresh_from_db()
    assert amendment.changes_description == "Leur description"


def test_a_save_after_the_freeze_is_refused(client, amendment, edit_page):
    data = _read(client, edit_page, changes_description="Changée après coup")
    amendment.changes_description = "Fiche 11 ajoutée."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    amendment.refresh_from_db()
    frozen = amendment.changes_description

    response = client.post(edit_page, data)

    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.changes_description == frozen
