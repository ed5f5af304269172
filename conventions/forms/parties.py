from django import forms
from django.db.models import Q

from conventions.models import Party, PartyRole
from ctg.forms import DateInput
from partners.models import Organisation, OrganisationKind, Representative
from partners.pickers import OrganisationPickerField

OTHER_ROLES = [
    (PartyRole.CO_SIGNATORY, PartyRole.CO_SIGNATORY.label),
    (PartyRole.PARTNER, PartyRole.PARTNER.label),
]


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ["role", "short_name", "competences", "requires_deliberation", "signatories"]
        widgets = {
            "signatories": forms.CheckboxSelectMultiple,
            "competences": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        party = self.instance
        on = party.convention.start_date
        in_office = Representative.objects.in_office(on).filter(organisation=party.organisation)
        self.fields["signatories"].queryset = (
            in_office | Representative.objects.filter(pk__in=party.signatories.all())
        ).distinct()
        self.fields["signatories"].label_from_instance = lambda rep: (
            f"{rep.full_name}, {rep.role_title}"
        )
        self.fields["signatories"].help_text = (
            "Représentants en fonction au début de la convention ; ajoutez-en un ci-dessous "
            "s'il manque."
        )
        if party.role in (PartyRole.CAF, PartyRole.LEAD):
            # The Caf and the lead authority keep their role.
            self.fields["role"].disabled = True
        else:
            # One Caf and one lead authority per convention, set at creation.
            self.fields["role"].choices = OTHER_ROLES

    def clean(self):
        data = super().clean()
        role, signatories = data.get("role"), data.get("signatories")
        if role and role != PartyRole.PARTNER and signatories is not None and not signatories:
            self.add_error(
                "signatories", "Une partie signataire doit avoir au moins un signataire."
            )
        return data


class RepresentativeForm(forms.ModelForm):
    class Meta:
        model = Representative
        fields = ["civility", "first_name", "last_name", "role_title", "mandate_start", "email"]
        widgets = {"mandate_start": DateInput()}


# Any partner but a Caf, communes first: most parties added are the lead's members.
PARTY_KINDS = [
    OrganisationKind.COMMUNE,
    OrganisationKind.EPCI,
    OrganisationKind.SYNDICATE,
    OrganisationKind.DEPARTMENT,
    OrganisationKind.MSA,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.OTHER,
]


class AddPartyForm(forms.Form):
    organisation = OrganisationPickerField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        help_text="Tapez son nom ou son SIREN : les communes membres de la collectivité chef "
        "de file sont proposées d'abord.",
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=OTHER_ROLES,
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        lead = convention.lead_authority
        field = self.fields["organisation"]
        field.queryset = (
            Organisation.objects.filter(is_active=True)
            .filter(Q(department_id=lead.department_id) | Q(department__isnull=True))
            .exclude(kind=OrganisationKind.CAF)
            .exclude(pk__in=convention.parties.values("organisation_id"))
        )
        field.search = {
            "type": ",".join(PARTY_KINDS),
            "departement": lead.department.code if lead.department_id else "",
            "dans": lead.pk if lead.kind == OrganisationKind.EPCI else lead.epci_id,
        }
