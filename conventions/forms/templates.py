"""Forms of the convention template pages: they validate at the field, the domain
module (conventions/templates_service.py) saves."""

from django import forms
from django.utils.text import capfirst

from conventions.forms.texts import MAX_ARTICLES
from conventions.models import ConventionTemplate, TemplateArticle
from conventions.placeholders import validate_placeholders


def _label(name):
    return capfirst(TemplateArticle._meta.get_field(name).verbose_name)


INCOMPLETE = "Le formulaire est incomplet : rechargez la page."


class TemplateForm(forms.ModelForm):
    version = forms.CharField(widget=forms.HiddenInput, error_messages={"required": INCOMPLETE})

    class Meta:
        model = ConventionTemplate
        fields = ["name", "is_active", "visas", "preamble"]
        widgets = {
            "visas": forms.Textarea(attrs={"rows": 10}),
            "preamble": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "is_active": "Seuls les modèles actifs sont proposés à la création d'une convention.",
        }


class VersionForm(forms.Form):
    """The version of the template the articles page was read at."""

    version = forms.CharField(widget=forms.HiddenInput, error_messages={"required": INCOMPLETE})


class ArticleForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label=_label("number"), min_value=1, max_value=999)
    title = forms.CharField(
        label=_label("title"), max_length=TemplateArticle._meta.get_field("title").max_length
    )
    body = forms.CharField(
        label=_label("body"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_placeholders],
    )
    has_party_blocks = forms.BooleanField(
        label=_label("has_party_blocks"),
        required=False,
        help_text=TemplateArticle._meta.get_field("has_party_blocks").help_text,
    )

    def row(self):
        """What the domain module takes for this article."""
        data = self.cleaned_data
        if data.get("DELETE"):
            return {"id": data.get("id"), "delete": True}
        return {
            "id": data.get("id"),
            "number": data["number"],
            "title": data["title"],
            "body": data["body"],
            "has_party_blocks": data["has_party_blocks"],
            "delete": False,
        }


class BaseArticleFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue  # the empty form for a new article, left empty
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if number in seen:
                form.add_error("number", f"Le numéro {number} est déjà celui d'un autre article.")
            seen.add(number)
        if any(self.errors):
            raise forms.ValidationError("Deux articles ne peuvent pas porter le même numéro.")

    def rows(self):
        """The articles to save, for the domain module."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data.get("id") and (not form.has_changed() or data.get("DELETE")):
                continue  # a new article left empty, or added then deleted at once
            rows.append(form.row())
        return rows


# As many articles as a convention may have (conventions/forms/texts.py): a forged
# TOTAL_FORMS cannot build thousands of forms.
ArticleFormSet = forms.formset_factory(
    ArticleForm,
    formset=BaseArticleFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ARTICLES,
    absolute_max=MAX_ARTICLES,
    validate_max=True,
)


def article_initial(template):
    return [
        {
            "id": article.pk,
            "number": article.number,
            "title": article.title,
            "body": article.body,
            "has_party_blocks": article.has_party_blocks,
        }
        for article in template.articles.order_by("number")
    ]


class FromConventionForm(forms.Form):
    name = forms.CharField(
        label="Nom du modèle",
        max_length=ConventionTemplate._meta.get_field("name").max_length,
        help_text="Tel qu'il sera proposé à la création d'une convention.",
    )
