"""The convention template pages ("Modèles de convention") and "utiliser comme modèle
de la Caf" on a convention. The rules are in conventions/templates_service.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods

from conventions import templates_service as service
from conventions.access import editable_convention
from conventions.forms.templates import (
    ArticleFormSet,
    FromConventionForm,
    TemplateForm,
    VersionForm,
    article_initial,
)
from conventions.models import Convention, ConventionTemplate
from conventions.placeholders import PLACEHOLDERS

ARTICLES_PREFIX = "articles"


def _template_user(user):
    if not service.may_use_templates(user):
        raise PermissionDenied(
            "Les modèles de convention sont réservés aux conseillers Caf et aux administrateurs."
        )


def _visible_template(user, pk):
    """The template if the user may read it; 403 for a role without templates, else 404."""
    _template_user(user)
    return get_object_or_404(
        service.visible_templates(user).select_related("caf", "created_from"), pk=pk
    )


def _editable_template(user, pk):
    template = _visible_template(user, pk)
    if not service.can_edit_template(user, template):
        raise PermissionDenied(
            "Ce modèle national est en lecture seule : seuls les administrateurs le modifient."
        )
    return template


def _placeholders():
    return [(f"{{{name}}}", description) for name, description in PLACEHOLDERS.items()]


def _add_errors(form, error):
    """A ValidationError of the domain at its field when the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    labels = {f.name: f.verbose_name for f in ConventionTemplate._meta.fields}
    for name, problems in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, problems)
        elif name in labels:
            form.add_error(None, [f"{capfirst(labels[name])} : {problem}" for problem in problems])
        else:
            form.add_error(None, problems)


@require_GET
def template_list(request):
    _template_user(request.user)
    templates = list(service.template_list(request.user))
    for template in templates:
        template.editable = service.can_edit_template(request.user, template)
    return render(request, "conventions/template_list.html", {"templates": templates})


@require_GET
def template_detail(request, pk):
    template = _visible_template(request.user, pk)
    return render(
        request,
        "conventions/template_detail.html",
        {
            "template": template,
            "articles": template.articles.order_by("number"),
            "can_edit": service.can_edit_template(request.user, template),
            "source_visible": template.created_from_id is not None
            and Convention.objects.visible_to(request.user)
            .filter(pk=template.created_from_id)
            .exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    template = _editable_template(request.user, pk)
    if request.method != "POST":
        form = TemplateForm(
            instance=template, initial={"version": service.template_version(template)}
        )
        return _render_edit(request, template, form)
    form = TemplateForm(request.POST, instance=template)
    if not form.is_valid():
        return _render_edit(request, template, form)
    data = {name: form.cleaned_data[name] for name in service.TEMPLATE_FIELDS}
    try:
        changed = service.update_template(
            request.user, template, form.cleaned_data["version"], data
        )
    except service.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except service.StaleTemplate as error:
        posted = request.POST.copy()
        posted["version"] = error.current_version
        stored = ConventionTemplate.objects.get(pk=template.pk)
        form = TemplateForm(posted, instance=template)
        return _render_edit(request, template, form, conflict=error, stored=stored, status=409)
    except ValidationError as error:
        _add_errors(form, error)
        return _render_edit(request, template, form)
    if changed:
        messages.success(request, "Modèle enregistré.")
    else:
        messages.info(request, "Aucune modification à enregistrer.")
    return redirect("conventions:template", template.pk)


def _render_edit(request, template, form, conflict=None, stored=None, status=200):
    return render(
        request,
        "conventions/template_edit.html",
        {
            "template": template,
            "form": form,
            "conflict": conflict,
            "stored": stored,
            "placeholders": _placeholders(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def template_articles(request, pk):
    template = _editable_template(request.user, pk)
    if request.method != "POST":
        version = VersionForm(initial={"version": service.template_version(template)})
        formset = ArticleFormSet(initial=article_initial(template), prefix=ARTICLES_PREFIX)
        return _render_articles(request, template, version, formset)
    version = VersionForm(request.POST)
    formset = ArticleFormSet(request.POST, prefix=ARTICLES_PREFIX)
    if not version.is_valid():
        # Only a hand-made request lacks the hidden version.
        return _render_articles(
            request,
            template,
            version,
            formset,
            problems=version.errors["version"],
            status=400,
        )
    if not formset.is_valid():
        return _render_articles(request, template, version, formset)
    try:
        changes = service.update_articles(
            request.user, template, version.cleaned_data["version"], formset.rows()
        )
    except service.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except service.StaleTemplate as error:
        posted = request.POST.copy()
        posted["version"] = error.current_version
        return _render_articles(
            request,
            template,
            VersionForm(posted),
            ArticleFormSet(posted, prefix=ARTICLES_PREFIX),
            conflict=error,
            stored=template.articles.order_by("number"),
            status=409,
        )
    except ValidationError as error:
        return _render_articles(request, template, version, formset, problems=error.messages)
    except service.TemplateError as error:
        return _render_articles(request, template, version, formset, problems=[str(error)])
    if changes:
        messages.success(request, "Articles du modèle enregistrés.")
    else:
        messages.info(request, "Aucune modification à enregistrer.")
    return redirect("conventions:template", template.pk)


def _render_articles(
    request, template, version, formset, conflict=None, stored=None, problems=(), status=200
):
    return render(
        request,
        "conventions/template_articles.html",
        {
            "template": template,
            "version": version,
            "formset": formset,
            "conflict": conflict,
            "stored": stored,
            "problems": problems,
            "placeholders": _placeholders(),
        },
        status=status,
    )


@require_GET
def template_history(request, pk):
    template = _visible_template(request.user, pk)
    return render(
        request,
        "conventions/template_history.html",
        {"template": template, "entries": service.template_history(template)},
    )


@require_http_methods(["GET", "POST"])
def template_from_convention(request, pk):
    """ "Utiliser comme modèle de la Caf": what would be created, the name to confirm."""
    convention = editable_convention(
        request.user, pk, Convention.objects.select_related("caf", "lead_authority")
    )
    form = FromConventionForm(
        request.POST or None, initial={"name": service.proposed_name(convention)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = service.create_from_convention(
                request.user, convention, form.cleaned_data["name"]
            )
        except service.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Le modèle « {template.name} » a été créé : il est proposé à la création des "
                f"conventions de {convention.caf.designation}.",
            )
            return redirect("conventions:template", template.pk)
    return render(
        request,
        "conventions/template_from_convention.html",
        {
            "convention": convention,
            "proposal": service.proposal_from_convention(convention),
            "form": form,
        },
    )
