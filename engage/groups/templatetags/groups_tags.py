"""Tags of the groups pages: the terms-of-reference and status tags, Markdown, maturity levels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from engage.accounts.permissions import Capability
from engage.core.listing import as_html
from engage.core.markdown import render_markdown
from engage.engagement.models import Activity
from engage.groups.models import (
    ActionStatus,
    GroupKind,
    GroupStatus,
    ItemStatus,
    MaturityLevel,
    TermsOfReference,
    TermsState,
)

register = template.Library()

_TERMS_COLOURS = {
    TermsState.CURRENT: "green",
    TermsState.REVIEW_OVERDUE: "orange",
    TermsState.NONE: "red",
}
_STATUS_COLOURS = {
    GroupStatus.PROPOSED: "blue",
    GroupStatus.ACTIVE: "green",
    GroupStatus.PAUSED: "yellow",
    GroupStatus.CLOSED: "grey",
}
_VERSION_COLOURS = {
    TermsOfReference.Status.DRAFT: "blue",
    TermsOfReference.Status.APPROVED: "green",
    TermsOfReference.Status.SUPERSEDED: "grey",
}


def _tag(label: str, colour: str) -> SafeString:
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def terms_tag(state: Any) -> SafeString:
    """A group's terms of reference state as a coloured tag."""
    value = TermsState(state or TermsState.NONE)
    return _tag(value.label, _TERMS_COLOURS[value])


@register.simple_tag
def group_status_tag(status: str) -> SafeString:
    value = GroupStatus(status)
    return _tag(value.label, _STATUS_COLOURS[value])


@register.simple_tag
def version_status_tag(status: str) -> SafeString:
    value = TermsOfReference.Status(status)
    return _tag(value.label, _VERSION_COLOURS[value])


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown as sanitised GOV.UK-styled HTML (see ``engage.core.markdown``)."""
    return render_markdown(text, id_prefix="terms-")


@register.filter
def maturity_level(score: int | None) -> str:
    """The name of a score: 3 → "3 – Established"."""
    if score is None:
        return ""
    return str(MaturityLevel(int(score)).label)


_ITEM_COLOURS = {
    ItemStatus.PROPOSED: "blue",
    ItemStatus.ACCEPTED: "turquoise",
    ItemStatus.SCHEDULED: "purple",
    ItemStatus.DONE: "green",
    ItemStatus.DECLINED: "grey",
}
_ACTION_COLOURS = {
    ActionStatus.OPEN: "blue",
    ActionStatus.IN_PROGRESS: "yellow",
    ActionStatus.DONE: "green",
    ActionStatus.DROPPED: "grey",
}


@register.simple_tag
def item_status_tag(status: str) -> SafeString:
    """A forward plan item's status as a tag (the words carry the meaning, not the colour)."""
    value = ItemStatus(status)
    return _tag(value.label, _ITEM_COLOURS[value])


@register.simple_tag
def action_status_tag(action: Any, today: Any = None) -> SafeString:
    """An action's status as a tag; "Overdue" when open past its due date."""
    return action_tag_of(action.status, overdue=today is not None and action.is_overdue(today))


def action_tag_of(status: str, *, overdue: bool) -> SafeString:
    """``action_status_tag`` of an action of ``status``, overdue or not."""
    if overdue:
        return _tag("Overdue", "red")
    value = ActionStatus(status)
    return _tag(value.label, _ACTION_COLOURS[value])


@register.filter
def notes_markdown(text: str) -> SafeString:
    """Meeting notes as sanitised HTML, with heading ids kept apart from the page's."""
    return render_markdown(text, id_prefix="notes-")


@register.simple_tag
def register_rows(groups: Iterable[Any]) -> SafeString:
    """The rows of the groups register, written in Python rather than by the template (a
    dozen variables, filters and tags per row cost more to resolve than to format here). The
    markup is what the template wrote; ``format_html`` escapes as the template did."""
    # The group's address, reversed once: the primary key is the only part that changes.
    detail = reverse("groups:group_detail", args=[0]).removesuffix("0/")
    return SafeString("".join(f"\n  {_register_row(group, detail)}\n  " for group in groups))


