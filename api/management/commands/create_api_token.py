"""Create a personal API token for an account (a service account, or for the README's
example) and print it once."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import DEFAULT_VALIDITY_DAYS, MAX_VALIDITY_DAYS, ApiToken
from partners.models import User


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un compte et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Identifiant du compte.")
        parser.add_argument("--name", default="Jeton créé en ligne de commande", help="Nom.")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_VALIDITY_DAYS,
            help=f"Validité en jours, de 1 à {MAX_VALIDITY_DAYS} ({DEFAULT_VALIDITY_DAYS} par "
            "défaut).",
        )

    def handle(self, username, name, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Aucun compte « {username} ».")
        if not user.is_active:
            raise CommandError(f"Le compte « {username} » est désactivé.")
        if not 1 <= days <= MAX_VALIDITY_DAYS:
            raise CommandError(f"La validité va de 1 à {MAX_VALIDITY_DAYS} jours.")
        expires_on = timezone.localdate() + datetime.timedelta(days=days)
        _, clear = ApiToken.objects.issue(user, name, expires_on)
        self.stderr.write(
            f"Jeton « {name} » de {username}, valable jusqu'au {expires_on:%d/%m/%Y} :"
        )
        self.stdout.write(clear)
