"""Forms of the import pages: the upload, and the review page where every value read
from the document (`ReadConvention`) is corrected before the convention is created.

The review page is a set of formsets whose rows stand for the parties, axes,
objectives and action sheets of the `ReadConvention` by their position. Their
number is fixed by what was read: a posted formset with more or fewer rows than
that (forged, or built from an older version of the import) is refused with a
French message instead of silently dropping or inventing rows.
"""

import copy
from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BoundField
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.http import QueryDict
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from conventions.importing.result import (
    ReadAnnex,
    ReadArticle,
    ReadAxis,
    ReadDeliberation,
    ReadObjective,
    ReadParty,
    ReadRepresentative,
    ReadSheet,
)
from conventions.importing.service import MAX_UPLOAD_BYTES
from conventions.models import DeliberatingBody, PartyRole
from ctg.forms import DateField
from partners.collation import fold
from partners.models import Civility, Organisation, OrganisationKind

STATUS_DRAFT = "draft"
STATUS_SIGNED = "signed"
STATUS_CHOICES = [
    (STATUS_SIGNED, "Déjà signée : créée signée, avec les signatures et délibérations lues"),
    (STATUS_DRAFT, "Brouillon : créée en préparation, à compléter avant les délibérations"),
]
NOT_MATCHING = (
    "Le formulaire envoyé ne correspond pas à cet import (lignes manquantes ou en trop). "
    "Rechargez la page puis refaites vos corrections."
)


def _rows(count):
    return forms.Textarea(attrs={"rows": count})


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _iso(day):
    return day.isoformat() if day else None


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


class ImportUploadForm(forms.Form):
    caf = forms.ModelChoiceField(
        label="Caf",
        queryset=Organisation.objects.none(),
        help_text="La Caf signataire de la convention.",
    )
    file = forms.FileField(
        label="Document de la convention",
        help_text=(
            f"Fichier Word (.docx) ou PDF contenant du texte (pas une image numérisée), "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,.pdf,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_administrator:
            self.fields["caf"].queryset = Organisation.objects.cafs().order_by("name")
        else:
            # An adviser imports for their own Caf only.
            del self.fields["caf"]

    def clean_file(self):
        # Below the request size limit (settings.MAX_REQUEST_BYTES), Django takes any
        # file: the import's own limit is checked here, before anything reads it.
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"Le fichier pèse {_megabytes(file.size)} Mo : la limite est de "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} Mo. Déposez la convention seule, "
                f"sans ses annexes numérisées."
            )
        return file


# -- Organisations offered for each party ------------------------------------


class Candidates:
    """The organisations a party may be matched to: those of the Caf's département of
    the party's kind, plus the one the reader matched wherever it is. Loaded in one
    query for all parties, whatever their number."""

    def __init__(self, caf, parties):
        matched = {party.organisation_id for party in parties if party.organisation_id}
        kinds = {party.kind for party in parties}
        query = Q(pk__in=matched)
        if caf.department_id:
            local = Q(department_id=caf.department_id, is_active=True)
            if kinds <= set(OrganisationKind.values):
                local &= Q(kind__in=kinds)
            query |= local
        rows = (
            Organisation.objects.filter(query)
            .order_by("search_name", "name", "pk")
            .values_list("pk", "name", "kind", "siren", "department_id", "is_active")
        )
        self.by_id = {}
        self._local = defaultdict(list)  # kind -> ids of the département, by name
        for pk, name, kind, siren, department_id, is_active in rows:
            self.by_id[pk] = {"name": name, "kind": kind, "siren": siren or ""}
            if caf.department_id and department_id == caf.department_id and is_active:
                self._local[kind].append(pk)
        self._html = {}

    def describe(self, pk):
        info = self.by_id[pk]
        details = OrganisationKind(info["kind"]).label
        if info["siren"]:
            details += f", SIREN {info['siren']}"
        return f"{info['name']} ({details})"

    def _local_ids(self, kind):
        if kind:
            return self._local[kind]
        return sorted(
            (pk for ids in self._local.values() for pk in ids),
            key=lambda pk: (fold(self.by_id[pk]["name"]), self.by_id[pk]["name"], pk),
        )

    def ids_for(self, party):
        ids = list(self._local_ids(party.kind))
        if party.organisation_id in self.by_id and party.organisation_id not in ids:
            ids.insert(0, party.organisation_id)
        return ids

    def options_html(self, party):
        """The <option> list of one party's select, built once per kind: a
        département's hundreds of communes times 37 parties are too many options for
        Django's template-per-option rendering to stay fast."""
        if party.kind not in self._html:
            self._html[party.kind] = "".join(self._option(pk) for pk in self._local_ids(party.kind))
        html = self._html[party.kind]
        pk = party.organisation_id
        if pk in self.by_id and f'value="{pk}"' not in html:
            html = self._option(pk) + html
        return '<option value="">— Aucune organisation reconnue —</option>' + html

    def _option(self, pk):
        return f'<option value="{pk}">{escape(self.describe(pk))}</option>'


