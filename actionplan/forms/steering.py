"""Forms of the steering pages: meetings with their minutes, and reviews."""

from typing import NamedTuple

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

from actionplan.forms.plan import PlainFields
from actionplan.models import FollowUp, FollowUpStatus, Meeting, Review
from conventions.validators import validate_pdf
from ctg.forms import DateInput


class MeetingForm(forms.ModelForm):
    remove_minutes = forms.BooleanField(label="Retirer le compte rendu enregistré", required=False)

    class Meta:
        model = Meeting
        fields = ["kind", "title", "date", "attendees", "decisions", "minutes"]
        widgets = {
            "date": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 6}),
            # A plain file input: the clearable one would link to a public media URL.
            "minutes": forms.FileInput(attrs={"accept": "application/pdf"}),
        }
        help_texts = {
            "title": "Par exemple « Comité de pilotage annuel 2025 » ou « Commission petite "
            "enfance ».",
            "attendees": "Une personne ou une structure par ligne.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].label = "Compte rendu (PDF)"
        self.fields["minutes"].help_text = (
            "PDF uniquement, 15 Mo au plus. En cas d'erreur dans le formulaire, sélectionnez "
            "à nouveau le fichier."
        )
        if not self.instance.minutes:
            del self.fields["remove_minutes"]

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        if minutes and hasattr(minutes, "content_type"):  # a new upload, not the stored file
            validate_pdf(minutes)
        return minutes

    def save(self, commit=True):
        new_upload = hasattr(self.cleaned_data.get("minutes"), "content_type")
        if self.cleaned_data.get("remove_minutes") and not new_upload:
            self.instance.minutes = ""
        return super().save(commit)


STATUS_LABELS = dict(FollowUpStatus.choices)


class Entry(NamedTuple):
    """What the review form shows of a follow-up entry: plain values, as a five-year plan
    has 2,400 entries and model instances cost a tenth of a second to build."""

    pk: int
    year: int
    quarter: int
    status: str
    progress: int
    number: int

    @property
    def period_label(self):
        return f"T{self.quarter} {self.year}"

    @property
    def label(self):
        return (
            f"Action {self.number} ({self.period_label}) : "
            f"{STATUS_LABELS.get(self.status, self.status)}, {self.progress} %"
        )


def _quarter_key(follow_up):
    return f"{follow_up.year}-{follow_up.quarter}"


RECENT_QUARTERS = 4


class ReviewForm(PlainFields, forms.ModelForm):
    """A review and the follow-up it looked at: whole quarters, or single entries."""

    quarters = forms.MultipleChoiceField(
        label="Trimestres examinés (toutes les actions)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Review
        fields = ["kind", "date", "meeting", "summary", "follow_ups", "leads_to_amendment"]
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 8}),
            "follow_ups": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }
        labels = {
            "follow_ups": "Autres suivis examinés, action par action (quatre derniers trimestres)"
        }
        help_texts = {
            "meeting": "La réunion où le bilan a été présenté, s'il y en a une.",
            "leads_to_amendment": "Un bilan intermédiaire peut conduire à un avenant.",
        }

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention
        # Only what the choices show: a sheet's texts are long and there are 2,400 entries.
        self.entries = [
            Entry(*row)
            for row in FollowUp.objects.filter(action_sheet__convention=convention)
            .order_by("year", "quarter", "action_sheet__number")
            .values_list("pk", "year", "quarter", "status", "progress", "action_sheet__number")
        ]
        by_quarter = {}
        for entry in self.entries:
            by_quarter.setdefault(_quarter_key(entry), []).append(entry)
        self.by_quarter = by_quarter
        self.fields["quarters"].choices = [
            (key, entries[0].period_label) for key, entries in by_quarter.items()
        ]
        follow_ups = self.fields["follow_ups"]
        follow_ups.queryset = FollowUp.objects.filter(action_sheet__convention=convention)
        # Entry by entry for the last quarters only (and what the review already holds): a
        # five-year plan of 120 actions has 2,400 entries; older quarters are taken whole.
        recent = set(list(by_quarter)[-RECENT_QUARTERS:])
        linked = (
            set(self.instance.follow_ups.values_list("pk", flat=True))
            if self.instance.pk
            else set()
        )
        self.choosable = [
            entry for entry in self.entries if _quarter_key(entry) in recent or entry.pk in linked
        ]
        # Labels come from the list already loaded rather than one query per entry.
        follow_ups.choices = [(entry.pk, entry.label) for entry in self.choosable]
        self.fields["meeting"].queryset = convention.meetings.order_by("-date")
        self.fields["leads_to_amendment"].queryset = convention.amendments.order_by("number")
        self.fields["leads_to_amendment"].label_from_instance = lambda amendment: (
            f"Avenant n° {amendment.number} – {amendment.subject}"
        )
        if self.instance.pk and not self.is_bound:
            self._split_initial(linked)

    def _split_initial(self, linked):
        """Show a quarter looked at as a whole as that quarter, the rest entry by entry."""
        whole = [
            key
            for key, entries in self.by_quarter.items()
            if all(entry.pk in linked for entry in entries)
        ]
        covered = {entry.pk for key in whole for entry in self.by_quarter[key]}
        self.initial["quarters"] = whole
        self.initial["follow_ups"] = sorted(linked - covered)

    def follow_up_groups(self):
        """The entries' checkboxes grouped by quarter, for the template: (quarter, HTML of its
        checkboxes) written here with html.escape, as Django's widgets, a template loop or
        format_html take tens of milliseconds for the hundreds of entries."""
        field = self["follow_ups"]
        checked = {str(value) for value in (field.value() or [])}
        labels = dict(self.fields["follow_ups"].choices)
        name, prefix = escape(field.html_name), escape(field.auto_id)
        groups = {}
        for index, entry in enumerate(self.choosable):
            groups.setdefault(entry.period_label, []).append(
                f'<div class="form-check"><input type="checkbox" name="{name}" '
                f'value="{entry.pk}" class="form-check-input" id="{prefix}_{index}"'
                f"{' checked' if str(entry.pk) in checked else ''}><label "
                f'class="form-check-label" for="{prefix}_{index}">{escape(labels[entry.pk])}'
                "</label></div>"
            )
        return [(period, mark_safe("\n".join(boxes))) for period, boxes in groups.items()]

    def clean(self):
        data = super().clean()
        chosen = list(data.get("follow_ups") or [])
        chosen_pks = {entry.pk for entry in chosen}
        # A whole quarter's entries by id: the many-to-many save takes instances and ids alike.
        for key in data.get("quarters") or []:
            chosen += [e.pk for e in self.by_quarter.get(key, []) if e.pk not in chosen_pks]
        data["follow_ups"] = chosen
        return data
