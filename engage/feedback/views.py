"""Pages of the feedback app: officers' results, surveys and triage; the token forms anyone
with the link may answer; the portal's evaluations and "you said, we did"."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator

from engage.accounts.permissions import Capability, capability_required
from engage.core.date_text import date_text
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import (
    Column,
    SortOption,
    export_response,
    paginate,
    pk_path,
    sort_queryset,
)
from engage.engagement.modes import Kind
from engage.feedback import costs, selectors, services
from engage.feedback.forms import (
    ActionForm,
    EvaluationForm,
    FeedbackItemForm,
    OutcomesForm,
    SurveyForm,
    SurveyResponseForm,
    TriageForm,
    WeDidForm,
)
from engage.feedback.models import (
    EvaluationInvitation,
    FeedbackItem,
    FeedbackSource,
    Survey,
    SurveyInvitation,
)
from engage.groups.models import EngagementGroup
from engage.portal.access import contact_for, require_provider

FEEDBACK = "Feedback"

HOME_SHOWN = 8


def _crumbs(*parts: Any) -> list[Any]:
    return [FEEDBACK, reverse("feedback:home"), *parts]


@capability_required(Capability.FEEDBACK_VIEW)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Evaluations awaiting outcomes, recent results, surveys, feedback to triage, jaded groups.

    Each list's rows are built here with their links and dates already written out (one
    ``reverse`` per kind of link, not per row): the template only places them.
    """
    activity_href = pk_path("feedback:activity_results")
    group_href = pk_path("feedback:group_results")
    survey_href = pk_path("feedback:survey_detail")
    item_href = pk_path("feedback:item_detail")
    awaiting, recent, surveys, to_triage = (queryset.all() for queryset in _home_lists())
    survey_status = dict(Survey.Status.choices)
    source_label = dict(FeedbackSource.choices)
    return render(
        request,
        "feedback/home.html",
        {
            "awaiting": [
                {"href": activity_href(pk), "title": title, "held": _day(at), "lead": lead}
                for pk, title, at, lead in awaiting
            ],
            "recent": [
                {
                    "href": activity_href(pk),
                    "title": title,
                    "held": _day(at),
                    "answered": answered,
                    "invited": invited,
                }
                for pk, title, at, answered, invited in recent
            ],
            "surveys": [
                {
                    "href": survey_href(pk),
                    "title": title,
                    "status": survey_status.get(status, status),
                    "answered": answered,
                }
                for pk, title, status, answered in surveys
            ],
            "to_triage": [
                {
                    "href": item_href(pk),
                    "text": Truncator(text).chars(90),
                    "source": source_label.get(source, source),
                    "group": group,
                }
                for pk, text, source, group in to_triage
            ],
            "jaded": [
                {"href": group_href(group.pk), "name": group.name, "reason": signal.reason}
                for group, signal in selectors.jaded_groups()
            ],
        },
    )


@cache
def _home_lists() -> tuple[QuerySet[Any, tuple[Any, ...]], ...]:
    """The feedback home's lists, with the columns they show: awaiting outcomes, recent
    results, surveys and feedback to triage. Built once (they depend on nothing but the
    schema, and building their subqueries costs more than running them); each request
    evaluates clones, never these."""
    return (
        selectors.awaiting_outcomes().values_list(
            "pk", "title", "starts_at", "lead_officer__user__full_name"
        )[:HOME_SHOWN],
        # The counts are the selectors' annotations, which the type of a queryset does not
        # carry: mypy's Django plugin looks for fields of those names.
        selectors.recent_evaluated_activities().values_list(  # type: ignore[misc]
            "pk", "title", "starts_at", "answered", "invited"
        )[:HOME_SHOWN],
        selectors.surveys_with_figures().values_list(  # type: ignore[misc]
            "pk", "title", "status", "answered"
        )[:HOME_SHOWN],
        selectors.feedback_to_triage().values_list("pk", "text", "source", "group__name")[
            :HOME_SHOWN
        ],
    )


def _day(moment: datetime) -> str:
    """As ``{{ moment|date:"j M Y" }}`` shows it (in the council's time zone)."""
    return date_text(moment, "j M Y")


