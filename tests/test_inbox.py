"""The "À faire" inbox: each role's lines, each gone once its work is done; the page,
the navbar's count, and their constant number of queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from actionplan import followup
from actionplan.models import Meeting
from conventions import inbox, lifecycle
from conventions.models import PartyRole
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db
DAY = TODAY.date()  # 10 May 2026: T2 is the current quarter, T1 ended 40 days ago.


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention()


def lines(user, kind=None):
    return [task for task in inbox.todo(user, DAY) if kind is None or task.kind == kind]


def labels(user, kind):
    return [task.label for task in lines(user, kind)]


def submit(setting, number, year=2026, quarter=2):
    entry = setting.entries[(number, year, quarter)]
    entry.refresh_from_db()
    followup.save_entry(
        setting.users["cooperation"], entry, entry.revision, entry_data(), submit=True
    )
    return entry


def frozen_convention(caf=None, communes=2, **kwargs):
    convention = ConventionFactory(**({"caf": caf} if caf else {}), **kwargs)
    caf_party = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf_party.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    for _ in range(communes):
        party = PartyFactory(convention=convention)
        party.signatories.set([RepresentativeFactory(organisation=party.organisation)])
    ArticleFactory(convention=convention)
    lifecycle.freeze(convention)
    return convention


# -- The adviser ------------------------------------------------------------------


def test_transmitted_entries_wait_for_the_adviser_until_validated(setting):
    adviser = setting.users["adviser"]
    assert lines(adviser, inbox.VALIDATE) == []
    first = submit(setting, 1)
    submit(setting, 2)
    (task,) = lines(adviser, inbox.VALIDATE)
    assert task.label == f"{setting.convention.title} – T2 2026 : 2 actions transmises à valider"
    assert task.url == reverse("actionplan:followup", args=[setting.convention.pk, 2026, 2])
    assert task.count == 2 and task.date == DAY

    first.refresh_from_db()
    followup.validate(adviser, first, first.revision)
    (task,) = lines(adviser, inbox.VALIDATE)
    assert task.label.endswith(": 1 action transmise à valider")
    second = setting.entries[(2, 2026, 2)]
    second.refresh_from_db()
    followup.validate(adviser, second, second.revision)
    assert lines(adviser, inbox.VALIDATE) == []


def test_authorities_late_past_the_deadline_are_listed_until_they_transmit(setting, settings):
    settings.FOLLOWUP_DEADLINE_DAYS = 15
    adviser = setting.users["adviser"]
    (task,) = lines(adviser, inbox.LATE)
    assert task.label == f"{setting.convention.title} – T1 2026 : 2 actions non transmises"
    assert task.due == datetime.date(2026, 4, 15)
    assert task.is_overdue(DAY)
    for number in (1, 2):
        submit(setting, number, 2026, 1)
    assert lines(adviser, inbox.LATE) == []


def test_a_quarter_is_not_late_before_its_deadline(setting, settings):
    settings.FOLLOWUP_DEADLINE_DAYS = 60
    assert lines(setting.users["adviser"], inbox.LATE) == []


def test_the_current_quarter_not_opened_is_to_open_until_opened():
    setting = signed_convention(quarters=((2026, 1),))
    adviser = setting.users["adviser"]
    (task,) = lines(adviser, inbox.OPEN_QUARTER)
    assert task.label == f"{setting.convention.title} : suivi du T2 2026 à ouvrir"
    assert task.url == reverse("actionplan:followup", args=[setting.convention.pk, 2026, 2])
    followup.open_convention_quarter(adviser, setting.convention, 2026, 2, today=DAY)
    assert lines(adviser, inbox.OPEN_QUARTER) == []


def test_a_convention_ending_within_a_year_asks_for_its_renewal_until_renewed():
    setting = signed_convention(
        quarters=(), start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2026, 12, 31)
    )
    adviser = setting.users["adviser"]
    (task,) = lines(adviser, inbox.RENEWAL)
    assert task.due == datetime.date(2026, 12, 31)
    assert task.url == reverse("conventions:renew", args=[setting.convention.pk])
    lifecycle.renew(setting.convention, reference="ctg-renouvelee-2027-2031", user=adviser)
    assert lines(adviser, inbox.RENEWAL) == []


def test_a_convention_ending_in_more_than_a_year_asks_nothing(setting):
    assert lines(setting.users["adviser"], inbox.RENEWAL) == []


def test_a_meeting_held_without_minutes_waits_for_them(setting):
    convention = setting.convention
    held = Meeting.objects.create(
        convention=convention, kind="copil", date=datetime.date(2026, 4, 9)
    )
    Meeting.objects.create(convention=convention, kind="cotech", date=datetime.date(2026, 6, 1))
    (task,) = lines(setting.users["adviser"], inbox.MINUTES)
    assert task.label == f"{convention.title} : comité de pilotage du 09/04/2026 sans compte rendu"
    assert task.url == reverse("actionplan:meeting_edit", args=[convention.pk, held.pk])
    held.minutes = "minutes/copil-2026-04-09.pdf"
    held.save()
    assert lines(setting.users["adviser"], inbox.MINUTES) == []


def test_deliberations_then_signatures_follow_the_lifecycle():
    convention = frozen_convention(title="CTG du Val d'Argent")
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    assert labels(adviser, inbox.DELIBERATIONS) == [
        "CTG du Val d'Argent : 2 parties sans délibération adoptée"
    ]
    assert lines(adviser, inbox.SIGNATURES) == []
    for party in convention.parties.filter(requires_deliberation=True):
        DeliberationFactory(party=party, version=convention.current_version)
    assert lines(adviser, inbox.DELIBERATIONS) == []
    lifecycle.start_signing(convention)
    (task,) = lines(adviser, inbox.SIGNATURES)
    assert task.label == "CTG du Val d'Argent : 0 signature sur 3"
    assert task.url == reverse("conventions:signature", args=[convention.pk])


# -- The chargé de coopération ------------------------------------------------------


def test_the_cooperation_officer_fills_each_quarter_begun_with_its_deadline(setting):
    officer = setting.users["cooperation"]
    first, current = lines(officer, inbox.FILL)
    assert (
        first.label
        == f"{setting.convention.title} – T1 2026 : 2 actions à renseigner et transmettre"
    )
    # Due 30 days after each quarter's end: 10 May is past T1's deadline.
    assert first.due == datetime.date(2026, 4, 30) and first.is_overdue(DAY)
    assert current.due == datetime.date(2026, 7, 30) and not current.is_overdue(DAY)
    submit(setting, 1)
    submit(setting, 2)
    assert [task.due for task in lines(officer, inbox.FILL)] == [datetime.date(2026, 4, 30)]


def test_an_entry_sent_back_shows_the_advisers_comment_until_transmitted_again(setting):
    officer, adviser = setting.users["cooperation"], setting.users["adviser"]
    entry = submit(setting, 2)
    followup.send_back(adviser, entry, entry.revision, "Précisez le nombre de places créées.")
    (task,) = lines(officer, inbox.SENT_BACK)
    assert task.label == (
        f"{setting.convention.title} – T2 2026, action 2 « Action numéro 2 » : à compléter"
    )
    assert task.comment == "Précisez le nombre de places créées."
    assert task.url.endswith("/suivi/2026/T2/#action-2")
    assert lines(adviser, inbox.SENT_BACK) == []
    submit(setting, 2)
    assert lines(officer, inbox.SENT_BACK) == []


def test_the_cooperation_officer_records_their_own_councils_deliberation():
    convention = frozen_convention(title="CTG du Val d'Argent")
    party = convention.parties.filter(role=PartyRole.CO_SIGNATORY).first()
    officer = UserFactory(role=Role.COOPERATION, organisation=party.organisation)
    (task,) = lines(officer)
    assert task.kind == inbox.OWN_DELIBERATION
    assert task.url == reverse("conventions:deliberation_create", args=[convention.pk, party.pk])
    DeliberationFactory(party=party, version=convention.current_version)
    assert lines(officer) == []


# -- Who sees what ------------------------------------------------------------------


def test_readers_and_outsiders_have_nothing_to_do_the_administrator_sees_everything(setting):
    submit(setting, 1)
    for who in ("reader", "other_cooperation", "other_adviser"):
        assert lines(setting.users[who]) == [], who
    assert labels(setting.users["admin"], inbox.VALIDATE) == labels(
        setting.users["adviser"], inbox.VALIDATE
    )


def test_the_administrator_sees_the_first_lines_of_each_kind_and_how_many(
    client, setting, monkeypatch
):
    for _ in range(2):
        other = signed_convention()
        followup.save_entry(
            other.users["cooperation"], other.entries[(1, 2026, 2)], 0, entry_data(), submit=True
        )
    submit(setting, 1)
    monkeypatch.setattr(inbox, "LIMIT", 2)
    assert len(lines(setting.users["admin"], inbox.VALIDATE)) == 2
    assert inbox.counts(setting.users["admin"], DAY)[inbox.VALIDATE] == 3
    client.force_login(setting.users["admin"])
    page = client.get(reverse("conventions:inbox")).content.decode()
    assert "Les 2 premières lignes sur 3." in page


# -- The page and the navbar --------------------------------------------------------


def test_the_page_groups_lines_by_kind_under_headings_with_links(client, setting):
    submit(setting, 1)
    client.force_login(setting.users["adviser"])
    page = client.get(reverse("conventions:inbox")).content.decode()
    assert '<h1 class="h3 mb-2">À faire</h1>' in page
    assert '<h2 id="valider" class="h5">Suivis transmis à valider' in page
    assert '<h2 id="retards" class="h5">Collectivités en retard de suivi' in page
    assert page.index('id="valider"') < page.index('id="retards"')
    url = reverse("actionplan:followup", args=[setting.convention.pk, 2026, 2])
    assert f'<a href="{url}">' in page
    assert "en retard, attendu le 30 avril 2026" in page
    # The navbar counts the same lines: one to validate, one late quarter.
    assert '<span class="visually-hidden">: 2 tâches en attente</span>' in page
    assert "2 tâches en attente." in page


def test_the_navbar_counts_the_tasks_on_every_page(client, setting):
    entry = submit(setting, 1)
    client.force_login(setting.users["cooperation"])
    page = client.get(reverse("conventions:list")).content.decode()
    # T1 to fill (2 actions), T2's second action to fill.
    assert ": 2 tâches en attente" in page
    assert reverse("conventions:inbox") in page
    followup.send_back(setting.users["adviser"], entry, entry.revision, "Complétez.")
    page = client.get(reverse("conventions:list")).content.decode()
    assert ": 3 tâches en attente" in page


def test_the_navbar_count_is_kept_until_something_changes(client, setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(setting.users["adviser"])
    url = reverse("conventions:list")
    client.get(url)

    def counted():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return page, any("SELECT (SELECT COUNT(*)" in q["sql"] for q in queries)

    page, recounted = counted()
    assert not recounted and ": 1 tâche en attente" in page
    submit(setting, 1)
    page, recounted = counted()
    assert recounted and ": 2 tâches en attente" in page


def test_a_reader_has_no_inbox_link_and_an_empty_page(client, setting):
    client.force_login(setting.users["reader"])
    assert (
        reverse("conventions:inbox") not in client.get(reverse("conventions:list")).content.decode()
    )
    page = client.get(reverse("conventions:inbox")).content.decode()
    assert "Rien ne vous attend pour le moment." in page


def test_the_page_is_private_and_read_only(client, setting):
    url = reverse("conventions:inbox")
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response.url
    client.force_login(setting.users["adviser"])
    assert client.post(url).status_code == 405


def _busy_convention(caf=None):
    """A convention with one line of each of six kinds for its adviser (not signatures)."""
    setting = signed_convention(
        quarters=((2026, 1),),
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        **({"caf": caf} if caf else {}),
    )
    followup.save_entry(
        setting.users["cooperation"], setting.entries[(1, 2026, 1)], 0, entry_data(), submit=True
    )
    Meeting.objects.create(
        convention=setting.convention, kind="copil", date=datetime.date(2026, 4, 9)
    )
    frozen_convention(caf=setting.convention.caf)
    return setting


def test_inbox_and_badge_take_a_constant_number_of_queries(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    first = _busy_convention(None)
    caf = first.convention.caf
    adviser = first.users["adviser"]
    for _ in range(2):
        _busy_convention(caf)
    with django_assert_num_queries(1):
        assert sum(inbox.counts(adviser, DAY).values()) == 3 * 6
    client.force_login(adviser)
    with django_assert_max_num_queries(20) as three:
        assert client.get(reverse("conventions:inbox")).status_code == 200
    for _ in range(27):
        _busy_convention(caf)
    with django_assert_num_queries(len(three.captured_queries)):
        page = client.get(reverse("conventions:inbox")).content.decode()
    assert "180 tâches en attente." in page
    with django_assert_num_queries(1):
        assert sum(inbox.counts(adviser, DAY).values()) == 30 * 6


def test_mon_compte_sets_the_daily_digest(client, setting):
    officer = setting.users["cooperation"]
    client.force_login(officer)
    url = reverse("account:preferences")
    page = client.get(url).content.decode()
    assert "Recevoir un résumé quotidien" in page
    assert 'for="id_daily_digest"' in page
    version = page.split('name="read_version" value="')[1].split('"')[0]
    response = client.post(url, {"daily_digest": "on", "read_version": version})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.daily_digest
    # A page read before that change is refused rather than silently undoing it.
    response = client.post(url, {"read_version": version})
    assert response.status_code == 409
    officer.refresh_from_db()
    assert officer.daily_digest
