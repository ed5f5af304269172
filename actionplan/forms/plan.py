"""Forms of the action plan editor: every choice is limited to the convention's own
axes, objectives, parties and communes, so a posted id from elsewhere is a field error."""

import re
from collections import defaultdict
from functools import cache, cached_property
from html import escape

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from actionplan.editing import concerned_communes, possible_funders
from actionplan.forms.followup import PlainField, _attributes, _options
from actionplan.models import ActionSheet, Axis, Funding, Indicator, IndicatorTarget, Objective
from conventions.models import Theme
from ctg.forms import DateInput
from partners.search import describe


def _rows(count):
    return forms.Textarea(attrs={"rows": count})


class WholeField(PlainField):
    """PlainField, whose controls also carry every attribute of their widget, as
    crispy-forms writes them: required, maxlength, inputmode, a date's pattern and
    placeholder, a select's data-picker... and which writes checkboxes too: one (a
    fieldset's ``DELETE``, "sur la durée de la CTG") or a list of them (themes, parties,
    communes), in crispy-forms' Bootstrap 5 markup."""

    def __init__(self, bound):
        widget = bound.field.widget
        self.attrs = bound.build_widget_attrs(widget.attrs)
        self.checked = (
            widget.check_test(bound.value()) if isinstance(widget, forms.CheckboxInput) else None
        )
        self.boxes = isinstance(widget, forms.CheckboxSelectMultiple)
        self.hidden = bound.is_hidden
        super().__init__(bound)

    def __str__(self):
        if self.hidden:
            return self.control
        if self.checked is not None:
            return self._checkbox()
        if self.boxes:
            return self._checkboxes()
        return super().__str__()

    def _control(self, widget, value):
        if self.boxes:
            return self._choices(widget, value)
        if isinstance(widget, forms.CheckboxInput):
            return self._input(
                {"type": "checkbox", "name": self.name, "checked": self.checked},
                "checkboxinput form-check-input",
            )
        if isinstance(widget, forms.Select):
            head = self._attrs({"name": self.name}, "select form-select")
            return mark_safe(f"<select{head}>{_options(widget, value)}</select>")
        if isinstance(widget, forms.Textarea):
            head = self._attrs({"name": self.name}, "textarea form-control")
            return mark_safe(f"<textarea{head}>\n{escape(value or '')}</textarea>")
        first = {"type": widget.input_type, "name": self.name, "value": value}
        if self.hidden:
            return mark_safe(f"<input{_attributes([*first.items(), ('id', self.id)])}>")
        return self._input(first, f"{type(widget).__name__.lower()} form-control")

    def _attrs(self, first, kind):
        """The control's attributes, written: ``first``, the widget's own, its classes
        (``kind``, the widget's, is-invalid), what describes it and its id."""
        # A bare attribute (data-picker) is written bare.
        attrs = first | {name: True if value == "" else value for name, value in self.attrs.items()}
        attrs["class"] = " ".join(
            part
            for part in (kind, self.attrs.get("class"), "is-invalid" if self.errors else None)
            if part
        )
        attrs["aria-describedby"] = self.describedby or None
        attrs["aria-invalid"] = "true" if self.errors else None
        attrs["id"] = self.id
        return _attributes(attrs.items())

    def _input(self, first, kind):
        return mark_safe(f"<input{self._attrs(first, kind)}>")

    def _choices(self, widget, value):
        chosen = set(value)
        invalid = ' is-invalid" aria-invalid="true' if self.errors else ""
        name = escape(self.name)
        boxes = []
        for index, (key, label) in enumerate(widget.choices):
            key = str(key)
            box_id = f"{self.id}_{index}"
            checked = " checked" if key in chosen else ""
            boxes.append(
                f'<div class="form-check"><input type="checkbox" class="form-check-input'
                f'{invalid}" name="{name}" value="{escape(key)}" id="{box_id}"{checked}>\n'
                f'<label for="{box_id}" class="form-check-label">{escape(str(label))}</label>'
                "</div>"
            )
        return "\n".join(boxes)

    def _checkbox(self):
        return mark_safe(
            f'<div class="mb-3"><div id="div_{self.id}" class="form-check">{self.control}\n'
            f'<label for="{self.id}" class="form-check-label">{conditional_escape(self.label)}'
            f"</label>{self._feedback()}</div></div>"
        )

    def _checkboxes(self):
        described = _attributes([("aria-describedby", self.describedby or None)])
        required = " requiredField" if self.required else ""
        asterisk = '<span class="asteriskField">*</span>' if self.required else ""
        return mark_safe(
            f'<div id="div_{self.id}" class="mb-3"><fieldset{described}>'
            f'<legend class="form-label fs-6{required}">{conditional_escape(self.label)}'
            f"{asterisk}</legend>\n<div>{self.control}</div>{self._feedback(' d-block')}"
            "</fieldset></div>"
        )


