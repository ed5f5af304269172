from django import forms

from conventions.models import Article, Convention, SteeringInstance
from partners.models import Equipment


class ConventionTextForm(forms.ModelForm):
    class Meta:
        model = Convention
        fields = [
            "title",
            "territory_name",
            "themes",
            "visas",
            "preamble",
            "diagnostic_summary",
            "evaluation_text",
            "signing_place",
            "originals_count",
            "statistical_secrecy",
            "secrecy_min_recipients",
            "secrecy_min_value",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "visas": forms.Textarea(attrs={"rows": 8}),
            "preamble": forms.Textarea(attrs={"rows": 8}),
            "diagnostic_summary": forms.Textarea(attrs={"rows": 8}),
            "evaluation_text": forms.Textarea(attrs={"rows": 5}),
        }


ArticleFormSet = forms.inlineformset_factory(
    Convention,
    Article,
    fields=["number", "title", "body"],
    widgets={"body": forms.Textarea(attrs={"rows": 8})},
    extra=1,
    can_delete=True,
)

SteeringInstanceFormSet = forms.inlineformset_factory(
    Convention,
    SteeringInstance,
    fields=["position", "name", "composition", "missions", "periodicity"],
    widgets={
        "composition": forms.Textarea(attrs={"rows": 3}),
        "missions": forms.Textarea(attrs={"rows": 3}),
    },
    extra=1,
    can_delete=True,
)


class EquipmentSelectionForm(forms.Form):
    equipment = forms.ModelMultipleChoiceField(
        label="Équipements et services retenus pour l'annexe 2",
        queryset=Equipment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = (
            Equipment.objects.filter(
                organisation__in=convention.parties.values("organisation"), is_active=True
            )
            .select_related("organisation", "equipment_type")
            .order_by("organisation__name", "equipment_type__position", "name")
        )
        self.fields["equipment"].label_from_instance = lambda e: (
            f"{e.organisation} – {e.equipment_type.code} – {e.name}"
        )
        self.fields["equipment"].initial = list(convention.equipment.values_list("pk", flat=True))


class NewEquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["organisation", "equipment_type", "name", "address", "manager", "capacity"]

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "organisation"
        ].queryset = convention.parties.model.organisation.field.related_model.objects.filter(
            parties__convention=convention
        ).order_by("name")
