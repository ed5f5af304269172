from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partenaires et référentiels"

    def ready(self):
        # The first of the project's apps: the ORM is complete before any query runs.
        from ctg import lookups

        lookups.register()