def _register_row(group: Any, detail: str) -> SafeString:
    terms_state = TermsState(group.terms_state or TermsState.NONE)
    terms = ""
    if group.terms_version:
        review = "was due" if group.terms_state == TermsState.REVIEW_OVERDUE else "by"
        terms = format_html(
            '<br><span class="govuk-body-s">Version {}, review {} {}</span>',
            group.terms_version,
            review,
            _short_date(group.terms_review_due),
        )
    draft = ""
    if group.terms_draft_version:
        draft = format_html(
            '<br><span class="govuk-body-s">Draft version {} in progress</span>',
            group.terms_draft_version,
        )
    average = group.latest_maturity_average
    if average is not None:
        maturity = format_html(
            '<strong>{}</strong><span class="govuk-visually-hidden"> out of 4</span><br>'
            '<span class="govuk-body-s">{}</span>',
            average,
            _short_date(group.maturity_assessed_on),
        )
    else:
        maturity = SafeString("Not assessed")
    status = GroupStatus(group.status)
    return format_html(
        '<tr class="govuk-table__row">\n'
        '    <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br>'
        '<span class="govuk-body-s govuk-!-margin-0">{}</span></td>\n'
        '    <td class="govuk-table__cell">{}</td>\n'
        '    <td class="govuk-table__cell">{}</td>\n'
        '    <td class="govuk-table__cell">\n'
        "      {}\n"
        "      {}\n"
        "      {}\n"
        "    </td>\n"
        '    <td class="govuk-table__cell">{}</td>\n'
        '    <td class="govuk-table__cell">{}</td>\n'
        '    <td class="govuk-table__cell">{}</td>\n'
        '    <td class="govuk-table__cell">{}</td>\n'
        "  </tr>",
        f"{detail}{group.pk}/",
        group.name,
        GroupKind(group.kind).label,
        group.locality.name if group.locality is not None and group.locality.name else "All",
        group.owner.user.full_name,
        _tag(terms_state.label, _TERMS_COLOURS[terms_state]),
        terms,
        draft,
        maturity,
        group.figures.last_12_months_label,
        group.figures.next_meeting_label,
        _tag(status.label, _STATUS_COLOURS[status]),
    )


def _short_date(value: Any) -> str:
    """A date as the template's ``date:"j M Y"`` writes it ("" for none)."""
    return f"{value:%-d %b %Y}" if value else ""


_MEETING_STATUS_COLOURS = {
    Activity.Status.CANCELLED: "govuk-tag--red",
    Activity.Status.PUBLISHED: "govuk-tag--blue",
    Activity.Status.HELD: "govuk-tag--green",
    Activity.Status.EVALUATED: "govuk-tag--green",
    Activity.Status.CLOSED: "govuk-tag--green",
}


@register.simple_tag(takes_context=True)
def meeting_rows(
    context: template.Context, meetings: Iterable[Any], show_attendance: bool = False
) -> SafeString:
    """The rows of a group's table of meetings (``selectors.group_meetings``), written in
    Python rather than by an included template per row; the markup is what that template
    wrote. With ``show_attendance``, those who plan activities get a link to each held or
    planned meeting's attendance."""
    may_take_attendance = show_attendance and getattr(
        context.get("can"), Capability.ACTIVITY_PROPOSE.value, False
    )
    # The addresses, reversed once: the primary key is the only part that changes.
    meeting_url = reverse("groups:meeting", args=[0]).removesuffix("0/")
    sessions_url = reverse("groups:meeting_sessions", args=[0]).removesuffix("0/sessions/")
    attendance_url = reverse("engagement:attendance", args=[0])
    attendance_stem, attendance_tail = attendance_url.rsplit("/0/", 1)
    rows = []
    for meeting in meetings:
        activity = meeting.activity
        starts_at = timezone.localtime(activity.starts_at)
        ends_at = timezone.localtime(activity.ends_at)
        day = f"{starts_at:%-d %b %Y}"
        status = activity.status
        if activity.venue is not None:
            where = format_html("{}", activity.venue.name)
        elif activity.online_link:
            where = SafeString("Online")
        else:
            where = SafeString("To be confirmed")
        attendance = ""
        if may_take_attendance and status not in (
            Activity.Status.CANCELLED,
            Activity.Status.DRAFT,
        ):
            attendance = format_html(
                '<br><a class="govuk-link govuk-body-s" href="{}/{}/{}">Attendance'
                '<span class="govuk-visually-hidden"> at the meeting of {}</span></a>',
                attendance_stem,
                activity.pk,
                attendance_tail,
                day,
            )
        count = meeting.session_count
        sessions = f"{count} session{'' if count == 1 else 's'}" if count else "None"
        rows.append(
            format_html(
                '\n<tr class="govuk-table__row">\n'
                '  <td class="govuk-table__cell"><a class="govuk-link" href="{}{}/">{}'
                '<span class="govuk-visually-hidden">: agenda, notes and actions of the meeting'
                '</span></a><br><span class="govuk-body-s">{} to {}</span></td>\n'
                '  <td class="govuk-table__cell">{}</td>\n'
                '  <td class="govuk-table__cell"><strong class="govuk-tag {}">{}</strong>\n'
                "    {}</td>\n"
                '  <td class="govuk-table__cell"><a class="govuk-link" href="{}{}/sessions/">{}'
                '<span class="govuk-visually-hidden"> of the meeting of {}</span></a></td>\n'
                "</tr>\n\n",
                meeting_url,
                meeting.pk,
                day,
                f"{starts_at:%H:%M}",
                f"{ends_at:%H:%M}",
                where,
                _MEETING_STATUS_COLOURS.get(status, "govuk-tag--grey"),
                Activity.Status(status).label,
                attendance,
                sessions_url,
                meeting.pk,
                sessions,
                day,
            )
        )
    return SafeString("".join(rows))