class PrebuiltSelect(forms.Select):
    """A select whose options come as ready HTML (see `Candidates.options_html`)."""

    def __init__(self, options_html="", attrs=None):
        super().__init__(attrs)
        self.options_html = options_html

    def render(self, name, value, attrs=None, renderer=None):
        options = self.options_html
        if value not in (None, ""):
            option = f'<option value="{escape(value)}">'
            options = options.replace(option, option[:-1] + " selected>", 1)
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            "<select{}>{}</select>", flatatt({**final_attrs, "name": name}), mark_safe(options)
        )


class OrganisationField(forms.Field):
    """The id of one of the organisations offered, or None. Checked against a set of
    ids rather than a list of choices, which Django would normalise option by option."""

    widget = PrebuiltSelect
    default_error_messages = {
        "invalid_choice": "Choisissez une organisation de la liste proposée pour cette partie."
    }

    def __init__(self, *, allowed=(), **kwargs):
        super().__init__(**kwargs)
        self.allowed = set(allowed)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in self.allowed:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return value


# -- Review forms ------------------------------------------------------------


class FieldGroup(BoundField):
    """`{{ form.field.group }}`: the label, widget, errors and help text in Bootstrap 5
    markup, as crispy lays them out, built in Python: the review page of a 37-party
    convention has some 1,500 fields, and crispy's templates take seconds for them."""

    def group(self):
        widget = self.field.widget
        checkbox = isinstance(widget, forms.CheckboxInput)
        if checkbox:
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        control = self._control(css)
        label = format_html(
            '<label for="{}" class="{}">{}</label>',
            self.id_for_label,
            "form-check-label" if checkbox else "form-label",
            self.label,
        )
        errors = format_html_join(
            "",
            '<div class="invalid-feedback d-block"><strong>{}</strong></div>',
            ((error,) for error in self.errors),
        )
        help_text = (
            format_html(
                '<div id="{}_helptext" class="form-text">{}</div>', self.auto_id, self.help_text
            )
            if self.help_text
            else ""
        )
        if checkbox:
            return format_html(
                '<div class="mb-3 form-check">{}{}{}{}</div>', control, label, errors, help_text
            )
        return format_html('<div class="mb-3">{}{}{}{}</div>', label, control, errors, help_text)

    def _control(self, css):
        """The widget's HTML as Django's widget templates write it, for the plain
        widgets of these forms; any other widget renders the usual way."""
        widget = self.field.widget
        if isinstance(widget, PrebuiltSelect) or not isinstance(
            widget, forms.Textarea | forms.CheckboxInput | forms.Select | Input
        ):
            return self.as_widget(attrs={"class": css})
        attrs = widget.build_attrs(widget.attrs, self.build_widget_attrs({"class": css}))
        attrs.setdefault("id", self.auto_id)
        value = self.value()
        if isinstance(widget, forms.Textarea):
            return format_html(
                '<textarea name="{}"{}>\n{}</textarea>',
                self.html_name,
                flatatt(attrs),
                widget.format_value(value) or "",
            )
        if isinstance(widget, forms.CheckboxInput):
            attrs["checked"] = widget.check_test(value)
            return format_html(
                '<input type="checkbox" name="{}"{}>', self.html_name, flatatt(attrs)
            )
        if isinstance(widget, forms.Select):
            selected = set(widget.format_value(value))
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (key, mark_safe(" selected") if str(key) in selected else "", label)
                    for key, label in self.field.choices
                ),
            )
            return format_html(
                '<select name="{}"{}>{}</select>', self.html_name, flatatt(attrs), options
            )
        formatted = widget.format_value(value)
        if formatted is not None:
            attrs["value"] = formatted
        return format_html(
            '<input type="{}" name="{}"{}>', widget.input_type, self.html_name, flatatt(attrs)
        )


