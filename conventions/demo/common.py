"""Helpers shared by the demo loaders: idempotent upserts and text filling."""

from django.db import models


class Tally:
    """Counts what a load created and updated, per model, for the final summary."""

    def __init__(self):
        self.created = {}
        self.updated = {}

    def add(self, model, created):
        bucket = self.created if created else self.updated
        label = model._meta.verbose_name_plural
        bucket[label] = bucket.get(label, 0) + 1

    @property
    def total_created(self):
        return sum(self.created.values())

    @property
    def total_updated(self):
        return sum(self.updated.values())


def upsert(model, tally=None, defaults=None, **lookup):
    """update_or_create that saves only when a value differs.

    Django's update_or_create saves on every call, which would add a historical
    record (django-simple-history) at each run: a second load must change nothing.
    """
    defaults = defaults or {}
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model._default_manager.create(**lookup, **defaults)
        if tally is not None:
            tally.add(model, created=True)
        return instance
    changed = [
        name for name, value in defaults.items() if _value(instance, name, model) != _id(value)
    ]
    if changed:
        for name in changed:
            setattr(instance, name, defaults[name])
        instance.save(update_fields=changed)
        if tally is not None:
            tally.add(model, created=False)
    return instance


def _value(instance, name, model):
    field = model._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return getattr(instance, field.attname)
    return getattr(instance, name)


def _id(value):
    return value.pk if isinstance(value, models.Model) else value


def set_m2m(manager, objects):
    """Set a many-to-many relation only when its members differ."""
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objects)


def paragraphs(*blocks: str) -> str:
    """Join text blocks with blank lines, stripping the indentation of triple-quoted text."""
    return "\n\n".join(block.strip() for block in blocks if block.strip())
