"""The fixed set of placeholders allowed in template texts.

Template texts are edited by people; they are never run through a template
language. Only the names below, written ``{nom}``, are replaced, by plain
string substitution; anything else is left as typed and refused at
validation.
"""

import re

from django.core.exceptions import ValidationError

PLACEHOLDERS = {
    "caf": "nom de la Caf (« la Caf du Haut-Rhin »)",
    "territoire": "territoire couvert (« Communauté de communes du Val d'Argent »)",
    "periode": "période (« 2026-2030 »)",
    "date_debut": "date de début (« 1er janvier 2026 »)",
    "date_fin": "date de fin (« 31 décembre 2030 »)",
    "parties": "liste des parties signataires",
    "collectivite_chef_de_file": (
        "collectivité chef de file (« la Communauté de communes du Val d'Argent »)"
    ),
}

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


def validate_placeholders(text: str) -> None:
    unknown = sorted({name for name in PLACEHOLDER_RE.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise ValidationError(
            "Variables inconnues : %(unknown)s. Variables autorisées : %(allowed)s.",
            code="unknown_placeholder",
            params={"unknown": ", ".join(f"{{{n}}}" for n in unknown), "allowed": allowed},
        )


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(
        lambda match: (
            values.get(match.group(1), match.group(0))
            if match.group(1) in PLACEHOLDERS
            else match.group(0)
        ),
        text,
    )
