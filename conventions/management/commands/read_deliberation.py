import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from conventions.deliberation_reader import LABELS, ExtractError, read_extract
from conventions.models.deliberation import DeliberatingBody, Outcome


class Command(BaseCommand):
    help = (
        "Lit l'extrait d'une délibération (PDF texte ou DOCX) et affiche ce qui y a été lu : "
        "organe, séance, présents, pouvoirs, votes, décision, identifiant ACTES... Avec "
        "--json, en un objet JSON. N'enregistre rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="L'extrait de la délibération (.pdf ou .docx).")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Afficher ce qui a été lu en un objet JSON (dates ISO, valeurs non lues à "
            'null). La décision y vaut "unanimity", "majority", "rejected", "postponed", ou '
            "\"adopted\" quand l'extrait dit « adopté » sans préciser ni l'unanimité ni les "
            "voix contre.",
        )

    def handle(self, *args, file, as_json, **options):
        try:
            reading = read_extract(file)
        except ExtractError as error:
            raise CommandError(error.message) from error
        if as_json:
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
            return
        width = max(len(label) for label in LABELS.values())
        for key, value in reading.values.items():
            derived = " (déduit)" if key in reading.derived else ""
            label = capitalised(LABELS[key])
            self.stdout.write(f"{label:<{width}} : {shown(key, value)}{derived}")
        if reading.unread:
            unread = ", ".join(LABELS[key] for key in reading.unread)
            self.stdout.write(f"Non lu : {unread}.")
        for key, values in reading.conflicts.items():
            written = " et ".join(str(value) for value in values)
            self.stdout.write(
                f"{capitalised(LABELS[key])} : l'extrait donne {written}, à vérifier (non lu)."
            )


def capitalised(label):
    """The label as the start of a line, its acronyms kept ("Identifiant ACTES")."""
    return label[:1].upper() + label[1:]


def shown(key, value):
    if value is True:
        return "oui"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if key == "body":
        return DeliberatingBody(value).label
    if key == "outcome":
        return Outcome(value).label
    return str(value)