class ReviewForm(forms.Form):
    bound_field_class = FieldGroup


class GeneralForm(ReviewForm):
    version = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="La convention à créer est", choices=STATUS_CHOICES, widget=forms.RadioSelect
    )
    reference = forms.SlugField(
        label="Référence de la convention",
        max_length=100,
        required=False,
        help_text="Facultatif, par exemple « pma-2023-2027 » ; proposée d'après le titre sinon.",
    )
    territory = forms.CharField(label="Territoire", max_length=200, required=False)
    title = forms.CharField(label="Intitulé", max_length=255, required=False)
    start_date = DateField(label="Date de début", required=False)
    end_date = DateField(label="Date de fin", required=False)
    place_signed = forms.CharField(
        label="Lieu de signature",
        max_length=100,
        required=False,
        help_text="Comme dans « Fait à Montbéliard, le … ».",
    )
    signed_on = DateField(label="Date de signature", required=False)
    originals_count = forms.IntegerField(
        label="Nombre d'exemplaires originaux", required=False, min_value=1, max_value=100
    )
    preamble = forms.CharField(label="Préambule", required=False, widget=_rows(6))
    visas = forms.CharField(
        label="Visas (un par ligne)",
        required=False,
        widget=_rows(8),
        help_text="Les références juridiques ; les délibérations citées ont leur propre section.",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "La date de fin doit suivre la date de début.")
        return data


