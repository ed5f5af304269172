from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from conventions import checks, freshness, stored_files  # noqa: F401 (checks register)

        stored_files.connect()
        # What a convention's plan pages show: any change makes them stale (freshness.py).
        freshness.connect()
        # What the work lists are made of: any change refreshes them (freshness.py).
        for label in (
            "actionplan.FollowUp",
            "actionplan.ActionSheet",
            "actionplan.Meeting",
            "conventions.Convention",
            "conventions.Party",
            "conventions.Deliberation",
            "conventions.Signature",
            "conventions.Amendment",
        ):
            model = self.apps.get_model(label)
            post_save.connect(freshness.changed, sender=model, dispatch_uid=f"inbox-{label}")
            post_delete.connect(freshness.changed, sender=model, dispatch_uid=f"inbox-del-{label}")