@capability_required(Capability.FEEDBACK_VIEW)
def activity_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One event's evaluation: response rate, each question's answers, outcomes met."""
    activity = selectors.evaluable_activity(pk)
    results = selectors.activity_results(activity)
    return render(
        request,
        "feedback/activity_results.html",
        {"activity": activity, "results": results, "crumbs": _crumbs(activity.title)},
    )


@capability_required(Capability.FEEDBACK_MANAGE)
def activity_outcomes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The organiser records whether each outcome sought was met."""
    activity = selectors.evaluable_activity(pk)
    results = selectors.activity_results(activity)
    form = OutcomesForm(request.POST or None, outcomes=results.outcomes)
    back = reverse("feedback:activity_results", args=[activity.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcomes(actor=request.user, activity=activity, results=form.results())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Outcomes recorded.")
            return redirect(back)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Were the outcomes met?",
            "caption": activity.title,
            "intro": "For each outcome the event set out to achieve, say whether it was met."
            if results.outcomes
            else "This activity has no outcomes sought written down.",
            "submit_label": "Save outcomes",
            "cancel_url": back,
            "crumbs": _crumbs(activity.title, back, "Outcomes"),
        },
    )


@capability_required(Capability.FEEDBACK_VIEW)
def group_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A group over time: usefulness, response and attendance rates per meeting; jadedness;
    and the same per segment along the dimension chosen in ``?by=`` (service type unless a
    known one is given)."""
    group = EngagementGroup.objects.filter(pk=pk).first()
    if group is None:
        from django.http import Http404

        raise Http404("No such group")
    points = selectors.group_trend(group)
    return render(
        request,
        "feedback/group_results.html",
        {
            "group": group,
            "points": points,
            "chart": selectors.trend_chart(points),
            "signal": selectors.signal_from(group.pk, points),
            "segments": selectors.segment_trends(group, request.GET.get("by", ""), points),
            "dimensions": selectors.SegmentDimension.choices,
            "yswd": list(selectors.you_said_we_did(group)[:10]),
            "crumbs": _crumbs(group.name),
        },
    )


# --- Evaluation forms -----------------------------------------------------------------------


def _evaluation_page(
    request: HttpRequest, invitation: EvaluationInvitation, *, portal: bool
) -> HttpResponse:
    questions = services.active_questions()
    context: dict[str, Any] = {"invitation": invitation, "activity": invitation.activity}
    context["portal"] = portal
    if invitation.has_responded:
        return render(request, "feedback/evaluation_done.html", {**context, "already": True})
    form = EvaluationForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(token=invitation.token, answers=form.answers())
        except services.AlreadyResponded:
            return render(
                request,
                "feedback/evaluation_done.html",
                {**context, "already": True},
                status=409,
            )
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                form.add_error(key if key in form.fields else None, messages_)
        else:
            return render(request, "feedback/evaluation_done.html", {**context, "already": False})
    return render(request, "feedback/evaluation_form.html", {**context, "form": form})


@login_not_required
def evaluation_form(request: HttpRequest, token: str) -> HttpResponse:
    """The evaluation at its emailed link: no sign-in; the token is the key."""
    invitation = (
        EvaluationInvitation.objects.select_related("activity", "contact")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        return render(request, "feedback/link_not_found.html", status=404)
    return _evaluation_page(request, invitation, portal=False)


@capability_required(Capability.PORTAL_USE)
def portal_evaluations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in provider user's own evaluations: awaiting and sent."""
    require_provider(request.user)
    contact = contact_for(request.user)
    return render(
        request,
        "feedback/portal_evaluations.html",
        {"page": paginate(request, selectors.evaluations_of_contact(contact))},
    )


