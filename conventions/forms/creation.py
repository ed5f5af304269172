from django import forms
from django.db.models import Q

from conventions.creation import default_period
from conventions.models import ConventionTemplate
from ctg.forms import DateField
from partners.models import Organisation, OrganisationKind
from partners.pickers import OrganisationPickerField

# The kinds that may lead a convention, in the order the picker suggests them.
LEAD_KINDS = [OrganisationKind.EPCI, OrganisationKind.SYNDICATE, OrganisationKind.COMMUNE]


class ConventionCreateForm(forms.Form):
    caf = forms.ModelChoiceField(label="Caf", queryset=Organisation.objects.none())
    lead_authority = OrganisationPickerField(
        label="Collectivité chef de file",
        queryset=Organisation.objects.none(),
        help_text="L'intercommunalité (ou la commune, le syndicat) qui porte la convention : "
        "tapez son nom ou son SIREN.",
    )
    template = forms.ModelChoiceField(
        label="Modèle de convention",
        queryset=ConventionTemplate.objects.none(),
        required=False,
        empty_label="Aucun modèle (articles à rédiger)",
    )
    start_date = DateField(label="Date de début")
    end_date = DateField(label="Date de fin")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cafs = Organisation.objects.cafs()
        if not user.is_administrator:
            cafs = cafs.filter(pk=user.organisation_id)
        self.fields["caf"].queryset = cafs.select_related("department")
        leads = Organisation.objects.filter(kind__in=LEAD_KINDS, is_active=True)
        field = self.fields["lead_authority"]
        if user.is_administrator:
            field.queryset = leads
            field.search = {"type": ",".join(LEAD_KINDS)}
        else:
            field.queryset = leads.filter(department_id__in=cafs.values("department_id"))
            caf = cafs.select_related("department").first()
            field.search = {
                "type": ",".join(LEAD_KINDS),
                "departement": caf.department.code if caf and caf.department else "",
            }
        self.fields["template"].queryset = ConventionTemplate.objects.filter(
            Q(caf__in=cafs) | Q(caf__isnull=True), is_active=True
        )
        if len(cafs) == 1:
            self.fields["caf"].initial = cafs[0]
        start, end = default_period()
        self.fields["start_date"].initial = start
        self.fields["end_date"].initial = end

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "La date de fin doit être postérieure à la date de début.")
        elif start and end and end > start.replace(year=start.year + 5):
            self.add_error("end_date", "Une CTG dure au plus cinq ans.")
        template, caf = data.get("template"), data.get("caf")
        if template and caf and template.caf_id not in (None, caf.pk):
            self.add_error("template", "Ce modèle appartient à une autre Caf.")
        return data


class PartiesProposalForm(forms.Form):
    """Which member communes sign too: all, none or some, in one click, nothing ticked
    by default (an EPCI may have ninety communes)."""

    ALL, NONE, SOME = "all", "none", "some"

    scope = forms.ChoiceField(
        label="Communes membres cosignataires",
        choices=[
            (ALL, "Toutes les communes membres"),
            (NONE, "Aucune"),
            (SOME, "Choisir dans la liste ci-dessous"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes membres proposées comme cosignataires",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, proposed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = proposed

    def clean(self):
        data = super().clean()
        scope, ticked = data.get("scope"), data.get("communes")
        if scope == self.ALL:
            data["communes"] = list(self.fields["communes"].queryset)
        elif scope == self.NONE:
            if ticked:
                self.add_error(
                    "scope",
                    "Vous avez choisi « Aucune » et coché des communes : choisissez "
                    "« Choisir dans la liste » pour les garder.",
                )
            data["communes"] = []
        elif scope == self.SOME and not ticked:
            self.add_error("communes", "Cochez au moins une commune, ou choisissez « Aucune ».")
        return data
