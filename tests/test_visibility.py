"""Who sees and edits which convention: scoped querysets used by every view."""

import pytest
from django.contrib.auth.models import AnonymousUser

from conventions.models import Convention, PartyRole
from partners.models import Role
from tests.factories import ConventionFactory, OrganisationFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    haut_rhin = ConventionFactory(title="CTG du Val d'Argent")
    commune = PartyFactory(convention=haut_rhin, role=PartyRole.CO_SIGNATORY).organisation
    PartyFactory(convention=haut_rhin, organisation=haut_rhin.lead_authority, role=PartyRole.LEAD)
    doubs = ConventionFactory(title="CTG de Pays de Montbéliard Agglomération")
    return {
        "haut_rhin": haut_rhin,
        "doubs": doubs,
        "adviser": UserFactory(role=Role.ADVISER, organisation=haut_rhin.caf),
        "other_adviser": UserFactory(role=Role.ADVISER, organisation=doubs.caf),
        "cooperation": UserFactory(role=Role.COOPERATION, organisation=haut_rhin.lead_authority),
        "reader": UserFactory(role=Role.READER, organisation=commune),
        "outsider": UserFactory(role=Role.READER, organisation=OrganisationFactory()),
        "administrator": UserFactory(administrator=True),
    }


@pytest.mark.parametrize(
    ("who", "visible", "editable"),
    [
        ("adviser", {"haut_rhin"}, {"haut_rhin"}),
        ("other_adviser", {"doubs"}, {"doubs"}),
        ("cooperation", {"haut_rhin"}, set()),
        ("reader", {"haut_rhin"}, set()),
        ("outsider", set(), set()),
        ("administrator", {"haut_rhin", "doubs"}, {"haut_rhin", "doubs"}),
    ],
)
def test_each_role_sees_and_edits_only_its_territory(world, who, visible, editable):
    user = world[who]
    names = {world[key].pk: key for key in ("haut_rhin", "doubs")}
    assert {names[c.pk] for c in Convention.objects.visible_to(user)} == visible
    assert {names[c.pk] for c in Convention.objects.editable_by(user)} == editable


def test_anonymous_sees_nothing(world):
    assert not Convention.objects.visible_to(AnonymousUser()).exists()
    assert not Convention.objects.editable_by(AnonymousUser()).exists()


def test_a_party_listed_twice_does_not_duplicate_the_convention(world):
    PartyFactory(convention=world["haut_rhin"], organisation=world["haut_rhin"].caf)
    caf_reader = UserFactory(role=Role.READER, organisation=world["haut_rhin"].caf)
    assert Convention.objects.visible_to(caf_reader).count() == 1
