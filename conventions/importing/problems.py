"""What prevents creating a convention from a reviewed `ReadConvention`, in French.

Shown on the review page before confirming, listed by the command, and checked
again by `service.confirm_import` inside its transaction. Each line names what to
correct: the party, the date, the article or the sheet.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from conventions.models import Convention, DeliberatingBody, PartyRole
from partners.models import Civility, Organisation


def parse_date(value):
    """(date or None, French problem or None) from an ISO string."""
    if not value:
        return None, None
    try:
        return datetime.date.fromisoformat(value), None
    except (TypeError, ValueError):
        return None, f"la date « {value} » n'est pas une date valide"


def _organisations(read):
    ids = {p.organisation_id for p in read.parties if p.organisation_id}
    if read.caf.organisation_id:
        ids.add(read.caf.organisation_id)
    return Organisation.objects.select_related("department").in_bulk(ids)


def import_problems(read, *, signed):
    """What prevents creating the convention from `read`, in French; empty when it may be."""
    organisations = _organisations(read)
    problems = _caf_problems(read, organisations)
    problems += _party_problems(read, organisations)
    problems += _period_problems(read, organisations)
    if signed:
        problems += _signature_problems(read)
    problems += _deliberation_problems(read)
    problems += _text_problems(read)
    return problems


def _caf_problems(read, organisations):
    caf = organisations.get(read.caf.organisation_id)
    if caf is None or caf.kind != "caf":
        return ["La Caf n'a pas été trouvée dans le référentiel : choisissez-la."]
    if not any(p.role == PartyRole.CAF and p.organisation_id == caf.pk for p in read.parties):
        return [f"La {caf.name} n'est pas parmi les parties : ajoutez-la avec le rôle « Caf »."]
    return []


def _party_problems(read, organisations):
    problems = []
    seen = {}
    roles = set(PartyRole.values)
    for party in read.parties:
        name = party.name or party.matched_name or "Partie sans nom"
        organisation = organisations.get(party.organisation_id)
        if organisation is None:
            problems.append(f"« {name} » : choisissez son organisation dans le référentiel.")
        elif organisation.pk in seen:
            problems.append(
                f"« {seen[organisation.pk]} » et « {name} » désignent la même organisation "
                f"({organisation.name}) : gardez-en une seule."
            )
        else:
            seen[organisation.pk] = name
        if party.role not in roles:
            problems.append(f"« {name} » : précisez son rôle dans la convention.")
        elif party.role != PartyRole.PARTNER and not party.representatives:
            problems.append(f"« {name} » : aucun signataire lu ; ajoutez la personne qui signe.")
        problems += _representative_problems(name, party.representatives)
    leads = [p for p in read.parties if p.role == PartyRole.LEAD]
    if not leads:
        problems.append("Aucune collectivité chef de file : donnez ce rôle à l'une des parties.")
    elif len(leads) > 1:
        problems.append("Une seule partie peut être la collectivité chef de file.")
    return problems


def _representative_problems(party_name, representatives):
    problems = []
    civilities = set(Civility.values)
    for person in representatives:
        who = " ".join(filter(None, [person.first_name, person.last_name])) or "un signataire"
        missing = [
            label
            for label, value in (
                ("la civilité", person.civility in civilities),
                ("le prénom", person.first_name.strip()),
                ("le nom", person.last_name.strip()),
                ("la fonction", person.function.strip()),
            )
            if not value
        ]
        if missing:
            problems.append(f"« {party_name} », {who} : indiquez {', '.join(missing)}.")
    return problems


def _period_problems(read, organisations):
    problems = []
    start, start_problem = parse_date(read.start_date)
    end, end_problem = parse_date(read.end_date)
    for label, value, problem in (
        ("de début", read.start_date, start_problem),
        ("de fin", read.end_date, end_problem),
    ):
        if problem:
            problems.append(f"Date {label} de la convention : {problem}.")
        elif not value:
            problems.append(f"Date {label} de la convention non lue : indiquez-la.")
    if start and end:
        lead = next((p for p in read.parties if p.role == PartyRole.LEAD), None)
        convention = Convention(
            start_date=start,
            end_date=end,
            caf=organisations.get(read.caf.organisation_id),
            lead_authority=organisations.get(lead.organisation_id) if lead else None,
        )
        try:
            convention.clean()
        except ValidationError as error:
            problems += error.messages
    return problems


def _signature_problems(read):
    signed_on, problem = parse_date(read.signed_on)
    if problem:
        return [f"Date de signature : {problem}."]
    if signed_on is None:
        return ["Convention déjà signée : indiquez la date de signature."]
    if signed_on > timezone.localdate():
        return ["La date de signature ne peut pas être dans le futur."]
    return []


def _deliberation_problems(read):
    problems = []
    names = {p.name for p in read.parties}
    bodies = set(DeliberatingBody.values)
    for deliberation in read.deliberations:
        if not deliberation.date:
            continue  # cited "en date du ...": nothing to record
        day, problem = parse_date(deliberation.date)
        what = f"Délibération du {deliberation.date}"
        if problem:
            problems.append(f"Délibération : {problem}.")
        elif day > timezone.localdate():
            problems.append(f"{what} : la date est dans le futur.")
        if deliberation.party not in names:
            problems.append(f"{what} : précisez la partie qui a délibéré.")
        if deliberation.body and deliberation.body not in bodies:
            problems.append(f"{what} : précisez l'organe délibérant.")
    return problems


def _text_problems(read):
    problems = []
    numbers = [article.number for article in read.articles]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        listed = ", ".join(str(n) for n in duplicates)
        problems.append(f"Plusieurs articles portent le même numéro : {listed}.")
    if any(not article.number or article.number < 1 for article in read.articles):
        problems.append("Chaque article doit avoir un numéro.")
    if any(not article.title.strip() for article in read.articles):
        problems.append("Chaque article doit avoir un titre.")
    for axis in read.axes:
        if not axis.title.strip():
            problems.append(f"L'axe {axis.number} n'a pas d'intitulé.")
        for objective in axis.objectives:
            if not objective.title.strip():
                problems.append(f"Un objectif de l'axe {axis.number} n'a pas d'intitulé.")
        for sheet in sheets_of(axis):
            problems += _sheet_problems(sheet)
    return problems


def sheets_of(axis):
    return [*axis.sheets, *(sheet for o in axis.objectives for sheet in o.sheets)]


def _sheet_problems(sheet):
    label = f"Fiche action {sheet.number}"
    problems = []
    if not sheet.title.strip():
        problems.append(f"{label} : indiquez son intitulé.")
    _day, problem = parse_date(sheet.deadline)
    if problem:
        problems.append(f"{label}, échéance : {problem}.")
    elif sheet.deadline and sheet.deadline_whole_period:
        problems.append(
            f"{label} : choisissez une échéance datée ou « sur la durée de la CTG », pas les deux."
        )
    return problems
