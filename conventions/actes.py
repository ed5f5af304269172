"""ACTES acknowledgement identifiers (accusés de réception de la préfecture).

An identifier reads ``039-200090579-20221027-D_137_2022-DE``: the 3-character
département, the SIREN of the authority, the decision date (YYYYMMDD), the
authority's own act number (2 to 15 characters of A-Z, 0-9 and _) and the
nature of the act (DE for a deliberation, CC for conventions and
amendments...). Stamped copies often carry the transmitted file's name
instead, with a document-type prefix and a truncated suffix, like
``99_DE-068-246800395-20251002-DEL_2025_41-D``: the identifier is read out of
it.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

NATURES = {
    "DE": "délibération",
    "AR": "arrêté réglementaire",
    "AI": "arrêté individuel",
    "CC": "contrat, convention ou avenant",
    "BF": "document budgétaire et financier",
    "AU": "autre",
}

ACTES_RE = re.compile(
    r"^(?P<department>\d{3}|02A|02B)-(?P<siren>\d{9})-(?P<date>\d{8})-"
    r"(?P<act_number>[A-Z0-9_]{2,15})-(?P<nature>[A-Z]{2})$"
)
# "99_DE-" prefix, then the identifier whose nature suffix may be truncated.
FILE_NAME_RE = re.compile(
    r"^\d{1,3}_(?P<prefix_nature>[A-Z]{2})-(?P<department>\d{3}|02A|02B)-(?P<siren>\d{9})-"
    r"(?P<date>\d{8})-(?P<act_number>[A-Z0-9_]{2,15})(?:-(?P<nature>[A-Z]{0,2}))?$"
)


@dataclass(frozen=True)
class ActesId:
    department: str
    siren: str
    date: datetime.date
    act_number: str
    nature: str

    def __str__(self):
        return f"{self.department}-{self.siren}-{self.date:%Y%m%d}-{self.act_number}-{self.nature}"


def parse_actes_id(value: str) -> ActesId:
    """Read an ACTES identifier, or the stamped file name that carries one."""
    text = (value or "").strip().upper()
    match = ACTES_RE.match(text)
    nature = match and match.group("nature")
    if not match:
        match = FILE_NAME_RE.match(text)
        if match:
            nature = match.group("prefix_nature")
    if not match:
        raise ValidationError(
            "L'identifiant ACTES « %(value)s » n'a pas la forme attendue : "
            "département (3 caractères), SIREN (9 chiffres), date de décision (AAAAMMJJ), "
            "numéro de l'acte (2 à 15 caractères A-Z, 0-9, _) et nature (DE, CC...), "
            "par exemple 039-200090579-20221027-D_137_2022-DE.",
            code="actes_format",
            params={"value": value},
        )
    if nature not in NATURES:
        raise ValidationError(
            "La nature « %(nature)s » de l'identifiant ACTES est inconnue "
            "(DE pour une délibération, CC pour une convention ou un avenant).",
            code="actes_nature",
            params={"nature": nature},
        )
    try:
        date = datetime.datetime.strptime(match.group("date"), "%Y%m%d").date()
    except ValueError:
        raise ValidationError(
            "La date « %(date)s » de l'identifiant ACTES n'existe pas.",
            code="actes_date",
            params={"date": match.group("date")},
        ) from None
    return ActesId(
        department=match.group("department"),
        siren=match.group("siren"),
        date=date,
        act_number=match.group("act_number"),
        nature=nature,
    )


def actes_department_code(department_code: str) -> str:
    """The 3-character form used by ACTES: "68" -> "068", "2A" -> "02A", "974" -> "974"."""
    return department_code.rjust(3, "0")
