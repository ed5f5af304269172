"""Administrators configure the endpoints of each Caf and read every delivery and attempt."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory
from tests.webhooks.factories import EndpointFactory, delivery_with_attempt
from webhooks import events
from webhooks.models import Delivery, DeliveryState, Endpoint, EventType

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(administrator=True, is_superuser=True))
    return client


@pytest.fixture
def queued(monkeypatch):
    ids = []
    monkeypatch.setattr(events, "enqueue", ids.extend)
    return ids


def endpoint_data(caf, **changes):
    return {
        "caf": caf.pk,
        "name": "Décisionnel",
        "url": "https://si.caf25.example/ctg",
        "events": [EventType.CONVENTION_SIGNED, EventType.FOLLOW_UP_VALIDATED],
        "is_active": "on",
    } | changes


def test_an_administrator_adds_an_endpoint_and_then_reads_its_secret(admin_client):
    caf = OrganisationFactory(as_caf=True, name="Caf du Doubs")
    add = admin_client.get(reverse("admin:webhooks_endpoint_add")).content.decode()
    assert "Secret de signature" not in add
    assert "Événement de test" not in add, "a test event is never subscribed to"

    response = admin_client.post(reverse("admin:webhooks_endpoint_add"), endpoint_data(caf))
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["convention.signed", "follow_up.validated"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40

    page = admin_client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert endpoint.secret in page.content.decode()
    listing = admin_client.get(reverse("admin:webhooks_endpoint_changelist")).content.decode()
    assert "Convention signée, Suivi trimestriel validé" in listing


INSECURE = "L&#x27;adresse doit commencer par https://"


@pytest.mark.parametrize(
    ("url", "allow_local", "refusal"),
    [
        ("http://si.caf25.example/ctg", True, INSECURE),
        ("http://127.0.0.1:8080/ctg", False, INSECURE),
        ("http://127.0.0.1:8080/ctg", True, None),
        ("http://localhost/ctg", True, None),
        ("ftp://si.caf25.example/ctg", True, INSECURE),
        ("https://si.caf25.example/ctg", False, None),
    ],
)
def test_only_https_is_accepted_except_on_this_machine_in_development(
    admin_client, settings, url, allow_local, refusal
):
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = allow_local
    caf = OrganisationFactory(as_caf=True)
    response = admin_client.post(
        reverse("admin:webhooks_endpoint_add"), endpoint_data(caf, url=url)
    )
    assert Endpoint.objects.exists() == (refusal is None)
    if refusal:
        assert refusal in response.content.decode()


def test_an_endpoint_belongs_to_a_caf(admin_client):
    commune = OrganisationFactory(name="Valentigney")
    response = admin_client.post(reverse("admin:webhooks_endpoint_add"), endpoint_data(commune))
    assert response.status_code == 200
    assert not Endpoint.objects.exists()


def test_the_test_event_action_queues_a_ping_to_the_chosen_endpoints(
    admin_client, queued, django_capture_on_commit_callbacks
):
    chosen = EndpointFactory(events=[])
    EndpointFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:webhooks_endpoint_changelist"),
            {"action": "send_test", "_selected_action": [chosen.pk]},
            follow=True,
        )
    assert "Événement de test mis en file pour 1 point(s) de réception" in (
        response.content.decode()
    )
    ping = Delivery.objects.select_related("event").get()
    assert (ping.endpoint, ping.event.event_type) == (chosen, EventType.PING)
    assert ping.event.payload["data"] == {"endpoint": chosen.name}
    assert queued == [ping.pk]


def test_regenerating_the_secret_replaces_it(admin_client):
    endpoint = EndpointFactory()
    old = endpoint.secret
    admin_client.post(
        reverse("admin:webhooks_endpoint_changelist"),
        {"action": "regenerate_secret", "_selected_action": [endpoint.pk]},
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")


def test_every_delivery_shows_its_attempts_and_cannot_be_changed(admin_client):
    delivery = delivery_with_attempt(OrganisationFactory(as_caf=True))
    url = reverse("admin:webhooks_delivery_change", args=[delivery.pk])
    page = admin_client.get(url).content.decode()
    assert "Tentatives d&#x27;envoi" in page
    assert "Erreur interne" in page and "Réponse HTTP 500." in page
    assert 'name="_save"' not in page
    assert admin_client.post(url, {"state": "delivered"}).status_code == 403
    delete = reverse("admin:webhooks_delivery_delete", args=[delivery.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:webhooks_delivery_add")).status_code == 403


def test_deliveries_are_filtered_by_state_event_and_caf(admin_client):
    doubs, haut_rhin = OrganisationFactory(as_caf=True), OrganisationFactory(as_caf=True)
    failed = delivery_with_attempt(doubs)
    failed.state = DeliveryState.FAILED
    failed.save()
    pending = delivery_with_attempt(haut_rhin)
    url = reverse("admin:webhooks_delivery_changelist")

    def listed(**query):
        return set(admin_client.get(url, query).context["cl"].result_list)

    assert listed(state__exact="failed") == {failed}
    assert listed(endpoint__caf__id__exact=haut_rhin.pk) == {pending}
    assert listed(event__event_type__exact="convention.signed") == {failed, pending}
    assert listed(event__event_type__exact="follow_up.validated") == set()


def test_sending_again_plans_an_attempt_now_but_never_for_a_delivered_one(
    admin_client, queued, django_capture_on_commit_callbacks
):
    failed = delivery_with_attempt(OrganisationFactory(as_caf=True))
    failed.state, failed.next_attempt_at = DeliveryState.FAILED, None
    failed.save()
    delivered = delivery_with_attempt(OrganisationFactory(as_caf=True))
    delivered.state = DeliveryState.DELIVERED
    delivered.save()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk, delivered.pk]},
        )
    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert failed.state == DeliveryState.PENDING and failed.next_attempt_at is not None
    assert delivered.state == DeliveryState.DELIVERED
    assert queued == [failed.pk]


def test_people_outside_the_admin_site_do_not_see_deliveries(client):
    client.force_login(UserFactory(adviser=True))
    response = client.get(reverse("admin:webhooks_delivery_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
