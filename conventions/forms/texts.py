from django import forms
from django.db.models import Q

from conventions.models import Article, Convention, SteeringInstance
from conventions.placeholders import validate_placeholders
from partners.models import Equipment, Organisation
from partners.search import describe

# Texts where {caf}, {periode}... are filled when the convention is frozen
# (conventions/snapshot.py); an unknown name would be printed as typed.
PLACEHOLDER_FIELDS = ["visas", "preamble"]


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
            "predecessor",
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
        help_texts = {
            "signing_place": "« Fait à Montbéliard, le ... » : la date est celle de la dernière "
            "signature.",
            "originals_count": "« en deux exemplaires originaux ».",
            "predecessor": "La convention que celle-ci renouvelle, parmi celles de la même Caf.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        convention = self.instance
        # Same Caf, not itself, not one already renewed by another, not its own successor.
        self.fields["predecessor"].queryset = (
            Convention.objects.filter(caf_id=convention.caf_id)
            .exclude(pk=convention.pk)
            .exclude(predecessor_id=convention.pk)
            .filter(Q(successor__isnull=True) | Q(pk=convention.predecessor_id))
            .order_by("-start_date", "title")
        )
        self.fields["predecessor"].label_from_instance = lambda c: (
            f"{c.title} ({c.start_date:%d/%m/%Y} – {c.end_date:%d/%m/%Y}, {c.get_state_display()})"
        )
        self.fields["predecessor"].empty_label = "Aucune (première convention)"
        for name in PLACEHOLDER_FIELDS:
            self.fields[name].validators.append(validate_placeholders)


class ArticleForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "body"):
            self.fields[name].validators.append(validate_placeholders)


class BaseArticleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        flagged = [
            form.cleaned_data.get("number")
            for form in self.forms
            if form.cleaned_data.get("has_party_blocks") and not form.cleaned_data.get("DELETE")
        ]
        if len(flagged) > 1:
            raise forms.ValidationError(
                "Un seul article reçoit les compétences des collectivités (ici les articles "
                f"{', '.join(str(n) for n in flagged)})."
            )


# Rows a page may post at most: far above real conventions (about twenty articles, a few
# steering instances), and low enough that a forged TOTAL_FORMS cannot build thousands
# of forms (each one validated and rendered back: seconds per request).
MAX_ARTICLES = 100
MAX_STEERING_INSTANCES = 30

ArticleFormSet = forms.inlineformset_factory(
    Convention,
    Article,
    form=ArticleForm,
    formset=BaseArticleFormSet,
    fields=["number", "title", "body", "has_party_blocks"],
    widgets={"body": forms.Textarea(attrs={"rows": 8})},
    labels={"has_party_blocks": "Article des compétences de chaque collectivité"},
    help_texts={
        "has_party_blocks": "Le texte de compétences saisi sur chaque partie s'imprime à la "
        "suite de cet article ; à défaut, à la suite de l'article 3."
    },
    extra=1,
    can_delete=True,
    max_num=MAX_ARTICLES,
    absolute_max=MAX_ARTICLES,
    validate_max=True,
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
    max_num=MAX_STEERING_INSTANCES,
    absolute_max=MAX_STEERING_INSTANCES,
    validate_max=True,
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
        field = self.fields["organisation"]
        field.queryset = (
            Organisation.objects.filter(parties__convention=convention)
            .select_related("department")
            .in_french_order()
        )
        field.label_from_instance = describe
        # A short list: the picker searches it in the page (static/js/pickers.js).
        field.widget.attrs["data-picker"] = ""
