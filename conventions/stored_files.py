"""Uploaded files that nothing refers to any more are deleted once the change commits.

A scan replaced by another, the minutes of a deleted meeting, a logo changed: the
old file would otherwise stay in storage for ever. The deletion waits for the
commit (a rolled-back change keeps its file) and spares a file that another row
still names. Generated documents, signed copies and imported sources are
evidence and are never deleted here.
"""

from django.db import transaction
from django.db.models.signals import post_delete, pre_save

# (model label, file field) of the uploads cleaned up.
UPLOADS = [
    ("conventions.Deliberation", "scan"),
    ("actionplan.Meeting", "minutes"),
    ("partners.Organisation", "logo"),
]


def _delete_on_commit(model, field_name, name):
    if not name:
        return
    storage = model._meta.get_field(field_name).storage

    def delete():
        if not model._default_manager.filter(**{field_name: name}).exists():
            storage.delete(name)

    transaction.on_commit(delete)


def _replaced(sender, instance, field_name):
    if instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list(field_name, flat=True).first()
    new = getattr(instance, field_name).name or ""
    if old and old != new:
        _delete_on_commit(sender, field_name, old)


def connect():
    from django.apps import apps

    for label, field_name in UPLOADS:
        model = apps.get_model(label)

        def on_save(sender, instance, field_name=field_name, **kwargs):
            _replaced(sender, instance, field_name)

        def on_delete(sender, instance, field_name=field_name, **kwargs):
            _delete_on_commit(sender, field_name, getattr(instance, field_name).name)

        pre_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"replaced-{label}")
        post_delete.connect(on_delete, sender=model, weak=False, dispatch_uid=f"deleted-{label}")