@capability_required(Capability.PORTAL_USE)
def portal_evaluation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One of the user's own evaluations, in the portal (404 for anyone else's)."""
    invitation = selectors.get_evaluation_for_user(request.user, pk)
    return _evaluation_page(request, invitation, portal=True)


# --- Surveys --------------------------------------------------------------------------------


@capability_required(Capability.FEEDBACK_VIEW)
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/survey_list.html",
        {"page": paginate(request, selectors.surveys_with_figures()), "crumbs": _crumbs("Surveys")},
    )


@capability_required(Capability.FEEDBACK_MANAGE)
def survey_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.create_survey(
                actor=request.user,
                title=data["title"],
                introduction=data["introduction"],
                anonymous=data["anonymous"],
                closes_on=data["closes_on"],
                questions=data["questions"],
                service_types=data["service_types"],
                localities=data["localities"],
                levels=data["levels"],
                tier_one_only=data["tier_one_only"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Survey saved as a draft. Check it, then send it.")
            return redirect("feedback:survey_detail", pk=survey.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Build a survey",
            "submit_label": "Save as draft",
            "cancel_url": reverse("feedback:survey_list"),
            "crumbs": _crumbs("Surveys", reverse("feedback:survey_list"), "Build a survey"),
        },
    )


@capability_required(Capability.FEEDBACK_VIEW)
def survey_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A survey's audience, questions and results (charts with a table beside each)."""
    survey = selectors.get_survey(pk)
    return render(
        request,
        "feedback/survey_detail.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey),
            "audience": selectors.audience_text(survey),
            "crumbs": _crumbs("Surveys", reverse("feedback:survey_list"), survey.title),
        },
    )


@capability_required(Capability.FEEDBACK_MANAGE)
def survey_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check, then close an open survey before its closing date."""
    survey = selectors.get_survey(pk)
    back = reverse("feedback:survey_detail", args=[survey.pk])
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.close_survey(actor=request.user, survey=survey)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "Survey closed. It takes no more answers.")
        return redirect(back)
    answered = survey.responses.count()
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Close “{survey.title}” now?",
            "consequences": [
                f"It was open until {survey.closes_on:%-d %B %Y}; its links will take no more "
                "answers from today.",
                f"The {answered} response{'s' if answered != 1 else ''} given so far stay in "
                "the results.",
                "It cannot be opened again.",
            ],
            "confirm_label": "Close the survey",
            "cancel_url": back,
            "crumbs": _crumbs(
                "Surveys", reverse("feedback:survey_list"), survey.title, back, "Close"
            ),
        },
    )


@capability_required(Capability.FEEDBACK_MANAGE)
def survey_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check, then send a survey to its audience."""
    survey = selectors.get_survey(pk)
    back = reverse("feedback:survey_detail", args=[survey.pk])
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            sent = services.send_survey(actor=request.user, survey=survey)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, f"Survey sent to {sent} people.")
        return redirect(back)
    from engage.market.audience import reach

    figures = reach(survey.audience())
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Send “{survey.title}”?",
            "consequences": [
                f"{figures.emailable} people at {figures.providers} providers will get an email "
                "with their own link.",
                "Responses are anonymous." if survey.anonymous else "You will see who answered.",
                f"It closes on {survey.closes_on:%-d %B %Y}.",
            ],
            "confirm_label": "Send the survey",
            "cancel_url": back,
            "crumbs": _crumbs(
                "Surveys", reverse("feedback:survey_list"), survey.title, back, "Send"
            ),
        },
    )


