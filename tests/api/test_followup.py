"""Follow-up through the API: reading entries and values (statistical secrecy by role), and
the four writes, which are the follow-up page's domain functions behind another door."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from actionplan import followup
from actionplan.models import (
    FollowUp,
    FollowUpState,
    IndicatorValue,
    Meeting,
    MeetingKind,
    Review,
    ReviewKind,
)
from tests.api.conftest import client_for
from tests.factories import ActionSheetFactory, IndicatorFactory
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention()


@pytest.fixture
def entry(setting):
    return setting.entries[(1, 2026, 2)]


def fresh(entry):
    return FollowUp.objects.get(pk=entry.pk)


def body(revision=0, values=(), **changes):
    return {"revision": revision, **entry_data(**changes), "indicator_values": list(values)}


def put(user, entry, data):
    return client_for(user).put(reverse("api:follow_up", args=[entry.pk]), data)


def post(user, name, entry, data):
    return client_for(user).post(reverse(f"api:follow_up_{name}", args=[entry.pk]), data)


def assert_problem(response, status, kind, detail=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"/api/v1/problemes/{kind}/"
    assert problem["status"] == status
    assert problem["instance"].startswith(response.request["PATH_INFO"])
    if detail is not None:
        assert problem["detail"] == detail
    return problem


def test_a_cooperation_officer_saves_a_draft_with_indicator_values(setting, entry):
    counted, described = setting.indicators[:2]
    values = [
        {"indicator": counted.pk, "value": "12.5"},
        {"indicator": described.pk, "text": "Convention signée avec la MSA."},
    ]
    response = put(setting.users["cooperation"], entry, body(values=values))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["state"], answer["revision"], answer["progress"]) == ("draft", 1, 40)
    shown = {v["indicator"]: v for v in answer["indicator_values"]}
    assert shown[counted.pk]["value"] == "12.50"
    assert shown[described.pk]["text"] == "Convention signée avec la MSA."
    saved = fresh(entry)
    assert saved.state == FollowUpState.DRAFT
    assert saved.history.order_by("-history_id").first().history_change_reason == (
        "Brouillon enregistré"
    )
    assert IndicatorValue.objects.get(indicator=counted, year=2026, quarter=2).value == Decimal(
        "12.5"
    )


def test_transmitting_submits_the_entry_to_the_caf(setting, entry):
    response = post(setting.users["cooperation"], "transmit", entry, body())
    assert response.status_code == 200
    saved = fresh(entry)
    assert saved.state == FollowUpState.SUBMITTED
    assert saved.submitted_by == setting.users["cooperation"]
    assert response.json()["submitted_by"] == "Léa Gaschy"


def test_transmitting_needs_what_the_page_needs(setting, entry):
    response = post(setting.users["cooperation"], "transmit", entry, body(status="in_difficulty"))
    problem = assert_problem(response, 400, "requete-invalide")
    assert problem["errors"] == {
        "difficulties": ["Décrivez les difficultés rencontrées par une action en difficulté."]
    }
    assert fresh(entry).state == FollowUpState.OPEN


def test_a_stale_revision_is_refused_with_the_pages_message(setting, entry):
    followup.save_entry(setting.users["adviser"], entry, 0, entry_data(progress=60))
    response = put(setting.users["cooperation"], entry, body(revision=0, progress=10))
    problem = assert_problem(response, 409, "revision-perimee")
    # The page's words, less its "shown below, beside the saved version" (no page here).
    assert problem["detail"] == (
        "Ce suivi a été modifié par Claire Roth pendant que vous le saisissiez : votre saisie "
        "n'a pas été enregistrée. Relisez-le (révision 1), vérifiez, puis recommencez avec "
        "cette révision."
    )
    assert problem["current_revision"] == 1
    assert fresh(entry).progress == 60


def test_a_validated_entry_is_closed_to_writers(setting, entry):
    adviser = setting.users["adviser"]
    followup.save_entry(adviser, entry, 0, entry_data(), submit=True)
    followup.validate(adviser, entry, entry.revision)
    response = put(setting.users["cooperation"], entry, body(revision=entry.revision))
    assert_problem(
        response,
        409,
        "conflit",
        "Ce suivi est validé : il ne peut plus être modifié. Seul le conseiller de la Caf "
        "peut le rouvrir.",
    )


def test_the_adviser_validates_a_transmitted_entry(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    response = post(setting.users["adviser"], "validate", entry, {"revision": 1})
    assert response.status_code == 200
    assert response.json()["state"] == "validated"
    assert fresh(entry).validated_by == setting.users["adviser"]


def test_only_a_transmitted_entry_may_be_validated(setting, entry):
    response = post(setting.users["adviser"], "validate", entry, {"revision": 0})
    assert_problem(
        response,
        409,
        "conflit",
        "Seul un suivi transmis peut être validé ; celui-ci est « À renseigner ».",
    )


def test_the_adviser_sends_an_entry_back_with_a_comment(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    adviser = setting.users["adviser"]
    missing = post(adviser, "send_back", entry, {"revision": 1, "comment": "  "})
    problem = assert_problem(missing, 400, "requete-invalide")
    assert problem["errors"] == {"comment": ["Indiquez ce qui est à compléter ou à corriger."]}
    response = post(adviser, "send_back", entry, {"revision": 1, "comment": "Chiffrez l'accueil."})
    assert response.status_code == 200
    saved = fresh(entry)
    assert (saved.state, saved.adviser_comment) == (FollowUpState.RETURNED, "Chiffrez l'accueil.")


@pytest.mark.parametrize(
    ("who", "name", "status", "detail"),
    [
        ("reader", "transmit", 403, "Vous ne pouvez que consulter le suivi de cette convention."),
        ("cooperation", "validate", 403, "Seul le conseiller de la Caf peut valider un suivi."),
        ("cooperation", "send_back", 403, "Seul le conseiller de la Caf peut renvoyer un suivi."),
        ("other_cooperation", "transmit", 404, None),
        ("other_adviser", "validate", 404, None),
    ],
)
def test_wrong_roles_are_refused_and_change_nothing(setting, entry, who, name, status, detail):
    followup.save_entry(setting.users["adviser"], entry, 0, entry_data(), submit=True)
    data = {
        "transmit": body(revision=1),
        "validate": {"revision": 1},
        "send_back": {"revision": 1, "comment": "Non."},
    }[name]
    response = post(setting.users[who], name, entry, data)
    kind = "acces-refuse" if status == 403 else "introuvable"
    assert_problem(response, status, kind, detail)
    assert fresh(entry).revision == 1


def test_a_reader_may_read_but_not_save(setting, entry):
    reader = setting.users["reader"]
    assert client_for(reader).get(reverse("api:follow_up", args=[entry.pk])).status_code == 200
    assert_problem(put(reader, entry, body()), 403, "acces-refuse")


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            [{"indicator": 0, "value": "1"}],
            {"indicator_values.0.indicator": ["Cet indicateur n'appartient pas à la fiche."]},
        ),
        (
            "qualitative-value",
            {
                "indicator_values.0.value": [
                    "Un indicateur qualitatif a une appréciation, pas une valeur."
                ]
            },
        ),
        (
            "foreign",
            {"indicator_values.0.indicator": ["Cet indicateur n'appartient pas à la fiche."]},
        ),
    ],
)
def test_bad_indicator_values_are_refused_at_the_field(setting, entry, values, errors):
    if values == "qualitative-value":
        values = [{"indicator": setting.indicators[1].pk, "value": "3"}]
    elif values == "foreign":
        values = [{"indicator": setting.indicators[2].pk, "value": "3"}]  # the second sheet's
    response = put(setting.users["cooperation"], entry, body(values=values))
    assert assert_problem(response, 400, "requete-invalide")["errors"] == errors
    assert fresh(entry).revision == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "in_progress", "progress": 10}, "revision"),
        ({"revision": 0, "status": "in_progress", "progress": 101}, "progress"),
        ({"revision": 0, "status": "inconnu", "progress": 10}, "status"),
        ({"revision": "abc", "status": "in_progress", "progress": 10}, "revision"),
    ],
)
def test_invalid_input_gets_french_messages_per_field(setting, entry, data, field):
    problem = assert_problem(
        put(setting.users["cooperation"], entry, data), 400, "requete-invalide"
    )
    assert field in problem["errors"]
    french = " ".join(problem["errors"][field])
    assert any(word in french for word in ("obligatoire", "valide", "inférieur", "entier"))


# -- Reading, and statistical secrecy --------------------------------------------------------


@pytest.fixture
def secret_setting():
    setting = signed_convention(statistical_secrecy=True)
    counted = setting.indicators[0]
    counted.baseline_value = 3
    counted.save()
    IndicatorValue.objects.create(indicator=counted, year=2026, quarter=1, value=3)
    IndicatorValue.objects.create(
        indicator=counted, year=2026, quarter=2, value=250, zone_recipients=40
    )
    IndicatorValue.objects.create(indicator=setting.indicators[2], year=2026, quarter=1, value=80)
    return setting


@pytest.mark.parametrize(
    ("who", "hidden"),
    [("adviser", False), ("admin", False), ("cooperation", True), ("reader", True)],
)
def test_statistical_secrecy_hides_small_values_from_those_outside_the_caf(
    secret_setting, who, hidden
):
    convention = secret_setting.convention
    client = client_for(secret_setting.users[who])
    rows = client.get(reverse("api:indicator_values", args=[convention.pk])).json()["results"]
    by_quarter = {(row["indicator"], row["quarter"]): row for row in rows}
    counted = secret_setting.indicators[0].pk
    small, small_zone = by_quarter[(counted, 1)], by_quarter[(counted, 2)]
    assert small["secret"] is hidden and small_zone["secret"] is hidden
    assert small["value"] == (None if hidden else "3.00")
    assert small_zone["value"] == (None if hidden else "250.00")
    assert small_zone["zone_recipients"] == (None if hidden else 40)
    assert by_quarter[(secret_setting.indicators[2].pk, 1)]["value"] == "80.00"

    entries = client.get(
        reverse("api:follow_ups", args=[convention.pk]), {"year": 2026, "quarter": 1}
    ).json()["results"]
    first = next(e for e in entries if e["action_sheet_number"] == 1)
    value = next(v for v in first["indicator_values"] if v["indicator"] == counted)
    assert value["value"] == (None if hidden else "3.00")

    plan = client.get(reverse("api:plan", args=[convention.pk])).json()
    indicator = plan["axes"][0]["sheets"][0]["indicators"][0]
    assert indicator["baseline_value"] == (None if hidden else "3.00")
    assert indicator["baseline_secret"] is hidden
    assert plan["secrecy_applied"] is hidden
    assert indicator["targets"][0]["value"] == "40.00", "targets are goals: never hidden"


def test_follow_ups_filter_by_year_quarter_and_state(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    url = reverse("api:follow_ups", args=[setting.convention.pk])
    client = client_for(setting.users["adviser"])
    assert len(client.get(url).json()["results"]) == 4
    quarter = client.get(url, {"year": 2026, "quarter": 2}).json()["results"]
    assert {(row["year"], row["quarter"]) for row in quarter} == {(2026, 2)}
    assert len(quarter) == 2
    submitted = client.get(url, {"state": "submitted"}).json()["results"]
    assert [row["id"] for row in submitted] == [entry.pk]
    problem = assert_problem(client.get(url, {"quarter": 5}), 400, "requete-invalide")
    assert "quarter" in problem["errors"]


def test_follow_up_list_queries_do_not_grow_with_the_plan(setting, django_assert_max_num_queries):
    url = reverse("api:follow_ups", args=[setting.convention.pk])
    client = client_for(setting.users["cooperation"])
    with django_assert_max_num_queries(20) as small:
        assert len(client.get(url, {"page_size": 200}).json()["results"]) == 4
    axis = setting.sheets[0].axis
    for number in range(3, 23):
        sheet = ActionSheetFactory(axis=axis, number=number)
        IndicatorFactory(action_sheet=sheet)
        for quarter in (1, 2):
            FollowUp.objects.create(action_sheet=sheet, year=2026, quarter=quarter)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(url, {"page_size": 200}).json()["results"]) == 44


def test_a_follow_up_answers_304_when_unchanged_and_a_new_etag_after_a_save(setting, entry):
    client = client_for(setting.users["cooperation"])
    url = reverse("api:follow_up", args=[entry.pk])
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 66
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    followup.save_entry(setting.users["adviser"], entry, 0, entry_data())
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0), tick=False)
def test_writes_are_not_allowed_by_get_nor_delete(setting, entry):
    client = client_for(setting.users["cooperation"])
    response = client.delete(reverse("api:follow_up", args=[entry.pk]))
    assert_problem(response, 405, "methode-non-autorisee")
    response = client.get(reverse("api:follow_up_transmit", args=[entry.pk]))
    assert_problem(response, 405, "methode-non-autorisee")
    assert "POST" in response["Allow"]


def test_steering_and_value_lists_keep_their_queries_whatever_their_length(
    setting, django_assert_max_num_queries
):
    convention = setting.convention
    client = client_for(setting.users["reader"])
    urls = [
        reverse(f"api:{name}", args=[convention.pk])
        for name in ("meetings", "reviews", "indicator_values")
    ]

    def add_rows(count):
        for day in range(count):
            date = datetime.date(2026, 1, 1) + datetime.timedelta(days=len(urls) * day)
            meeting = Meeting.objects.create(
                convention=convention, kind=MeetingKind.STEERING_COMMITTEE, date=date
            )
            review = Review.objects.create(
                convention=convention, kind=ReviewKind.YEARLY, date=date, meeting=meeting
            )
            review.follow_ups.set(FollowUp.objects.filter(action_sheet__convention=convention))
        for indicator in setting.indicators:
            for year in range(2026, 2026 + count):
                IndicatorValue.objects.get_or_create(
                    indicator=indicator, year=year, quarter=1, defaults={"value": 7}
                )

    add_rows(1)
    counts = []
    for url in urls:
        with django_assert_max_num_queries(20) as few:
            assert client.get(url, {"page_size": 200}).status_code == 200
        counts.append(len(few.captured_queries))
    add_rows(4)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            rows = client.get(url, {"page_size": 200}).json()["results"]
        assert len(rows) >= 5
    reviews = client.get(urls[1]).json()["results"]
    assert len(reviews[0]["follow_ups"]) == 4
