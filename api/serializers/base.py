"""What every serializer of the API shares: a French description on every field."""

from django.urls import reverse
from rest_framework import serializers

# drf-spectacular publishes class docstrings (inherited ones too) as French descriptions:
# the classes of this package are explained by comments instead.


class DescribedModelSerializer(serializers.ModelSerializer):
    # A model field without help text is described by its French name (verbose_name), so
    # that the schema documents every field.

    def build_field(self, field_name, info, model_class, nested_depth):
        field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
        if not kwargs.get("help_text"):
            # DRF leaves out a label equal to the field's name ("description"): read it here.
            label = str(kwargs.get("label") or model_class._meta.get_field(field_name).verbose_name)
            kwargs["help_text"] = label[:1].upper() + label[1:] + "."
        return field_class, kwargs


class ChoiceLabelField(serializers.CharField):
    # The French label of a model field's choice, read from the model's choices once
    # (`get_<field>_display` would be inspected as a callable on every row).

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        field = parent.Meta.model._meta.get_field(self.source)
        self.labels = {key: str(label) for key, label in field.flatchoices}

    def to_representation(self, value):
        return self.labels.get(value, value)


def label_field(source, help_text):
    """The French label of a choice; `source` names it as Django does: get_<field>_display."""
    field = source.removeprefix("get_").removesuffix("_display")
    return ChoiceLabelField(source=field, read_only=True, help_text=help_text)


def absolute(serializer, name, *args):
    """The absolute address of a named URL, on the host the caller used."""
    url = reverse(name, args=args)
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request is not None else url