@capability_required(Capability.FEEDBACK_VIEW)
def survey_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The responses as CSV, one row per response."""
    survey = selectors.get_survey(pk)
    header, rows = selectors.survey_rows(survey)
    columns = [Column(h, operator.itemgetter(i)) for i, h in enumerate(header)]
    return export_response(  # type: ignore[return-value]
        "csv", filename_stem=f"survey-{survey.pk}", columns=columns, rows=rows
    )


@login_not_required
def survey_form(request: HttpRequest, token: str) -> HttpResponse:
    """A survey at its emailed link: no sign-in; the token answers once."""
    invitation = SurveyInvitation.objects.select_related("survey").filter(token=token).first()
    if invitation is None:
        return render(request, "feedback/link_not_found.html", status=404)
    survey = invitation.survey
    context: dict[str, Any] = {"survey": survey}
    if invitation.used:
        return render(request, "feedback/survey_done.html", {**context, "already": True})
    if not services.is_open(survey):
        return render(request, "feedback/survey_done.html", {**context, "closed": True})
    form = SurveyResponseForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_survey_response(token=token, answers=form.answers())
        except services.SurveyAlreadyAnswered:
            return render(
                request, "feedback/survey_done.html", {**context, "already": True}, status=409
            )
        except services.SurveyClosed:
            return render(request, "feedback/survey_done.html", {**context, "closed": True})
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                form.add_error(key if key in form.fields else None, messages_)
        else:
            return render(request, "feedback/survey_done.html", context)
    return render(request, "feedback/survey_form.html", {**context, "form": form})


# --- Feedback items -------------------------------------------------------------------------


@capability_required(Capability.FEEDBACK_VIEW)
def item_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    show = request.GET.get("show", "new")
    items = selectors.feedback_items()
    if show in FeedbackItem.Status.values:
        items = items.filter(status=show)
    else:
        show = "all"
    theme = request.GET.get("theme", "")
    if theme:
        items = items.filter(themes__slug=theme)
    from engage.feedback.models import Theme

    return render(
        request,
        "feedback/item_list.html",
        {
            "page": paginate(request, items),
            "show": show,
            "theme": theme,
            "themes": list(Theme.objects.all()),
            "statuses": FeedbackItem.Status.choices,
            "crumbs": _crumbs("Feedback from providers"),
        },
    )


@capability_required(Capability.FEEDBACK_MANAGE)
def item_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record feedback: blank, or from an evaluation's or a survey's text answer
    (``?answer=`` / ``?survey_answer=``) or an enquiry (``?enquiry=``), prefilled and linked."""
    origin = selectors.feedback_origin(request.user, request.GET)
    form = FeedbackItemForm(request.POST or None, initial=origin.initial if origin else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = services.create_feedback_item(
            actor=request.user,
            text=data["text"],
            source=data["source"],
            received_on=data["received_on"],
            group=data["group"],
            themes=data["themes"],
            activity=origin.activity if origin else None,
            evaluation_answer=origin.evaluation_answer if origin else None,
            survey_answer=origin.survey_answer if origin else None,
            enquiry=origin.enquiry if origin else None,
        )
        messages.success(request, "Feedback recorded.")
        return redirect("feedback:item_detail", pk=item.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record feedback",
            "intro": f"From: {origin.describes}" if origin else "",
            "submit_label": "Record feedback",
            "cancel_url": reverse("feedback:item_list"),
            "crumbs": _crumbs(
                "Feedback from providers", reverse("feedback:item_list"), "Record feedback"
            ),
        },
    )


