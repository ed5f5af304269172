"""Copying a convention into its renewal: parties, texts, equipment and action plan."""

from conventions.models import Article, Convention, Party, SteeringInstance


def _current_signatories(party, on):
    """Each former signatory if still in office, else whoever now holds the same office."""
    organisation_reps = list(party.organisation.representatives.in_office(on))
    chosen = []
    for former in party.signatories.all():
        if former.is_in_office(on):
            chosen.append(former)
            continue
        successor = next((r for r in organisation_reps if r.role_title == former.role_title), None)
        if successor:
            chosen.append(successor)
    return chosen


def copy_convention(old, *, reference, start, end, user, on):
    from actionplan.copy import copy_action_plan

    new = Convention.objects.create(
        reference=reference,
        title=old.title.replace(old.period_label, f"{start.year}-{end.year}"),
        caf=old.caf,
        lead_authority=old.lead_authority,
        territory_name=old.territory_name,
        start_date=start,
        end_date=end,
        template=old.template,
        predecessor=old,
        visas=old.visas,
        preamble=old.preamble,
        diagnostic_summary=old.diagnostic_summary,
        evaluation_text=old.evaluation_text,
        signing_place=old.signing_place,
        originals_count=old.originals_count,
        statistical_secrecy=old.statistical_secrecy,
        secrecy_min_recipients=old.secrecy_min_recipients,
        secrecy_min_value=old.secrecy_min_value,
        created_by=user,
    )
    new.themes.set(old.themes.all())
    new.equipment.set(old.equipment.filter(is_active=True))
    Article.objects.bulk_create(
        Article(
            convention=new,
            number=a.number,
            title=a.title,
            body=a.body,
            has_party_blocks=a.has_party_blocks,
        )
        for a in old.articles.all()
    )
    SteeringInstance.objects.bulk_create(
        SteeringInstance(
            convention=new,
            position=s.position,
            name=s.name,
            missions=s.missions,
            composition=s.composition,
            periodicity=s.periodicity,
        )
        for s in old.steering_instances.all()
    )
    party_map = {}
    for party in old.parties.select_related("organisation").prefetch_related("signatories"):
        copy = Party.objects.create(
            convention=new,
            organisation=party.organisation,
            role=party.role,
            position=party.position,
            short_name=party.short_name,
            competences=party.competences,
            requires_deliberation=party.requires_deliberation,
        )
        copy.signatories.set(_current_signatories(party, on))
        party_map[party.pk] = copy
    copy_action_plan(old, new, party_map)
    return new
