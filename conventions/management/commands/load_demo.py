from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conventions.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : territoires, thématiques, types d'équipements, "
        "modèles des Caf du Haut-Rhin et du Doubs, CTG du Val d'Argent (en préparation) et de "
        "Pays de Montbéliard Agglomération (signée), comptes de démonstration. "
        "Relancer la commande ne crée aucun doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-territories",
            action="store_true",
            help="Ne pas relancer import_territories (référentiel déjà importé).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charger la démonstration même hors mode développement (DEBUG désactivé).",
        )

    def handle(self, *args, skip_territories=False, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusé : DEBUG est désactivé, ce qui ressemble à une production. La "
                "démonstration crée des comptes au mot de passe connu ; relancez avec --force "
                "si c'est vraiment voulu."
            )
        try:
            tally, conventions, users = load_demo(
                import_territories=not skip_territories, stdout=self.stdout
            )
        except LookupError as error:
            raise CommandError(str(error)) from error

        self.stdout.write("")
        if tally.total_created or tally.total_updated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Démo chargée : {tally.total_created} objet(s) créé(s), "
                    f"{tally.total_updated} mis à jour."
                )
            )
            for label, count in sorted(tally.created.items()):
                self.stdout.write(f"  + {count} {label}")
            for label, count in sorted(tally.updated.items()):
                self.stdout.write(f"  ~ {count} {label}")
        else:
            self.stdout.write(self.style.SUCCESS("Démo déjà à jour : rien n'a changé."))

        self.stdout.write("")
        for convention in conventions.values():
            self.stdout.write(self._describe(convention))

        self.stdout.write("")
        self.stdout.write("Comptes de démonstration (démo uniquement, jamais en production) :")
        for spec in DEMO_USERS:
            self.stdout.write(
                f"  {spec['username']:<24} mot de passe « {spec['password']} » – "
                f"{spec['description']}"
            )

    @staticmethod
    def _describe(convention):
        parties = convention.parties.count()
        signatures = sum(
            p.signatures.filter(amendment=None).count() for p in convention.parties.all()
        )
        axes = convention.axes.count()
        sheets = convention.action_sheets.count()
        objectives = sum(axis.objectives.count() for axis in convention.axes.all())
        line = (
            f"« {convention.title} » ({convention.reference}) : {convention.status_label()}, "
            f"{parties} parties, {axes} axes, {objectives} objectifs, {sheets} fiches actions"
        )
        if signatures:
            line += f", {signatures} signatures (signée le {convention.signed_on:%d/%m/%Y})"
        return line + "."
