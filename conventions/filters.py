import datetime

import django_filters
from django.db.models import Q

from conventions.models import Convention, ConventionState, Party, Theme
from partners.models import Department, Organisation

STATUS_CHOICES = [
    (ConventionState.DRAFT, "En préparation"),
    (ConventionState.IN_DELIBERATION, "En délibération"),
    (ConventionState.SIGNING, "À la signature"),
    ("upcoming", "Signée, pas encore en vigueur"),
    ("in_force", "En vigueur"),
    ("expired", "Échue"),
    (ConventionState.TERMINATED, "Résiliée"),
]


class ConventionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche", method="search")
    caf = django_filters.ModelChoiceFilter(
        label="Caf",
        queryset=Organisation.objects.none(),
        empty_label="Toutes les Caf",
    )
    status = django_filters.ChoiceFilter(
        label="État",
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label="Tous les états",
    )
    department = django_filters.ModelChoiceFilter(
        label="Département",
        field_name="lead_authority__department",
        queryset=Department.objects.none(),
        empty_label="Tous les départements",
    )
    year = django_filters.NumberFilter(
        label="Période couvrant l'année",
        method="filter_year",
        min_value=2000,
        max_value=2100,
        decimal_places=0,
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thématique",
        field_name="themes",
        distinct=True,
        queryset=Theme.objects.all(),
        empty_label="Toutes les thématiques",
    )

    class Meta:
        model = Convention
        fields = []

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, queryset=visible, **kwargs)
        self.filters["caf"].queryset = Organisation.objects.filter(
            pk__in=visible.values("caf_id")
        ).order_by("name")
        self.filters["department"].queryset = Department.objects.filter(
            pk__in=visible.values("lead_authority__department_id")
        )

    def search(self, queryset, name, value):
        """Every word in the title, reference, territory or a party's name.

        A party's name is searched on the organisations' folded names (accents and case
        ignored) and turned into convention ids by a subquery: no OR over a join, which made
        PostgreSQL scan every party of every convention.
        """
        for word in value.split():
            parties = Party.objects.filter(
                organisation__in=Organisation.objects.matching(word)
            ).values("convention_id")
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(reference__icontains=word)
                | Q(territory_name__icontains=word)
                | Q(pk__in=parties)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        today = datetime.date.today()
        if value == "in_force":
            return queryset.in_force(today)
        if value == "expired":
            return queryset.expired(today)
        if value == "upcoming":
            return queryset.filter(state=ConventionState.SIGNED, start_date__gt=today)
        return queryset.filter(state=value)

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(start_date__year__lte=year, end_date__year__gte=year)
