"""Saving the rows of an imported convention, each checked by its model's own rules."""

from django.core.exceptions import ValidationError


def save(instance, label, user=None):
    """Check the row (its fields and `clean`), then save it with its author in history.

    A refusal is a `ValidationError` whose messages start with `label`, so that the
    person knows which party, article or sheet to correct.
    """
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError([f"{label} : {message}" for message in error.messages]) from error
    instance._history_user = user
    instance.save()
    return instance
