"""What the Documents block offers a person: each kind of document they may ask for, in
words that say what it is for, the next useful one first, and the follow-up report's
period preselected.

A user and plain data in, plain data out: the view only renders it.
"""

import datetime
from dataclasses import dataclass, field

from actionplan.followup import current_quarter
from conventions.access import can_edit, can_record_deliberation
from conventions.models import (
    AmendmentState,
    ConventionState,
    DocumentFormat,
    DocumentKind,
    PartyRole,
)


@dataclass
class Offer:
    """One button asking for one document."""

    kind: str
    label: str
    help: str
    target: dict = field(default_factory=dict)
    main: bool = False


@dataclass
class Offers:
    buttons: list[Offer]
    deliberation_parties: list
    main_kind: str | None
    report_years: list[int]
    report_year: int
    report_quarter: int
    formats: list = field(default_factory=lambda: DELIBERATION_FORMATS)


DELIBERATION_FORMATS = [
    (DocumentFormat.DOCX, "Word (modifiable)"),
    (DocumentFormat.PDF, "PDF"),
]
HELP = {
    DocumentKind.CONVENTION: "Le texte de la convention avec ses annexes, pour relecture "
    "ou envoi aux partenaires.",
    DocumentKind.SIGNED_READY: "Le texte figé avec un champ de signature électronique par "
    "signataire ; émis une seule fois par version : tous signent le même fichier.",
    DocumentKind.DELIBERATION_DRAFT: "Le projet que chaque conseil adapte et vote : Word "
    "modifiable ou PDF.",
    DocumentKind.FOLLOW_UP_REPORT: "L'avancement des actions et des indicateurs pour un "
    "trimestre ou une année entière.",
    DocumentKind.AMENDMENT: "Le texte de l'avenant.",
    DocumentKind.AMENDMENT_SIGNED_READY: "L'avenant figé avec un champ de signature "
    "électronique par signataire ; émis une seule fois : tous signent le même fichier.",
    DocumentKind.REVIEW: "Le bilan présenté aux instances de pilotage.",
}


def main_kind(user, convention, deliberation_parties):
    """The next useful document: the PDF to sign while the convention is to be signed,
    the council's draft deliberation for a chargé de coopération while councils
    deliberate, the convention PDF otherwise."""
    if can_edit(user, convention):
        if convention.state == ConventionState.SIGNING:
            return DocumentKind.SIGNED_READY
        return DocumentKind.CONVENTION
    if deliberation_parties and convention.state == ConventionState.IN_DELIBERATION:
        return DocumentKind.DELIBERATION_DRAFT
    return None


def report_period(convention, today):
    """(year, quarter) preselected for the follow-up report: the current quarter within
    the convention's period; the whole of its nearest year (quarter 0) outside it."""
    year, quarter = current_quarter(today)
    first, last = convention.start_date.year, convention.end_date.year
    if year < first:
        return first, 0
    if year > last:
        return last, 0
    return year, quarter


def document_offers(user, convention, *, amendments=(), reviews=(), today=None):
    """Everything the person may ask for, the main action first.

    amendments and reviews: the convention's, already read (the view reads them once).
    """
    today = today or datetime.date.today()
    editable = can_edit(user, convention)
    parties = [
        party
        for party in convention.parties.select_related("organisation").order_by("position", "pk")
        if party.is_signatory
        and party.role != PartyRole.CAF
        and can_record_deliberation(user, convention, party)
    ]
    main = main_kind(user, convention, parties)
    buttons = []
    if editable:
        version = convention.current_version if convention.state != "draft" else None
        if version is None:
            label = "Convention – projet en préparation (PDF)"
        else:
            label = f"Convention – texte figé, version {version.number} (PDF)"
        buttons.append(Offer(DocumentKind.CONVENTION, label, HELP[DocumentKind.CONVENTION]))
        if convention.state in (ConventionState.SIGNING, ConventionState.SIGNED):
            buttons.append(
                Offer(
                    DocumentKind.SIGNED_READY,
                    "Convention prête à signer"
                    + (f", version {version.number}" if version else "")
                    + " (PDF)",
                    HELP[DocumentKind.SIGNED_READY],
                )
            )
        buttons += [
            Offer(
                DocumentKind.AMENDMENT,
                f"Avenant n° {amendment.number} (PDF)",
                HELP[DocumentKind.AMENDMENT],
                {"amendment": amendment.pk},
            )
            for amendment in amendments
        ]
        buttons += [
            Offer(
                DocumentKind.AMENDMENT_SIGNED_READY,
                f"Avenant n° {amendment.number} prêt à signer (PDF)",
                HELP[DocumentKind.AMENDMENT_SIGNED_READY],
                {"amendment": amendment.pk},
            )
            for amendment in amendments
            if amendment.state in (AmendmentState.SIGNING, AmendmentState.SIGNED)
        ]
        buttons += [
            Offer(
                DocumentKind.REVIEW,
                f"{review.get_kind_display()} du {review.date:%d/%m/%Y} (PDF)",
                HELP[DocumentKind.REVIEW],
                {"review": review.pk},
            )
            for review in reviews
        ]
    for offer in buttons:
        offer.main = offer.kind == main
    buttons.sort(key=lambda offer: not offer.main)
    year, quarter = report_period(convention, today)
    return Offers(
        buttons=buttons,
        deliberation_parties=parties,
        main_kind=main,
        report_years=list(range(convention.start_date.year, convention.end_date.year + 1)),
        report_year=year,
        report_quarter=quarter,
    )