@register.simple_tag
def standards_rows(rows: Iterable[tuple[Any, Any]]) -> SafeString:
    """The rows of the standards page, one per (group, ``standards.Compliance``), written in
    Python rather than by the template; the markup is what the template wrote."""
    detail = reverse("groups:group_detail", args=[0]).removesuffix("0/")
    out = []
    for group, compliance in rows:
        kind = GroupKind(group.kind).label
        where = format_html("{}, {}", kind, group.locality.name) if group.locality else kind
        percent = compliance.percent
        score = format_html(
            "<strong>{} of {}</strong>{}",
            compliance.met,
            compliance.measured,
            format_html('<br><span class="govuk-body-s">{}%</span>', percent)
            if percent is not None
            else "",
        )
        failing = compliance.failing
        if failing:
            items = SafeString(
                "".join(
                    format_html(
                        '<li><strong>{}:</strong> <span class="govuk-body-s">{}</span></li>',
                        result.title,
                        result.reason,
                    )
                    for result in failing
                )
            )
            standing = format_html(
                '\n      <ul class="govuk-list govuk-!-margin-bottom-0">\n      {}\n      </ul>\n      ',
                items,
            )
        elif compliance.measured:
            standing = SafeString("Every measured standard is met")
        else:
            standing = SafeString("Nothing measured yet")
        out.append(
            format_html(
                '\n  <tr class="govuk-table__row">\n'
                '    <td class="govuk-table__cell"><a class="govuk-link" href="{}{}/">{}</a><br>'
                '<span class="govuk-body-s">{}</span></td>\n'
                '    <td class="govuk-table__cell">{}</td>\n'
                '    <td class="govuk-table__cell">\n'
                "      {}\n"
                "    </td>\n"
                "  </tr>\n  ",
                detail,
                group.pk,
                group.name,
                where,
                score,
                standing,
            )
        )
    return SafeString("".join(out))


#: A standard's outcome as the compliance panel tags it, and what the template wrote after the
#: tag (the ``{% if %}`` branches kept their line break, the last one did not).
_OUTCOME_TAGS = {
    "met": '<strong class="govuk-tag govuk-tag--green">Met</strong>\n      ',
    "not-met": '<strong class="govuk-tag govuk-tag--red">Not met</strong>\n      ',
    "not-measured": '<strong class="govuk-tag govuk-tag--grey">Not measured</strong>\n      ',
}
_OTHER_OUTCOME_TAG = '<strong class="govuk-tag govuk-tag--grey">Does not apply</strong>'


@register.simple_tag
def compliance_items(results: Iterable[Any]) -> SafeString:
    """The items of a group's compliance panel, one per ``standards.StandardResult``, written
    in Python rather than by the template; the markup is what the template wrote."""
    return SafeString(
        "".join(
            "\n    <li>\n      "
            + _OUTCOME_TAGS.get(str(result.outcome), _OTHER_OUTCOME_TAG)
            + '\n      <span class="govuk-body govuk-!-font-weight-bold govuk-!-display-block'
            ' govuk-!-margin-top-1 govuk-!-margin-bottom-0">'
            + as_html(result.title)
            + '</span>\n      <span class="govuk-body-s govuk-!-display-block">'
            + as_html(result.reason)
            + "</span>\n    </li>\n  "
            for result in results
        )
    )


@register.simple_tag
def maturity_rows(trend: Any) -> SafeString:
    """The rows of a group's table of scores by assessment (``selectors.MaturityTrend``), one
    per dimension and one for the average, written in Python rather than by the template; the
    markup is what the template wrote."""
    out = []
    for row in trend.table_rows():
        dimension = row["dimension"]
        if dimension:
            heading = (
                f'<abbr title="{as_html(dimension.label)}">{as_html(dimension.short_label)}</abbr>'
            )
        else:
            heading = "Average"
        cells = "".join(
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{as_html(value)}</td>'
            for value in row["values"]
        )
        average = " engage-maturity-table__average" if row["is_average"] else ""
        out.append(
            f'\n      <tr class="govuk-table__row{average}">\n'
            f'        <th scope="row" class="govuk-table__header">{heading}</th>\n'
            f"        {cells}\n"
            "      </tr>\n      "
        )
    return SafeString("".join(out))
