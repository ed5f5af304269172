"""The quarterly follow-up page, the plan dashboard, the Caf's view and the downloads,
for the fixed cast: who sees, who writes, who decides, and what a refusal shows."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from actionplan import followup
from actionplan.models import FollowUp, FollowUpState, IndicatorValue
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db

CAST = ["adviser", "cooperation", "reader", "other_cooperation", "other_adviser", "admin"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention()


def page_url(setting, year=2026, quarter=2):
    return reverse("actionplan:followup", args=[setting.convention.pk, year, quarter])


def form_data(entry, revision=None, **changes):
    """What the page sends for one action, as a browser would."""
    prefix = f"suivi-{entry.pk}-"
    data = {
        f"{prefix}revision": entry.revision if revision is None else revision,
        **{f"{prefix}{name}": value for name, value in entry_data(**changes).items()},
    }
    for indicator in entry.action_sheet.indicators.all():
        data[f"{prefix}indicateur_{indicator.pk}"] = ""
    return data


def fresh(entry):
    return FollowUp.objects.get(pk=entry.pk)


# -- Access -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("followup", [2026, 2], [200, 200, 200, 404, 404, 200]),
        ("followup_current", [], [302, 302, 302, 404, 404, 302]),
        ("dashboard", [], [200, 200, 200, 404, 404, 200]),
        ("dashboard_quarter", [2026, 1], [200, 200, 200, 404, 404, 200]),
        ("export_xlsx", [], [200, 200, 200, 404, 404, 200]),
        ("export_csv", ["actions"], [200, 200, 200, 404, 404, 200]),
        ("export_csv", ["indicateurs"], [200, 200, 200, 404, 404, 200]),
        ("open_quarter", [2026, 2], [405, 405, 405, 405, 405, 405]),
    ],
)
def test_pages_for_the_cast(client, setting, name, args, expected):
    url = reverse(f"actionplan:{name}", args=[setting.convention.pk, *args])
    for who, status in zip(CAST, expected, strict=True):
        client.force_login(setting.users[who])
        assert client.get(url).status_code == status, f"{who} sur {url}"
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_quarter_outside_the_period_is_404(client, setting):
    client.force_login(setting.users["adviser"])
    assert client.get(page_url(setting, 2025, 4)).status_code == 404
    assert client.get(page_url(setting, 2031, 1)).status_code == 404


def test_current_quarter_and_chosen_quarter(client, setting):
    client.force_login(setting.users["cooperation"])
    url = reverse("actionplan:followup_current", args=[setting.convention.pk])
    assert client.get(url)["Location"] == page_url(setting, 2026, 2)
    assert client.get(url, {"trimestre": "2027-T3"})["Location"] == page_url(setting, 2027, 3)
    assert client.get(url, {"trimestre": "2019-T3"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("adviser", 302),
        ("cooperation", 302),
        ("admin", 302),
        ("reader", 403),
        ("other_cooperation", 404),
        ("other_adviser", 404),
    ],
)
def test_who_may_save(client, setting, who, status):
    entry = setting.entries[(1, 2026, 2)]
    client.force_login(setting.users[who])
    response = client.post(page_url(setting), {**form_data(entry), "enregistrer": "1"})
    assert response.status_code == status
    assert fresh(entry).state == (FollowUpState.DRAFT if status == 302 else FollowUpState.OPEN)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("adviser", 302),
        ("admin", 302),
        ("cooperation", 403),
        ("reader", 403),
        ("other_cooperation", 404),
        ("other_adviser", 404),
    ],
)
def test_who_may_validate(client, setting, who, status):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    client.force_login(setting.users[who])
    response = client.post(
        page_url(setting),
        {f"decision-{entry.pk}-revision": 1, "decision": f"valider-{entry.pk}"},
    )
    assert response.status_code == status
    expected = FollowUpState.VALIDATED if status == 302 else FollowUpState.SUBMITTED
    assert fresh(entry).state == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("adviser", 302),
        ("cooperation", 403),
        ("reader", 403),
        ("other_cooperation", 404),
        ("other_adviser", 404),
    ],
)
def test_who_may_open_a_quarter(client, setting, who, status):
    FollowUp.objects.filter(year=2026, quarter=1).delete()
    url = reverse("actionplan:open_quarter", args=[setting.convention.pk, 2026, 1])
    client.force_login(setting.users[who])
    assert client.post(url).status_code == status
    assert FollowUp.objects.filter(year=2026, quarter=1).count() == (2 if status == 302 else 0)


# -- Filling in -----------------------------------------------------------------


def test_the_page_lists_every_action_with_its_form_and_indicators(client, setting):
    client.force_login(setting.users["cooperation"])
    page = client.get(page_url(setting)).content.decode()
    assert "Suivi trimestriel – T2 2026" in page
    assert page.count('<section id="action-') == 2
    entry = setting.entries[(1, 2026, 2)]
    assert f'name="suivi-{entry.pk}-achievements"' in page
    assert "Places créées (places)" in page
    assert "Cible : 40 au 31/12/2030" in page
    assert "Valider le suivi" not in page
    assert f'href="{page_url(setting, 2026, 1)}"' in page
    assert f'href="{page_url(setting, 2026, 3)}"' in page


def test_readers_read_without_forms(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    client.force_login(setting.users["reader"])
    page = client.get(page_url(setting)).content.decode()
    assert "<textarea" not in page
    assert "Deux réunions du collectif petite enfance." in page
    assert "Enregistrer" not in page


def test_saving_one_action_keeps_the_others_untouched(client, setting):
    first, second = setting.entries[(1, 2026, 2)], setting.entries[(2, 2026, 2)]
    counted = setting.indicators[0]
    client.force_login(setting.users["cooperation"])
    data = {
        **form_data(first, achievements="Relais petite enfance ouvert à Lièpvre."),
        f"suivi-{first.pk}-indicateur_{counted.pk}": "12,5",
        **form_data(second, status="not_started", progress=0, achievements=""),
        "enregistrer": "1",
    }
    # The second action is sent as loaded: unchanged.
    data[f"suivi-{second.pk}-next_steps"] = ""
    response = client.post(page_url(setting), data, follow=True)
    assert response.redirect_chain[-1][0] == page_url(setting) + "#action-1"
    assert "Suivi de l&#x27;action 1 enregistré." in response.content.decode()
    saved = fresh(first)
    assert (saved.state, saved.achievements) == (
        FollowUpState.DRAFT,
        "Relais petite enfance ouvert à Lièpvre.",
    )
    assert IndicatorValue.objects.get(indicator=counted).value == Decimal("12.5")
    assert (fresh(second).state, fresh(second).revision) == (FollowUpState.OPEN, 0)


def test_submit_every_action_at_once(client, setting):
    first, second = setting.entries[(1, 2026, 2)], setting.entries[(2, 2026, 2)]
    client.force_login(setting.users["cooperation"])
    response = client.post(
        page_url(setting),
        {**form_data(first), **form_data(second), "transmettre": "tout"},
        follow=True,
    )
    assert "Suivis des actions 1 et 2 transmis à la Caf." in response.content.decode()
    assert {fresh(first).state, fresh(second).state} == {FollowUpState.SUBMITTED}


def test_an_invalid_action_comes_back_with_its_text_and_the_others_are_saved(client, setting):
    first, second = setting.entries[(1, 2026, 2)], setting.entries[(2, 2026, 2)]
    client.force_login(setting.users["cooperation"])
    response = client.post(
        page_url(setting),
        {
            **form_data(first, achievements="Texte valable"),
            **form_data(second, status="done", progress=60, achievements="Texte à garder"),
            "enregistrer": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Une action réalisée est avancée à 100 %." in page
    assert "Texte à garder" in page
    assert fresh(first).state == FollowUpState.DRAFT
    assert fresh(second).state == FollowUpState.OPEN
    assert "Suivi de l&#x27;action 1 enregistré." in page
    # The saved action comes back at its new revision: saving it again is no conflict.
    assert f'name="suivi-{first.pk}-revision" value="1"' in page


def test_the_second_of_two_concurrent_saves_is_refused_and_shows_both_texts(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    # Both loaded the page at revision 0; the adviser saves first.
    client.force_login(setting.users["adviser"])
    client.post(page_url(setting), {**form_data(entry, achievements="Texte de Claire")})
    client.force_login(setting.users["cooperation"])

    response = client.post(
        page_url(setting),
        {**form_data(entry, revision=0, achievements="Texte de Léa"), "enregistrer": "1"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Ce suivi a été modifié par Claire Roth pendant que vous le saisissiez" in page
    assert "Texte de Léa" in page  # in the form, as typed
    assert "Version enregistrée par Claire Roth" in page
    assert "Texte de Claire" in page
    assert fresh(entry).achievements == "Texte de Claire"
    # The form now carries the stored revision: saving again is a deliberate choice.
    revision = re.search(rf'name="suivi-{entry.pk}-revision" value="(\d+)"', page)[1]
    assert revision == "1"
    client.post(
        page_url(setting),
        {**form_data(entry, revision=1, achievements="Texte de Léa"), "enregistrer": "1"},
    )
    assert fresh(entry).achievements == "Texte de Léa"


def test_a_save_on_an_entry_validated_meanwhile_shows_the_text_without_a_form(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["adviser"], entry, 0, entry_data(), submit=True)
    followup.validate(setting.users["adviser"], entry, 1)
    client.force_login(setting.users["adviser"])
    response = client.post(
        page_url(setting),
        {**form_data(entry, revision=1, achievements="Correction tardive"), "enregistrer": "1"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Votre saisie, non enregistrée" in page
    assert "Correction tardive" in page
    assert f'name="suivi-{entry.pk}-achievements"' not in page
    assert fresh(entry).state == FollowUpState.VALIDATED


def test_adviser_sends_back_with_a_comment_shown_to_the_territory(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    client.force_login(setting.users["adviser"])
    refused = client.post(
        page_url(setting),
        {f"decision-{entry.pk}-revision": 1, "decision": f"renvoyer-{entry.pk}"},
    )
    assert refused.status_code == 200
    assert "Indiquez ce qui est à compléter ou à corriger." in refused.content.decode()
    assert fresh(entry).state == FollowUpState.SUBMITTED

    client.post(
        page_url(setting),
        {
            f"decision-{entry.pk}-revision": 1,
            f"decision-{entry.pk}-comment": "Ajoutez le nombre de familles reçues.",
            "decision": f"renvoyer-{entry.pk}",
        },
    )
    assert fresh(entry).state == FollowUpState.RETURNED
    client.force_login(setting.users["cooperation"])
    page = client.get(page_url(setting)).content.decode()
    assert "Ajoutez le nombre de familles reçues." in page
    assert f'name="suivi-{entry.pk}-achievements"' in page


def test_adviser_corrects_and_validates_in_one_click(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    client.force_login(setting.users["adviser"])
    response = client.post(
        page_url(setting),
        {
            **form_data(entry, revision=1, progress=45),
            f"decision-{entry.pk}-revision": 1,
            "decision": f"valider-{entry.pk}",
        },
        follow=True,
    )
    saved = fresh(entry)
    assert (saved.state, saved.progress) == (FollowUpState.VALIDATED, 45)
    assert "Suivi de l&#x27;action 1 validé." in response.content.decode()


def test_reopening_from_the_page_needs_a_reason(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    followup.validate(setting.users["adviser"], entry, 1)
    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting)).content.decode()
    assert "Motif de la réouverture" in page
    client.post(
        page_url(setting),
        {
            f"decision-{entry.pk}-revision": 2,
            f"decision-{entry.pk}-comment": "Chiffres corrigés par la PMI.",
            "decision": f"rouvrir-{entry.pk}",
        },
    )
    reopened = fresh(entry)
    assert reopened.state == FollowUpState.RETURNED
    record = reopened.history.order_by("-history_id").first()
    assert record.history_change_reason == "Réouverture : Chiffres corrigés par la PMI."
    assert record.history_user == setting.users["adviser"]


def test_unknown_decision_is_a_bad_request(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    client.force_login(setting.users["adviser"])
    assert client.post(page_url(setting), {"decision": f"effacer-{entry.pk}"}).status_code == 400
    # An entry that waits for no decision (still open).
    response = client.post(page_url(setting), {"decision": f"valider-{entry.pk}"})
    assert response.status_code == 400


def test_nothing_changed_says_so(client, setting):
    client.force_login(setting.users["cooperation"])
    response = client.post(page_url(setting), {"enregistrer": "1"}, follow=True)
    assert "Aucune modification à enregistrer." in response.content.decode()


def test_a_quarter_not_opened_yet_offers_the_adviser_to_open_it(client, setting):
    FollowUp.objects.filter(year=2026, quarter=1).delete()
    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting, 2026, 1)).content.decode()
    assert "Le suivi de ce trimestre n'est pas ouvert" in page
    response = client.post(
        reverse("actionplan:open_quarter", args=[setting.convention.pk, 2026, 1]), follow=True
    )
    assert "T1 2026 ouvert : 2 actions à renseigner." in response.content.decode()
    refused = client.post(
        reverse("actionplan:open_quarter", args=[setting.convention.pk, 2026, 4]), follow=True
    )
    assert "n&#x27;a pas commencé" in refused.content.decode()


# -- Statistical secrecy on pages -------------------------------------------------


def test_small_figures_are_hidden_from_people_outside_the_caf(client, setting):
    convention = setting.convention
    convention.statistical_secrecy = True
    convention.save()
    entry = setting.entries[(1, 2026, 2)]
    counted = setting.indicators[0]
    followup.save_entry(
        setting.users["cooperation"],
        entry,
        0,
        entry_data(),
        {counted.pk: {"value": Decimal(3), "text": "", "zone_recipients": None}},
        submit=True,
    )
    client.force_login(setting.users["reader"])
    page = client.get(page_url(setting)).content.decode()
    assert "masquée (secret statistique)" in page
    assert "Secret statistique appliqué" in page
    dashboard = client.get(reverse("actionplan:dashboard", args=[convention.pk]))
    assert "masquée (secret statistique)" in dashboard.content.decode()

    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting)).content.decode()
    assert "masquée (secret statistique)" not in page
    assert re.search(r"<td>Places créées \(places\)</td>\s*<td>3</td>", page)
    # Correcting it, the adviser edits the raw figure.
    page = client.get(page_url(setting), {"corriger": entry.pk}).content.decode()
    assert f'name="suivi-{entry.pk}-indicateur_{counted.pk}" value="3"' in page


# -- Dashboard and the Caf's view ------------------------------------------------------


def test_dashboard_shows_charts_with_their_tables(client, setting):
    first = setting.entries[(1, 2026, 1)]
    followup.save_entry(
        setting.users["cooperation"],
        first,
        0,
        entry_data(status="in_difficulty", difficulties="Pas de local."),
        {setting.indicators[0].pk: {"value": Decimal(10), "text": ""}},
        submit=True,
    )
    client.force_login(setting.users["adviser"])
    page = client.get(reverse("actionplan:dashboard", args=[setting.convention.pk])).content
    page = page.decode()
    assert page.count('role="img"') == 4
    assert 'aria-labelledby="graphique-axes-titre graphique-axes-desc"' in page
    assert "Axe 1 – Petite enfance : 20 %" not in page  # mean of 40 and 0
    assert "axe 1 : 20 % (2 actions)" in page
    assert "En difficulté : 1" in page
    assert "en difficulté" in page and "suivi en retard (T1 2026)" in page
    assert "10 sur 40 (25 %)" in page


def test_caf_view_lists_the_quarter_completeness_of_its_conventions_only(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    other = signed_convention(title="CTG de la Vallée de Kaysersberg")
    client.force_login(setting.users["adviser"])
    page = client.get(reverse("actionplan:caf_followup")).content.decode()
    assert setting.convention.title in page
    assert "Vallée de Kaysersberg" not in page
    # Transmitted is not complete: green (validated) stays at 0 until the Caf validates.
    assert "0 % validés" in page
    assert "0 validés, 1 transmis, à valider, 0 renvoyés pour complément, 1 non transmis sur 2" in (
        page
    )
    assert "bg-success" not in page.split("<tbody>")[1]
    followup.validate(setting.users["adviser"], entry, entry.revision)
    page = client.get(reverse("actionplan:caf_followup")).content.decode()
    assert "50 % validés" in page
    green = '<div class="progress" style="width: 50.0%"><div class="progress-bar bg-success">'
    assert green in page

    client.force_login(other.users["adviser"])
    page = client.get(reverse("actionplan:caf_followup"), {"trimestre": "2026-T1"})
    assert "Vallée de Kaysersberg" in page.content.decode()


def test_home_dashboard_shows_advisers_the_completeness_of_the_quarter(client, setting):
    client.force_login(setting.users["adviser"])
    page = client.get(reverse("conventions:home")).content.decode()
    assert "Suivi du T2 2026 par convention" in page
    assert page_url(setting) in page
    client.force_login(setting.users["cooperation"])
    page = client.get(reverse("conventions:home")).content.decode()
    assert "Suivi du T2 2026 par convention" not in page
    assert page_url(setting) in page  # "à renseigner" links to the quarter


def test_convention_page_links_to_the_follow_up(client, setting):
    client.force_login(setting.users["reader"])
    page = client.get(reverse("conventions:detail", args=[setting.convention.pk])).content
    page = page.decode()
    assert reverse("actionplan:followup_current", args=[setting.convention.pk]) in page
    assert reverse("actionplan:dashboard", args=[setting.convention.pk]) in page


def test_dates_are_french(client, setting):
    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting)).content.decode()
    # Due 30 days after the quarter (FOLLOWUP_DEADLINE_DAYS).
    assert "au plus tard le 30 juillet 2026" in page
    assert datetime.date(2026, 7, 30).isoformat() not in page
