"""The users of the load benchmark (benchmarks/load.py runs this file with locust).

Each simulated person takes one prepared session (a real user of the data, signed in)
from the file named by CTG_LOAD_USERS, and browses what their role does, with 3 to 7 s
of thought between pages. Any answer other than 200 is a failure (a redirect to the
login page would otherwise pass for a page).
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["CTG_LOAD_USERS"], encoding="utf-8") as file:
    PREPARED = json.load(file)
SESSIONS = itertools.cycle(PREPARED["users"])
COOKIE = PREPARED["cookie"]


class Person(HttpUser):
    wait_time = between(3, 7)

    def on_start(self):
        self.person = next(SESSIONS)
        self.client.cookies.set(COOKIE, self.person["session"])
        self.random = random.Random(self.person["session"])

    def page(self, path, kind):
        with self.client.get(
            path, name=kind, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def convention(self):
        return (
            self.random.choice(self.person["conventions"]) if self.person["conventions"] else None
        )

    @task(10)
    def home(self):
        self.page("/", "accueil")

    @task(4)
    def convention_list(self):
        self.page("/conventions/", "liste")

    @task(2)
    def search(self):
        word = self.random.choice(self.person["words"] or ["saint"])
        self.page(f"/conventions/?q={word}", "recherche")

    @task(3)
    def inbox(self):
        self.page("/a-faire/", "à faire")

    @task(8)
    def detail(self):
        if convention := self.convention():
            self.page(f"/conventions/{convention['pk']}/", "convention")

    @task(5)
    def plan(self):
        if convention := self.convention():
            self.page(f"/conventions/{convention['pk']}/plan/", "plan")

    @task(4)
    def dashboard(self):
        if convention := self.convention():
            self.page(f"/conventions/{convention['pk']}/tableau-de-bord/", "tableau de bord")

    @task(5)
    def followup(self):
        convention = self.convention()
        if convention and convention["quarter"]:
            year, quarter = convention["quarter"]
            self.page(
                f"/conventions/{convention['pk']}/suivi/{year}/T{quarter}/", "suivi du trimestre"
            )

    @task(2)
    def caf_followup(self):
        if self.person["role"] in ("admin", "adviser"):
            self.page("/suivi/", "suivi des conventions (/suivi/)")

    @task(1)
    def export(self):
        if convention := self.convention():
            self.page(
                f"/conventions/{convention['pk']}/suivi/tableau-de-suivi.xlsx", "export Excel"
            )