@capability_required(Capability.FEEDBACK_VIEW)
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One item: triage (themes, group), turn it into an action, record what we did."""
    item = selectors.get_feedback_item(pk)
    from engage.accounts.permissions import has_capability

    may_manage = has_capability(request.user, Capability.FEEDBACK_MANAGE)
    triage = TriageForm(item=item)
    action_form = ActionForm(initial={"title": ""})
    we_did = WeDidForm()
    if request.method == "POST":
        if not may_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Your role cannot build surveys and turn feedback into actions.")
        step = request.POST.get("step")
        try:
            if step == "triage":
                triage = TriageForm(request.POST, item=item)
                if triage.is_valid():
                    services.update_feedback_item(
                        actor=request.user,
                        item=item,
                        themes=triage.cleaned_data["themes"],
                        group=triage.cleaned_data["group"],
                        noted=triage.cleaned_data["noted"],
                    )
                    messages.success(request, "Feedback updated.")
                    return redirect("feedback:item_detail", pk=item.pk)
            elif step == "action":
                action_form = ActionForm(request.POST)
                if action_form.is_valid():
                    services.turn_into_action(
                        actor=request.user,
                        item=item,
                        title=action_form.cleaned_data["title"],
                        owner=action_form.cleaned_data["owner"],
                        due_on=action_form.cleaned_data["due_on"],
                    )
                    messages.success(request, "Action created.")
                    return redirect("feedback:item_detail", pk=item.pk)
            elif step == "done":
                we_did = WeDidForm(request.POST)
                if we_did.is_valid():
                    services.record_we_did(
                        actor=request.user, item=item, outcome=we_did.cleaned_data["outcome"]
                    )
                    messages.success(request, "Done: it now shows on “you said, we did”.")
                    return redirect("feedback:item_detail", pk=item.pk)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
    return render(
        request,
        "feedback/item_detail.html",
        {
            "item": item,
            "may_manage": may_manage,
            "triage": triage,
            "action_form": action_form,
            "we_did": we_did,
            "crumbs": _crumbs(
                "Feedback from providers", reverse("feedback:item_list"), f"Feedback {item.pk}"
            ),
        },
    )


def _yswd_context(request: HttpRequest) -> dict[str, Any]:
    group_id = request.GET.get("group", "")
    group = EngagementGroup.objects.filter(pk=int(group_id)).first() if group_id.isdigit() else None
    groups = (
        EngagementGroup.objects.filter(feedback_items__action__status="done")
        .distinct()
        .order_by("name")
    )
    return {
        "page": paginate(request, selectors.you_said_we_did(group)),
        "group": group,
        "groups": list(groups),
    }


EVENT_COST_SORTS = (
    SortOption("date", "Held on", ("starts_at",)),
    SortOption("title", "Event", ("title",)),
    SortOption("cost", "Cost", ("cost_pence",)),
    SortOption("attended", "Providers who came", ("attended",)),
    SortOption("per_attendee", "Cost per attendee", ("cost_per_attendee_pence",), nulls_last=True),
    SortOption("usefulness", "Usefulness", ("usefulness",), nulls_last=True),
)


def _pence_to_pounds(pence: Any) -> Any:
    return None if pence is None else round(pence / 100, 2)


EVENT_COST_EXPORT = (
    Column("Held on", lambda a: a.starts_at),
    Column("Event", lambda a: a.title),
    Column("Kind", lambda a: a.get_kind_display()),
    Column("Cost (£)", lambda a: _pence_to_pounds(a.cost_pence)),
    Column("Cost is", lambda a: "actual" if a.cost_is_actual else "estimate"),
    Column("Providers who came", lambda a: a.attended),
    Column("Cost per attendee (£)", lambda a: _pence_to_pounds(a.cost_per_attendee_pence)),
    Column("Mean usefulness (1-5)", lambda a: a.usefulness),
)


@capability_required(Capability.FEEDBACK_VIEW)
def event_costs(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """What held events cost per provider who came, beside how useful they found them: totals,
    a month-by-month chart with its table, and every event (sortable, paged, exportable)."""
    raw_months = request.GET.get("months", "")
    months = int(raw_months) if raw_months.isdigit() else costs.DEFAULT_PERIOD
    if months not in costs.PERIODS:
        months = costs.DEFAULT_PERIOD
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    since = costs.period_start(months)
    events = costs.held_events_with_costs(since, kind)
    ordered, sort = sort_queryset(request, events, EVENT_COST_SORTS, "-date")
    export_format = request.GET.get("export")
    if export_format in {"csv", "xlsx"}:
        return export_response(
            export_format, filename_stem="event-costs", columns=EVENT_COST_EXPORT, rows=ordered
        )
    return render(
        request,
        "feedback/event_costs.html",
        {
            "summary": costs.cost_summary(events, since),
            "page": paginate(request, ordered),
            "sort": sort,
            "months": months,
            "periods": costs.PERIODS,
            "kind": kind,
            "kinds": Kind.choices,
            "since": since,
            "crumbs": _crumbs("Cost and value of events"),
        },
    )


@capability_required(Capability.FEEDBACK_VIEW)
def you_said_we_did(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _yswd_context(request)
    return render(
        request,
        "feedback/you_said_we_did.html",
        {**context, "crumbs": _crumbs("You said, we did"), "portal": False},
    )


@capability_required(Capability.PORTAL_USE)
def portal_you_said_we_did(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_provider(request.user)
    return render(
        request, "feedback/you_said_we_did.html", {**_yswd_context(request), "portal": True}
    )
