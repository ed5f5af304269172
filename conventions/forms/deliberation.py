import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.forms.utils import ErrorDict
from django.utils.html import format_html

from conventions.deliberations import pending_extract
from conventions.models import Deliberation
from conventions.validators import validate_pdf
from ctg.forms import DateInput

# The keys of an extract's reading (conventions.deliberation_reader) and the fields they
# fill. The authority is checked against the party rather than recorded.
READ_FIELDS = {
    "body": "body",
    "session_date": "session_date",
    "act_number": "act_number",
    "subject": "subject",
    "chair": "chair",
    "rapporteur": "rapporteur",
    "secretary": "session_secretary",
    "members_elected": "members_elected",
    "in_office": "members_in_office",
    "present": "present",
    "excused": "excused",
    "absent": "absent",
    "proxies": "proxies",
    "voters": "voters",
    "votes_cast": "votes_cast",
    "for": "votes_for",
    "against": "votes_against",
    "abstentions": "abstentions",
    "outcome": "outcome",
    "second_convocation": "second_convocation",
    "first_session_date": "first_session_date",
    "convocation_on": "convocation_on",
    "posted_on": "posted_on",
    "sent_on": "sent_to_prefecture_on",
    "received_on": "received_by_prefecture_on",
    "actes_id": "actes_id",
}

EXTRACT_TYPES = (
    ".pdf,.docx,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class DeliberationForm(forms.ModelForm):
    extract = forms.FileField(
        label="Extrait de la délibération (PDF ou DOCX)",
        required=False,
        help_text="L'extrait du registre des délibérations, tel que le conseil l'a transmis. "
        "« Lire l'extrait » remplit le formulaire avec ce qui y est lu, à vérifier avant "
        "d'enregistrer ; un extrait PDF est joint comme délibération scannée.",
        widget=forms.ClearableFileInput(attrs={"accept": EXTRACT_TYPES}),
    )
    # The extract read earlier on this form, waiting in the storage (a signed token).
    pending_scan = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Deliberation
        fields = [
            "body",
            "session_date",
            "act_number",
            "subject",
            "chair",
            "rapporteur",
            "convocation_on",
            "posted_on",
            "members_elected",
            "members_in_office",
            "present",
            "excused",
            "absent",
            "proxies",
            "voters",
            "votes_cast",
            "votes_for",
            "votes_against",
            "abstentions",
            "outcome",
            "second_convocation",
            "first_session_date",
            "session_secretary",
            "sent_to_prefecture_on",
            "received_by_prefecture_on",
            "actes_id",
            "published_on",
            "scan",
        ]
        widgets = {
            "session_date": DateInput(),
            "first_session_date": DateInput(),
            "convocation_on": DateInput(),
            "posted_on": DateInput(),
            "sent_to_prefecture_on": DateInput(),
            "received_by_prefecture_on": DateInput(),
            "published_on": DateInput(),
            "scan": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }

    # Counts a document may not give: left empty, they count as none.
    ZERO_WHEN_EMPTY = ("proxies", "votes_against", "abstentions")

    def __init__(self, *args, party, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.party = party
        # Storage name of a waiting extract this save attaches as the scan.
        self.pending_extract = None
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label="Motif de la correction",
                max_length=80,
                # Checked with the correction itself, with a message that says why.
                required=False,
                help_text="La convention est signée : la correction est conservée dans "
                "l'historique avec son motif.",
            )
        # The model's clean() checks the ACTES identifier against this party.
        self.instance.party = party
        for name in self.ZERO_WHEN_EMPTY:
            self.fields[name].required = False
        self.fields["scan"].help_text = (
            "PDF uniquement, 15 Mo au plus. En cas d'erreur dans le formulaire, sélectionnez "
            "à nouveau le fichier."
        )
        token = self.data.get(self.add_prefix("pending_scan")) if self.is_bound else ""
        pending = pending_extract(token, party) if token else None
        if pending is not None:
            self.fields["scan"].help_text = format_html(
                "L'extrait lu ({}) sera joint comme délibération scannée, sauf si vous "
                "choisissez un autre fichier ici. PDF uniquement, 15 Mo au plus.",
                pending[1],
            )

    def clean(self):
        data = super().clean()
        for name in self.ZERO_WHEN_EMPTY:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        if not self.files.get(self.add_prefix("scan")) and "scan" not in self.errors:
            self._extract_as_scan(data)
        return data

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and hasattr(scan, "content_type"):  # a new upload, not the stored file
            validate_pdf(scan)
        return scan

    def _extract_as_scan(self, data):
        """Without a new scan, the extract is the scan: chosen now, or read earlier and
        waiting under the form's token."""
        extract = data.get("extract")
        if extract:
            try:
                validate_pdf(extract)
            except ValidationError as error:
                self.add_error(
                    "extract",
                    "Cet extrait ne peut pas être joint comme délibération scannée : "
                    f"{' '.join(error.messages)} Pour remplir le formulaire avec son contenu, "
                    "cliquez sur « Lire l'extrait ».",
                )
            else:
                data["scan"] = extract
            return
        pending = pending_extract(data.get("pending_scan") or "", self.party)
        if pending is not None:
            name, filename = pending
            with default_storage.open(name) as stored:
                data["scan"] = ContentFile(stored.read(), name=filename)
            self.pending_extract = name

    def refuse_extract(self, message):
        """The extract could not be read: its message alone, at its field. The rest of
        the form, kept as typed, is not judged: the person has not asked to save it."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error("extract", message)

    def show_reading(self, notes):
        """Mark each field an extract filled, in its description (text, not colour only):
        read, deduced, or read differently from what the person typed and kept."""
        for name, (kind, shown) in notes.items():
            field = self.fields[name]
            if kind == "kept":
                badge = format_html(
                    '<span class="badge text-bg-warning">l\'extrait indique : {}</span> '
                    "votre saisie est conservée.",
                    shown,
                )
            else:
                badge = format_html(
                    '<span class="badge text-bg-info">{}</span>',
                    "déduit de l'extrait" if kind == "derived" else "lu dans l'extrait",
                )
            field.help_text = format_html("{} {}", badge, field.help_text)


def read_into(form, reading):
    """The data of a bound form with the values of an extract's reading merged in, and the
    notes for show_reading. A value read fills an empty field or one still holding its
    initial value; a field the person changed keeps their value, the one read beside it.
    A posting date after the session is the deliberation's own posting: its publication."""
    data = form.data.copy()
    changed = set(form.changed_data)
    notes = {}
    values = reading.values
    for key, name in READ_FIELDS.items():
        if key not in values:
            continue
        value = values[key]
        if key == "posted_on" and values.get("session_date") and value >= values["session_date"]:
            name = "published_on"
        typed = form[name].data
        text = _as_data(value)
        if typed in (None, "") or name not in changed:
            data[form.add_prefix(name)] = text
            notes[name] = ("derived" if key in reading.derived else "read", text)
        elif not _same(form.fields[name], typed, value):
            notes[name] = ("kept", _shown(form.fields[name], value))
    return data, notes


def _same(field, typed, value):
    try:
        return field.to_python(typed) == value
    except ValidationError:
        return False


def _as_data(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _shown(field, value):
    choices = dict(getattr(field, "choices", None) or ())
    return str(choices.get(value, _as_data(value)))
