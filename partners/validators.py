"""Validators for French administrative identifiers."""

import re

from django.core.exceptions import ValidationError

INSEE_COMMUNE_RE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")
DEPARTMENT_CODE_RE = re.compile(r"^(?:\d{2}|2A|2B|97\d)$")

# La Poste's SIREN predates the Luhn rule; INSEE documents it as the one exception.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError(
            "Le SIREN doit comporter exactement 9 chiffres (reçu : « %(value)s »).",
            code="siren_format",
            params={"value": value},
        )
    if value != LA_POSTE_SIREN and not luhn_is_valid(value):
        raise ValidationError(
            "Le SIREN « %(value)s » est invalide : sa clé de contrôle (algorithme de Luhn) "
            "ne correspond pas. Vérifiez les chiffres saisis.",
            code="siren_luhn",
            params={"value": value},
        )


def validate_insee_commune_code(value: str) -> None:
    if not INSEE_COMMUNE_RE.fullmatch(value or ""):
        raise ValidationError(
            "Le code commune INSEE « %(value)s » est invalide : 5 caractères attendus, "
            "2 chiffres de département (ou 2A / 2B pour la Corse) puis 3 chiffres.",
            code="insee_format",
            params={"value": value},
        )


def validate_department_code(value: str) -> None:
    if not DEPARTMENT_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            "Le code département « %(value)s » est invalide (exemples : 01, 2A, 68, 974).",
            code="department_format",
            params={"value": value},
        )
