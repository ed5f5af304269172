"""The fixed set of placeholders allowed in template texts.

Template texts are edited by people; they are never run through a template
language. Only the names below, written ``{nom}``, are replaced, by plain
string substitution; anything else is left as typed and refused at
validation.
"""

import re

from django.core.exceptions import ValidationError

from partners.grammar import french_date

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


def placeholder_values(convention, *, lead_designation=None, parties_label=None):
    """Values of the placeholders for one convention. The demo passes the documents'
    own wording for the lead authority and the list of parties."""
    if parties_label is None:
        parties = convention.parties.select_related("organisation").order_by("position")
        parties_label = ", ".join(p.organisation.designation for p in parties)
    return {
        "caf": convention.caf.designation,
        "territoire": convention.territory_name,
        "periode": convention.period_label,
        "date_debut": french_date(convention.start_date),
        "date_fin": french_date(convention.end_date),
        "parties": parties_label,
        "collectivite_chef_de_file": lead_designation or convention.lead_authority.designation,
    }


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders by plain substitution.

    A placeholder that opens a line ("{collectivite_chef_de_file} met en place...")
    starts with a capital there: "La Communauté de communes...".
    """

    def replace(match):
        name = match.group(1)
        if name not in PLACEHOLDERS or name not in values:
            return match.group(0)
        value = values[name]
        opens_line = match.start() == 0 or text[match.start() - 1] == "\n"
        return value[:1].upper() + value[1:] if opens_line else value

    return PLACEHOLDER_RE.sub(replace, text)
