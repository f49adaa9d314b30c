"""CQC imports: the history of runs with their errors, and uploading a file to import."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import paginate
from engage.market import cqc_import, selectors
from engage.market.forms import CqcUploadForm
from engage.market.tasks import import_cqc_upload
from engage.market.views.common import market_crumbs


def _imports_crumbs(*extra: str) -> list[str]:
    return market_crumbs("CQC imports", reverse("market:cqc_import_list"), *extra)


@capability_required(Capability.MARKET_IMPORT)
def cqc_import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "market/cqc_import_list.html",
        {
            "page": paginate(request, selectors.cqc_imports()),
            "crumbs": market_crumbs("CQC imports"),
        },
    )


@capability_required(Capability.MARKET_IMPORT)
def cqc_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.cqc_imports().filter(pk=pk).first()
    if record is None:
        raise Http404("No such import.")
    skipped = sorted((record.skipped or {}).items(), key=lambda item: (-item[1], item[0]))
    return render(
        request,
        "market/cqc_import_detail.html",
        {
            "record": record,
            "skipped": skipped,
            "errors_page": paginate(request, record.errors or [], per_page=200),
            "crumbs": _imports_crumbs(f"Import of {record.started_at:%d %b %Y %H:%M}"),
        },
    )


@capability_required(Capability.MARKET_IMPORT)
def cqc_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CqcUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = cqc_import.store_upload(content=upload, file_name=upload.name)
        arguments = (
            stored,
            upload.name,
            request.user.pk,
            form.areas(),
            form.cleaned_data["dry_run"],
            form.cleaned_data["deregister"],
        )
        transaction.on_commit(lambda: import_cqc_upload.delay(*arguments))
        messages.success(
            request,
            f"{upload.name} is being imported. Its result will appear at the top of this list "
            "(refresh the page in a minute).",
        )
        return redirect("market:cqc_import_list")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Import a CQC file",
            "intro": (
                "Download the CQC's care directory or HSCA Active Locations file from the CQC's "
                "website and upload it here. Services are matched by their CQC location ID, so "
                "importing a newer file updates the register. If any line of the file is wrong, "
                "nothing is imported and every wrong line is listed."
            ),
            "crumbs": _imports_crumbs("Import a file"),
            "submit_label": "Import the file",
            "cancel_url": reverse("market:cqc_import_list"),
            "multipart": True,
        },
    )
