"""Statistical secrecy (secret statistique), DOMAIN.md section 8.

Some Cafs write into the convention that the statistics shared under it hide
small numbers, so that nobody can be recognised behind a figure:

- any value describing a zone with fewer than `secrecy_min_recipients` benefit
  recipients (allocataires) is blanked;
- any non-zero value below `secrecy_min_value` is blanked (zero stays: it
  identifies nobody).

`disclosed_value` is the one place where the rule is written. Every export
applies it whoever asks for it; pages apply it to people outside the Caf
(`applies_to`), since the Caf's own adviser works with the raw figures. A
figure computed from a blanked value (its share of the target, say) is blanked
too. Targets are goals, not observations, and stay visible; baselines are
observations and follow the rule.
"""

from decimal import Decimal

SECRET_LABEL = "secret statistique"


def is_secret(convention, value, zone_recipients=None):
    """Whether this figure must be hidden under the convention's secrecy clause."""
    if not convention.statistical_secrecy or value is None:
        return False
    if zone_recipients is not None and zone_recipients < convention.secrecy_min_recipients:
        return True
    return value != 0 and abs(Decimal(value)) < convention.secrecy_min_value


def disclosed_value(convention, value, zone_recipients=None):
    """The value as it may be shown or exported: None when the clause hides it."""
    return None if is_secret(convention, value, zone_recipients) else value


def applies_to(user, convention):
    """Whether pages shown to this person hide small figures: everyone but the Caf's staff."""
    if not convention.statistical_secrecy:
        return False
    if user.is_administrator:
        return False
    return not (user.is_adviser and user.organisation_id == convention.caf_id)


def secrecy_note(convention):
    """The rule in words, for pages and exports that applied it."""
    return (
        "Secret statistique appliqué : valeurs masquées pour les zones de moins de "
        f"{convention.secrecy_min_recipients} allocataires et valeurs non nulles "
        f"inférieures à {convention.secrecy_min_value}."
    )
