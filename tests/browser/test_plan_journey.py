"""The action plan in a real browser: the Haut-Rhin adviser writes an action sheet of
the Val d'Argent draft, with an indicator and two targets, reorders the axes with the
keyboard; a reader of Valentigney reads the PMA plan and its steering meetings, and the
Doubs adviser records a yearly checkpoint looking at a quarter and one more entry."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actionplan.models import Meeting, MeetingKind
from conventions.models import Convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def test_adviser_writes_the_plan_and_a_reader_reads_it(page, live_server, screenshots):
    call_command("load_demo", force=True, stdout=StringIO())
    vda = Convention.objects.get(reference="val-d-argent-2026-2030")
    pma = Convention.objects.get(reference="pma-2023-2027")
    Meeting.objects.create(
        convention=pma,
        kind=MeetingKind.STEERING_COMMITTEE,
        title="Comité de pilotage annuel",
        date=datetime.date(2025, 11, 18),
        attendees="Caf du Doubs\nPays de Montbéliard Agglomération",
        decisions="Le collectif enfance-jeunesse est reconduit.",
    )

    sign_in(page, live_server, "conseiller.hautrhin")
    page.goto(f"{live_server.url}/conventions/{vda.pk}/")
    page.get_by_role("link", name="Modifier le plan d'actions").click()
    expect(page.get_by_role("heading", name="Modifier le plan d'actions")).to_be_visible()
    page.get_by_role("link", name="Ajouter une fiche action à l'objectif 2.1").click()
    page.get_by_label("Intitulé").fill("Ouvrir un guichet unique petite enfance")
    page.get_by_label("Diagnostic initial").fill("Les familles peinent à trouver un mode d'accueil")
    page.get_by_label("Public cible").fill("Familles du Val d'Argent")
    page.get_by_label("Sur la durée de la CTG").check()
    page.get_by_label("Pilote").select_option(label="CC du Val d'Argent")
    page.get_by_label("Lièpvre").first.check()
    screenshots(page, "plan-01-fiche-action")
    page.get_by_role("button", name="Enregistrer la fiche").click()

    expect(
        page.get_by_role("heading", name="Indicateurs d'évaluation de l'action 1")
    ).to_be_visible()
    page.get_by_label("Libellé").fill("Familles accueillies au guichet")
    page.get_by_label("Unité").fill("familles")
    page.get_by_label("Valeur cible").first.fill("120")
    page.get_by_label("Échéance de la cible").first.fill("2028-12-31")
    page.get_by_role("button", name="Enregistrer et ajouter un indicateur ou une cible").click()
    expect(page.get_by_text("Indicateurs de l'action 1 enregistrés.")).to_be_visible()
    page.get_by_label("Valeur cible").nth(1).fill("200")
    page.get_by_label("Échéance de la cible").nth(1).fill("2030-12-31")
    screenshots(page, "plan-02-indicateurs")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    # Keyboard only: focus "Monter l'axe 2" and press Enter.
    page.get_by_role("button", name="Monter l'axe 2").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Axe 1 – Soutien, valorisation")).to_be_visible()
    expect(page.get_by_text("Action 1", exact=True)).to_be_visible()
    screenshots(page, "plan-03-editeur")
    page.get_by_role("link", name="Voir le plan tel qu'il se lit").click()
    screenshots(page, "plan-04-plan-val-d-argent")
    # The plan is an outline; each sheet reads in full on its own page.
    page.get_by_role("link", name="Action 1 : Ouvrir un guichet unique petite enfance").click()
    expect(
        page.get_by_text("Cibles : 120 familles au 31/12/2028 ; 200 familles au 31/12/2030")
    ).to_be_visible()
    screenshots(page, "plan-04b-fiche-val-d-argent")

    sign_in(page, live_server, "lecteur.valentigney")
    page.goto(f"{live_server.url}/conventions/{pma.pk}/")
    page.get_by_role("link", name="Consulter le plan d'actions").click()
    expect(page.get_by_role("heading", name="Plan d'actions 2023-2027")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier le plan d'actions")).to_have_count(0)
    screenshots(page, "plan-05-plan-pma")
    page.get_by_role("link", name="Réunions et bilans").click()
    expect(page.get_by_text("Le collectif enfance-jeunesse est reconduit.")).to_be_visible()
    expect(page.get_by_role("link", name="Enregistrer une réunion")).to_have_count(0)

    sign_in(page, live_server, "conseiller.doubs")
    page.goto(f"{live_server.url}/conventions/{pma.pk}/reunions/")
    page.get_by_role("link", name="Enregistrer un bilan").click()
    page.get_by_label("Nature").select_option(label="Point d'étape annuel")
    page.get_by_label("Date").fill("2025-11-18")
    page.get_by_label("Réunion").select_option(label="Comité de pilotage du 18/11/2025")
    page.get_by_label("Synthèse").fill("Huit actions sur dix sont engagées.")
    page.get_by_label("T4 2025", exact=True).check()
    # Entry by entry for the last four quarters: one action of T1 2026.
    page.locator("summary", has_text="T1 2026").click()
    page.get_by_label("Action 6 (T1 2026)").check()
    screenshots(page, "plan-06-bilan")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_role("heading", name="Suivis trimestriels examinés (11)")).to_be_visible()
    page.get_by_role("link", name="Retour aux réunions et bilans").click()
    expect(page.get_by_text("11 suivis (T4 2025, T1 2026)")).to_be_visible()
    screenshots(page, "plan-07-reunions-pma")