class PartyForm(ReviewForm):
    name = forms.CharField(label="Nom dans le document", max_length=255, required=False)
    role = forms.ChoiceField(
        label="Rôle", choices=[("", "— À préciser —"), *PartyRole.choices], required=False
    )
    organisation = OrganisationField(label="Organisation du référentiel", required=False)
    short_name = forms.CharField(
        label="Nom court (« ci-après dénommée »)", max_length=200, required=False
    )
    competences = forms.CharField(label="Compétences de la partie", required=False, widget=_rows(4))
    excluded = forms.BooleanField(
        label="Écarter cette partie (elle ne sera pas reprise dans la convention)",
        required=False,
    )

    def __init__(self, *args, party, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.party = party
        field = self.fields["organisation"]
        field.allowed = set(candidates.ids_for(party))
        field.widget.options_html = candidates.options_html(party)
        # Hundreds of communes: searched in the page by the picker (static/js/pickers.js).
        field.widget.attrs["data-picker"] = ""
        if party.organisation_id in candidates.by_id:
            found = f"Reconnue : {candidates.describe(party.organisation_id)}."
        else:
            found = "Aucune organisation reconnue : choisissez-la dans la liste."
        # Crispy prints help texts as HTML; the name comes from an uploaded document.
        field.help_text = format_html("Lu : « {} ». {}", party.name, found)

    def clean(self):
        data = super().clean()
        if not data.get("excluded") and not data.get("name"):
            self.add_error("name", "Indiquez le nom de la partie, ou écartez-la.")
        return data


class RepresentativeForm(ReviewForm):
    civility = forms.ChoiceField(
        label="Civilité", choices=[("", "—"), *Civility.choices], required=False
    )
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    function = forms.CharField(label="Fonction", max_length=200, required=False)
    mandate = forms.CharField(label="Autorisation de signer", max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if not self.cleaned_data.get("DELETE") and not data.get("last_name"):
            self.add_error("last_name", "Indiquez le nom du représentant.")
        return data


class DeliberationForm(ReviewForm):
    party = forms.ChoiceField(label="Partie", required=False)
    body = forms.ChoiceField(
        label="Instance", choices=[("", "— À préciser —"), *DeliberatingBody.choices],
        required=False,
    )  # fmt: skip
    date = DateField(label="Date de la séance", required=False)
    act_number = forms.CharField(label="Numéro de l'acte", max_length=50, required=False)
    actes_id = forms.CharField(label="Identifiant ACTES", max_length=100, required=False)
    text = forms.CharField(label="Ligne du visa", required=False, widget=_rows(2))

    def __init__(self, *args, party_names, **kwargs):
        super().__init__(*args, **kwargs)
        names = list(dict.fromkeys(party_names))
        current = self.initial.get("party")
        if current and current not in names:
            names.append(current)
        self.fields["party"].choices = [("", "— Aucune —"), *((n, n) for n in names)]


class ArticleForm(ReviewForm):
    number = forms.IntegerField(label="Numéro", min_value=0, max_value=999)
    title = forms.CharField(label="Titre", max_length=255, required=False)
    body = forms.CharField(label="Texte", required=False, widget=_rows(8))
    has_party_blocks = forms.BooleanField(
        label="Article des compétences de chaque collectivité", required=False
    )


class AnnexForm(ReviewForm):
    number = forms.IntegerField(label="Numéro", min_value=0, max_value=99)
    title = forms.CharField(label="Titre", max_length=255, required=False)
    body = forms.CharField(label="Texte", required=False, widget=_rows(6))


class AxisForm(ReviewForm):
    number = forms.IntegerField(label="Numéro de l'axe", min_value=0, max_value=99)
    title = forms.CharField(label="Titre de l'axe", max_length=500, required=False)


class ObjectiveForm(ReviewForm):
    number = forms.IntegerField(label="Numéro de l'objectif", min_value=0, max_value=99)
    title = forms.CharField(label="Titre de l'objectif", max_length=500, required=False)


class SheetForm(ReviewForm):
    number = forms.IntegerField(label="Numéro de la fiche", min_value=0, max_value=999)
    title = forms.CharField(label="Titre de la fiche", required=False, widget=_rows(2))
    initial_diagnostic = forms.CharField(
        label="Diagnostic initial", required=False, widget=_rows(3)
    )
    target_public = forms.CharField(label="Public visé", required=False, widget=_rows(2))
    operational_objectives = forms.CharField(
        label="Objectifs opérationnels", required=False, widget=_rows(4)
    )
    implementation = forms.CharField(
        label="Modalités de mise en œuvre", required=False, widget=_rows(3)
    )
    deadline_whole_period = forms.BooleanField(label="Sur la durée de la CTG", required=False)
    deadline = DateField(label="Échéance (date)", required=False)
    deadline_text = forms.CharField(label="Échéance telle qu'écrite", required=False)
    pilot_services = forms.CharField(
        label="Services mobilisés et responsables de l'action", required=False, widget=_rows(2)
    )
    partners = forms.CharField(label="Partenaires sollicités", required=False, widget=_rows(2))
    expected_results = forms.CharField(label="Résultats attendus", required=False, widget=_rows(3))
    indicators = forms.CharField(
        label="Indicateurs d'évaluation (un par ligne)", required=False, widget=_rows(3)
    )
    territory = forms.CharField(label="Territoire concerné", required=False)
    human_means = forms.CharField(
        label="Moyens humains et financiers", required=False, widget=_rows(2)
    )


SHEET_FIELDS = list(SheetForm.base_fields)


class FixedFormSet(forms.BaseFormSet):
    """Rows that stand for items read, by position: exactly `expected` of them."""

    def __init__(self, *args, expected, **kwargs):
        self.expected = expected
        super().__init__(*args, **kwargs)

    def clean(self):
        if self.total_form_count() != self.expected:
            raise ValidationError(NOT_MATCHING)


class BasePartyFormSet(FixedFormSet):
    def __init__(self, *args, parties, candidates, **kwargs):
        self.parties = parties
        self.candidates = candidates
        super().__init__(*args, expected=len(parties), **kwargs)

    def get_form_kwargs(self, index):
        # A forged row beyond the parties read gets an empty party; clean() refuses it.
        party = self.parties[index] if index < len(self.parties) else ReadParty()
        return {"party": party, "candidates": self.candidates}


class BaseDeliberationFormSet(forms.BaseFormSet):
    def __init__(self, *args, party_names, **kwargs):
        self.party_names = party_names
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"party_names": self.party_names}


def _fixed(form, formset=FixedFormSet, **options):
    return forms.formset_factory(
        form, formset=formset, extra=0, max_num=300, absolute_max=300, validate_max=True,
        **options,
    )  # fmt: skip


def _growing(form, formset=forms.BaseFormSet, limit=200):
    return forms.formset_factory(
        form, formset=formset, extra=1, can_delete=True, max_num=limit, absolute_max=limit,
        validate_max=True,
    )  # fmt: skip


PartyFormSet = _fixed(PartyForm, formset=BasePartyFormSet)
RepresentativeFormSet = _growing(RepresentativeForm, limit=20)
DeliberationFormSet = _growing(DeliberationForm, formset=BaseDeliberationFormSet)
ArticleFormSet = _growing(ArticleForm)
AnnexFormSet = _growing(AnnexForm, limit=50)
AxisFormSet = _fixed(AxisForm)
ObjectiveFormSet = _fixed(ObjectiveForm)
SheetFormSet = _fixed(SheetForm, can_delete=True)


def _fields(item, names):
    return {name: getattr(item, name) for name in names}


class ImportReview:
    """Every form of the review page for one `ReadConvention`.

    `corrected()` gives the `ReadConvention` with the user's values; what the page
    does not edit (matched names, what could not be read, the warnings) is kept.
    """

    def __init__(self, read, *, caf, version, data=None, status=None):
        self.read = read
        self.caf = caf
        self.candidates = Candidates(caf, read.parties)
        self.plan = _flatten_plan(read)
        signed = status or (STATUS_SIGNED if read.signed_on else STATUS_DRAFT)
        self.general = GeneralForm(
            data,
            prefix="general",
            initial={
                "version": version,
                "status": signed,
                "visas": "\n".join(read.visas),
                **_fields(
                    read,
                    [
                        "territory",
                        "title",
                        "start_date",
                        "end_date",
                        "place_signed",
                        "signed_on",
                        "originals_count",
                        "preamble",
                    ],
                ),  # fmt: skip
            },
        )
        self.parties = PartyFormSet(
            data,
            prefix="parties",
            parties=read.parties,
            candidates=self.candidates,
            initial=[
                {
                    "organisation": party.organisation_id
                    if party.organisation_id in self.candidates.by_id
                    else None,
                    **_fields(party, ["name", "role", "short_name", "competences"]),
                }
                for party in read.parties
            ],
        )
        self.representatives = [
            RepresentativeFormSet(
                data,
                prefix=f"representants-{index}",
                initial=[
                    _fields(rep, ["civility", "first_name", "last_name", "function", "mandate"])
                    for rep in party.representatives
                ],
            )
            for index, party in enumerate(read.parties)
        ]
        self.deliberations = DeliberationFormSet(
            data,
            prefix="deliberations",
            party_names=[party.name for party in read.parties],
            initial=[
                _fields(item, ["party", "body", "date", "act_number", "actes_id", "text"])
                for item in read.deliberations
            ],
        )
        self.articles = ArticleFormSet(
            data,
            prefix="articles",
            initial=[
                _fields(item, ["number", "title", "body", "has_party_blocks"])
                for item in read.articles
            ],
        )
        self.annexes = AnnexFormSet(
            data,
            prefix="annexes",
            initial=[_fields(item, ["number", "title", "body"]) for item in read.annexes],
        )
        self.axes = AxisFormSet(
            data,
            prefix="axes",
            expected=len(read.axes),
            initial=[_fields(axis, ["number", "title"]) for axis in read.axes],
        )
        self.objectives = ObjectiveFormSet(
            data,
            prefix="objectifs",
            expected=len(self.plan["objectives"]),
            initial=[_fields(o, ["number", "title"]) for _, o in self.plan["objectives"]],
        )
        self.sheets = SheetFormSet(
            data,
            prefix="fiches",
            expected=len(self.plan["sheets"]),
            initial=[
                {
                    **_fields(sheet, [f for f in SHEET_FIELDS if f != "indicators"]),
                    "indicators": "\n".join(sheet.indicators),
                }
                for *_, sheet in self.plan["sheets"]
            ],
        )

    @classmethod
    def bound_to(cls, read, *, caf, version, signed, reference=None):
        """The page for `read` as if its values had just been posted, so that errors
        can be shown at its fields (after the corrections were saved)."""
        page = cls(read, caf=caf, version=version)
        data = QueryDict(mutable=True)
        forms_ = [page.general]
        for formset in page.formsets:
            forms_ += [formset.management_form, *formset.forms]
        for form in forms_:
            for name, field in form.fields.items():
                value = form[name].value()
                if isinstance(field, forms.BooleanField):
                    if value:
                        data[form.add_prefix(name)] = "on"
                elif value is not None:
                    data[form.add_prefix(name)] = str(value)
        data["general-status"] = STATUS_SIGNED if signed else STATUS_DRAFT
        data["general-reference"] = reference or ""
        bound = cls(read, caf=caf, version=version, data=data)
        bound.is_valid()
        return bound

    # -- Structure for the template ------------------------------------------

    @property
    def formsets(self):
        return [
            self.parties,
            *self.representatives,
            self.deliberations,
            self.articles,
            self.annexes,
            self.axes,
            self.objectives,
            self.sheets,
        ]

    def party_rows(self):
        return list(zip(self.parties.forms, self.representatives, self.read.parties, strict=True))

    def plan_rows(self):
        """Axes with their objectives and sheets, each with its form, in reading order."""
        sheets = self.plan["sheets"]
        rows = []
        for axis_index, (axis, form) in enumerate(
            zip(self.read.axes, self.axes.forms, strict=True)
        ):
            objectives = [
                {
                    "form": self.objectives.forms[objective_index],
                    "sheets": [
                        self.sheets.forms[index]
                        for index, (_, in_objective, _) in enumerate(sheets)
                        if in_objective == objective_index
                    ],
                }
                for objective_index, (in_axis, _) in enumerate(self.plan["objectives"])
                if in_axis == axis_index
            ]
            rows.append(
                {
                    "axis": axis,
                    "form": form,
                    "sheets": [
                        self.sheets.forms[index]
                        for index, (in_axis, objective, _) in enumerate(sheets)
                        if in_axis == axis_index and objective is None
                    ],
                    "objectives": objectives,
                }
            )
        return rows

    # -- Validation and result -------------------------------------------------

    def is_valid(self):
        results = [self.general.is_valid()] + [formset.is_valid() for formset in self.formsets]
        return all(results)

    @property
    def structure_errors(self):
        """Errors of the page as a whole (forged or outdated rows, missing version), in
        French; the page is then rebuilt from what is stored."""
        errors = []
        if "version" in self.general.errors:
            errors.append("La version de la page manque : rechargez la page.")
        for formset in self.formsets:
            for error in formset.non_form_errors():
                if error not in errors:
                    errors.append(error)
        return errors

    @property
    def version(self):
        return self.general.cleaned_data["version"]

    @property
    def signed(self):
        return self.general.cleaned_data["status"] == STATUS_SIGNED

    @property
    def reference(self):
        return self.general.cleaned_data["reference"] or None

    def corrected(self):
        read = copy.deepcopy(self.read)
        general = self.general.cleaned_data
        for name in ("territory", "title", "place_signed", "preamble", "originals_count"):
            setattr(read, name, general[name])
        for name in ("start_date", "end_date", "signed_on"):
            setattr(read, name, _iso(general[name]))
        read.visas = _lines(general["visas"])

        renamed = {}
        parties = []
        for party, form, representatives in zip(
            read.parties, self.parties.forms, self.representatives, strict=True
        ):
            data = form.cleaned_data
            if data["excluded"]:
                renamed[party.name] = ""
                continue
            renamed[party.name] = data["name"]
            party.name = data["name"]
            party.role = data["role"]
            party.short_name = data["short_name"]
            party.competences = data["competences"]
            self._match(party, data["organisation"])
            party.representatives = [
                ReadRepresentative(**_without_delete(row)) for row in _rows_kept(representatives)
            ]
            parties.append(party)
        read.parties = parties

        read.deliberations = [
            ReadDeliberation(
                **{
                    **_without_delete(row),
                    "party": renamed.get(row["party"], row["party"]),
                    "date": _iso(row["date"]),
                }
            )
            for row in _rows_kept(self.deliberations)
        ]
        read.articles = [ReadArticle(**_without_delete(row)) for row in _rows_kept(self.articles)]
        read.annexes = [ReadAnnex(**_without_delete(row)) for row in _rows_kept(self.annexes)]
        read.axes = self._corrected_plan()
        return read

    def _match(self, party, organisation_id):
        if organisation_id == party.organisation_id:
            return
        if organisation_id is None:
            party.organisation_id, party.matched_name, party.siren = None, "", ""
            return
        info = self.candidates.by_id[organisation_id]
        party.organisation_id = organisation_id
        party.matched_name = info["name"]
        party.siren = info["siren"]
        party.kind = info["kind"]

    def _corrected_plan(self):
        axes = [
            ReadAxis(number=form.cleaned_data["number"], title=form.cleaned_data["title"])
            for form in self.axes.forms
        ]
        objectives = []
        for (axis_index, _), form in zip(
            self.plan["objectives"], self.objectives.forms, strict=True
        ):
            objective = ReadObjective(**form.cleaned_data)
            axes[axis_index].objectives.append(objective)
            objectives.append(objective)
        for (axis_index, objective_index, _), form in zip(
            self.plan["sheets"], self.sheets.forms, strict=True
        ):
            data = form.cleaned_data
            if data.get("DELETE"):
                continue
            sheet = ReadSheet(
                **{
                    **_without_delete(data),
                    "deadline": _iso(data["deadline"]),
                    "indicators": _lines(data["indicators"]),
                }
            )
            if objective_index is None:
                axes[axis_index].sheets.append(sheet)
            else:
                objectives[objective_index].sheets.append(sheet)
        return axes

    # -- Problems when confirming ----------------------------------------------

    def add_confirm_errors(self, *, signed):
        """What confirming needs, shown at the fields (the full list of the service's
        problems is shown at the top of the page)."""
        general = self.general
        for name, label in (("start_date", "la date de début"), ("end_date", "la date de fin")):
            if not general.cleaned_data.get(name):
                general.add_error(name, f"Indiquez {label} de la convention.")
        if signed and not general.cleaned_data.get("signed_on"):
            general.add_error("signed_on", "Indiquez la date de signature.")
        for form in self.parties.forms:
            data = form.cleaned_data
            if data.get("excluded"):
                continue
            if data.get("organisation") is None:
                form.add_error(
                    "organisation", "Choisissez l'organisation de cette partie, ou écartez-la."
                )
            if not data.get("role"):
                form.add_error("role", "Précisez le rôle de cette partie.")


def _flatten_plan(read):
    """Objectives as (axis index, objective) and sheets as (axis index, objective index
    or None, sheet), in the order the page shows them."""
    objectives, sheets = [], []
    for axis_index, axis in enumerate(read.axes):
        for sheet in axis.sheets:
            sheets.append((axis_index, None, sheet))
        for objective in axis.objectives:
            objectives.append((axis_index, objective))
            for sheet in objective.sheets:
                sheets.append((axis_index, len(objectives) - 1, sheet))
    return {"objectives": objectives, "sheets": sheets}


def _rows_kept(formset):
    """Cleaned rows that are neither deleted nor new and left blank."""
    initial = formset.initial_form_count()
    return [
        form.cleaned_data
        for index, form in enumerate(formset.forms)
        if (index < initial or form.has_changed()) and not form.cleaned_data.get("DELETE")
    ]


def _without_delete(row):
    return {name: value for name, value in row.items() if name != "DELETE"}
