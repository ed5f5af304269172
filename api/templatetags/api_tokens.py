"""{% api_tokens_section %}: the person's API tokens on the account page."""

from django import template

from api.forms import TokenForm
from api.models import ApiToken

register = template.Library()


@register.inclusion_tag("api/account_tokens.html", takes_context=True)
def api_tokens_section(context):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "tokens": list(ApiToken.objects.filter(user=request.user)),
        "form": TokenForm(),
    }