class PlainFields:
    """``form.plain.<name>``: a field written with WholeField (same markup as crispy-forms
    at a fraction of the cost of its templates, which were most of these pages' time),
    made when the template first asks for it, once the form is validated."""

    @cached_property
    def plain(self):
        return _WholeFields(self)


class _WholeFields(dict):
    def __init__(self, form):
        super().__init__()
        self.form = form

    def __missing__(self, name):
        field = self[name] = WholeField(self.form[name])
        return field


class FrenchDecimalField(forms.DecimalField):
    """A number as people type it in French: "12 500,50"."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.widget.is_localized = True

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s", "", value)
        return super().to_python(value)


class AxisForm(forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["title", "description"]
        widgets = {"title": forms.TextInput, "description": _rows(3)}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "description"]
        widgets = {"title": forms.TextInput, "description": _rows(3)}


class ActionSheetForm(PlainFields, forms.ModelForm):
    class Meta:
        model = ActionSheet
        fields = [
            "axis",
            "objective",
            "title",
            "themes",
            "initial_diagnostic",
            "target_public",
            "operational_objectives",
            "implementation",
            "deadline",
            "deadline_whole_period",
            "pilot_party",
            "pilot_services",
            "partner_parties",
            "other_partners",
            "expected_results",
            "human_means",
            "territory",
            "communes",
        ]
        widgets = {
            "title": _rows(2),
            "themes": forms.CheckboxSelectMultiple,
            "initial_diagnostic": _rows(4),
            "target_public": _rows(3),
            "operational_objectives": _rows(6),
            "implementation": _rows(4),
            "deadline": DateInput(),
            "pilot_services": _rows(2),
            "partner_parties": forms.CheckboxSelectMultiple,
            "other_partners": _rows(3),
            "expected_results": _rows(4),
            "human_means": _rows(3),
            "communes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "objective": "Facultatif ; l'objectif doit appartenir à l'axe choisi.",
            "deadline": "Une date, ou cochez « sur la durée de la CTG ».",
            "partner_parties": "Parties à la convention sollicitées pour cette action.",
            "other_partners": "Partenaires qui ne sont pas parties à la convention, un par ligne.",
            "communes": "Communes parties à la convention ou membres d'un EPCI partie.",
        }

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's clean() checks the axis and the pilot against this convention.
        self.instance.convention = convention
        fields = self.fields
        fields["axis"].queryset = convention.axes.order_by("number")
        fields["axis"].label_from_instance = lambda axis: f"Axe {axis.number} – {axis.title}"
        fields["objective"].queryset = (
            Objective.objects.filter(axis__convention=convention)
            .select_related("axis")
            .order_by("axis__number", "number")
        )
        fields["objective"].label_from_instance = lambda objective: (
            f"{objective.code} – {objective.title}"
        )
        parties = convention.parties.select_related("organisation").order_by("position", "pk")
        for name in ("pilot_party", "partner_parties"):
            fields[name].queryset = parties
            fields[name].label_from_instance = lambda party: party.organisation.name
        fields["themes"].queryset = Theme.objects.order_by("position", "name")
        fields["communes"].queryset = concerned_communes(convention)


class FundingForm(PlainFields, forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["funder", "funder_name", "amount", "human_means", "comment"]
        widgets = {"human_means": _rows(2), "comment": _rows(2)}
        field_classes = {"amount": FrenchDecimalField}
        help_texts = {
            "funder": "Partie à la convention ou partenaire du département.",
            "funder_name": "Si le financeur n'est pas dans la liste.",
        }

    def __init__(self, *args, funders, funder_choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["funder"]
        field.queryset = funders
        # The list is read once for all the rows (funder_choices), not once a row.
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        field.choices = lambda: [*empty, *funder_choices()]
        # The parties and the département's partners: searched in the page by the picker.
        field.widget.attrs["data-picker"] = ""

    def clean(self):
        data = super().clean()
        if data.get("funder") and data.get("funder_name"):
            self.add_error(
                "funder_name",
                "Choisissez le financeur dans la liste ou écrivez son nom, pas les deux.",
            )
        return data


class BaseFundingFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, convention, **kwargs):
        funders = possible_funders(convention)
        kwargs.setdefault("form_kwargs", {}).update(
            funders=funders,
            funder_choices=cache(lambda: [(funder.pk, describe(funder)) for funder in funders]),
        )
        super().__init__(*args, **kwargs)


# Rows a page may post at most: far above real sheets (2 to 5 indicators, a few
# funders), and low enough that a forged TOTAL_FORMS cannot build thousands of forms.
MAX_ROWS = 30

FundingFormSet = forms.inlineformset_factory(
    ActionSheet,
    Funding,
    form=FundingForm,
    formset=BaseFundingFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


class IndicatorTargetForm(PlainFields, forms.ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["value", "text", "date"]
        widgets = {"text": forms.TextInput, "date": DateInput()}
        field_classes = {"value": FrenchDecimalField}


class BaseIndicatorTargetFormSet(forms.BaseInlineFormSet):
    """Targets of one indicator. The indicators' formset hands each one its targets, read
    for all indicators of the sheet at once, instead of one query per indicator."""

    def __init__(self, *args, targets=None, **kwargs):
        self.given_targets = targets
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if self.given_targets is None:
            return super().get_queryset()
        return self.given_targets


IndicatorTargetFormSet = forms.inlineformset_factory(
    Indicator,
    IndicatorTarget,
    form=IndicatorTargetForm,
    formset=BaseIndicatorTargetFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


class IndicatorForm(PlainFields, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "label",
            "kind",
            "unit",
            "periodicity",
            "source",
            "baseline_value",
            "baseline_text",
            "baseline_date",
        ]
        widgets = {
            "label": forms.TextInput,
            "baseline_text": _rows(2),
            "baseline_date": DateInput(),
        }
        help_texts = {
            "unit": "Pour un indicateur quantitatif : places, familles, réunions, %...",
            "baseline_value": "Indicateur quantitatif.",
            "baseline_text": "Indicateur qualitatif.",
        }
        field_classes = {"baseline_value": FrenchDecimalField}


class BaseIndicatorFormSet(forms.BaseInlineFormSet):
    """Indicators of one sheet, each with its own formset of targets (form.targets).

    Everything is validated before anything is saved, so that a wrong target
    keeps the whole page as typed and writes nothing.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.targets = IndicatorTargetFormSet(
            self.data if self.is_bound else None,
            instance=form.instance,
            prefix=f"{form.prefix}-cibles",
            targets=self._targets().get(form.instance.pk, []) if form.instance.pk else None,
        )
        return form

    def _targets(self):
        """The sheet's targets by indicator, in their order, read once for the page."""
        if not hasattr(self, "_targets_by_indicator"):
            self._targets_by_indicator = defaultdict(list)
            targets = IndicatorTarget.objects.filter(indicator__action_sheet=self.instance)
            for target in targets.order_by("indicator", "date", "pk"):
                self._targets_by_indicator[target.indicator_id].append(target)
        return self._targets_by_indicator

    def is_valid(self):
        if not self.is_bound:
            return False
        # Indicators first: their kind, just typed, is what the targets are checked against.
        valid = super().is_valid()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            valid = form.targets.is_valid() and valid
            if form.instance.pk is None and not form.has_changed() and form.targets.has_changed():
                form.add_error("label", "Donnez un libellé à l'indicateur de ces cibles.")
                valid = False
        return valid

    def save_new(self, form, commit=True):
        form.instance.position = self._next_position
        self._next_position += 1
        return super().save_new(form, commit)

    def save(self, commit=True):
        positions = [indicator.position for indicator in self.get_queryset()]
        self._next_position = max(positions, default=0) + 1
        saved = super().save(commit)
        for form in self.forms:
            if form.instance.pk and not (self.can_delete and self._should_delete_form(form)):
                form.targets.save()
        return saved


IndicatorFormSet = forms.inlineformset_factory(
    ActionSheet,
    Indicator,
    form=IndicatorForm,
    formset=BaseIndicatorFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
