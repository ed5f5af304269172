"""Every detail answers an ETag and 304 when unchanged; the organisations' list keeps its
number of queries whatever the number of organisations."""

import pytest
from django.urls import reverse

from tests.api.conftest import client_for
from tests.factories import OrganisationFactory
from tests.followup_setup import signed_convention

pytestmark = pytest.mark.django_db


def test_every_detail_answers_an_etag_and_304_when_unchanged():
    setting = signed_convention()
    client = client_for(setting.users["adviser"])
    pk = setting.convention.pk
    entry = next(iter(setting.entries.values()))
    for url in (
        reverse("api:convention", args=[pk]),
        reverse("api:plan", args=[pk]),
        reverse("api:follow_up", args=[entry.pk]),
        reverse("api:organisation", args=[setting.convention.caf_id]),
    ):
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        assert etag.startswith('"') and "Authorization" in first["Vary"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
        assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_the_organisations_list_keeps_its_queries_whatever_its_length(
    django_assert_max_num_queries,
):
    client = client_for(signed_convention().users["reader"])
    url = reverse("api:organisations")
    with django_assert_max_num_queries(10) as few:
        assert client.get(url, {"page_size": 200}).status_code == 200
    OrganisationFactory.create_batch(30, as_epci=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get(url, {"page_size": 200}).json()["results"]
    assert len(rows) >= 30
