"""The 'Personal API tokens' pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from engage.accounts.permissions import Capability, capability_required
from engage.api import services
from engage.api.models import ApiToken
from engage.core.http import AuthenticatedHttpRequest


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example 'Monthly report spreadsheet'. You will see this name in the list.",
    )


@capability_required(Capability.API_TOKENS)
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = services.create_token(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "api/token_list.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )


@capability_required(Capability.API_TOKENS)
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.revoke_token(user=request.user, token=token)
        messages.success(request, f"The token '{token.name}' has been revoked. It no longer works.")
        return redirect("api_tokens:list")
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Revoke the token '{token.name}'?",
            "consequences": [
                "Anything using it will stop working at once.",
                "You cannot undo this.",
            ],
            "confirm_label": "Revoke the token",
            "destructive": True,
            "cancel_url": reverse("api_tokens:list"),
            "crumbs": [
                "Your account",
                reverse("accounts:account"),
                "API tokens",
                reverse("api_tokens:list"),
                "Revoke",
            ],
        },
    )
