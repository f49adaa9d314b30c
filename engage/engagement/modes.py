"""Modes of engagement and the mechanisms each one recommends (the review's "how").

One table, ``RECOMMENDED_MECHANISMS``, says which mechanisms suit which mode; the planning form
pre-selects from it, and choosing anything else needs a written reason. ``recommend_mode`` is
the logic of the mode guide: four questions in, a mode with its reasons out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Mode(models.TextChoices):
    INFORM = "inform", "Inform"
    CONSULT = "consult", "Consult"
    PARTICIPATE = "participate", "Participate"
    COLLABORATE = "collaborate", "Collaborate"


class Mechanism(models.TextChoices):
    NEWSLETTER = "newsletter", "Newsletter"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    SURVEY = "survey", "Survey"
    CONSULTATION_SESSION = "consultation-session", "Consultation session"
    FORUM_ITEM = "forum-item", "Forum item"
    WORKSHOP = "workshop", "Workshop"
    WORKING_GROUP = "working-group", "Co-production working group"
    OPEN_WORKSHOP = "open-workshop", "Open-ended workshop"


class Kind(models.TextChoices):
    """What sort of activity a planning record is."""

    EVENT = "event", "Provider event"
    WORKSHOP = "workshop", "Workshop"
    FORUM_MEETING = "forum-meeting", "Forum meeting"
    WORKING_GROUP = "working-group", "Working group meeting"
    BRIEFING = "briefing", "Briefing or webinar"
    CONSULTATION = "consultation", "Consultation"
    SURVEY = "survey", "Survey"
    NEWSLETTER_ITEM = "newsletter-item", "Newsletter item"
    MAILING = "mailing", "Email or letter"


#: Kinds where people meet at a time and place: these take registrations, send calendar
#: invitations and can clash with each other. The others (a newsletter item, a survey) do not.
GATHERING_KINDS: frozenset[str] = frozenset(
    {Kind.EVENT, Kind.WORKSHOP, Kind.FORUM_MEETING, Kind.WORKING_GROUP, Kind.BRIEFING}
)

#: Mode -> the mechanisms the review recommends for it, best first.
RECOMMENDED_MECHANISMS: dict[str, tuple[str, ...]] = {
    Mode.INFORM: (Mechanism.NEWSLETTER, Mechanism.EMAIL, Mechanism.LETTER),
    Mode.CONSULT: (Mechanism.SURVEY, Mechanism.CONSULTATION_SESSION),
    Mode.PARTICIPATE: (Mechanism.FORUM_ITEM, Mechanism.WORKSHOP),
    Mode.COLLABORATE: (Mechanism.WORKING_GROUP, Mechanism.OPEN_WORKSHOP),
}

#: Mechanism -> the kind of activity a new draft with it starts as.
KIND_FOR_MECHANISM: dict[str, str] = {
    Mechanism.NEWSLETTER: Kind.NEWSLETTER_ITEM,
    Mechanism.EMAIL: Kind.MAILING,
    Mechanism.LETTER: Kind.MAILING,
    Mechanism.SURVEY: Kind.SURVEY,
    Mechanism.CONSULTATION_SESSION: Kind.EVENT,
    Mechanism.FORUM_ITEM: Kind.FORUM_MEETING,
    Mechanism.WORKSHOP: Kind.WORKSHOP,
    Mechanism.WORKING_GROUP: Kind.WORKING_GROUP,
    Mechanism.OPEN_WORKSHOP: Kind.WORKSHOP,
}

MODE_DESCRIPTIONS: dict[str, str] = {
    Mode.INFORM: "Tell providers about something already decided.",
    Mode.CONSULT: "Seek providers' views, normally on a range of options or possible ways forward.",
    Mode.PARTICIPATE: "Work with providers to get the most shared input into solving a problem.",
    Mode.COLLABORATE: "Identify the issues with providers, then design the solutions together.",
}


def recommended_mechanisms(mode: str) -> tuple[str, ...]:
    """The mechanisms recommended for ``mode`` (none for an unknown mode)."""
    return RECOMMENDED_MECHANISMS.get(mode, ())


def is_recommended(mode: str, mechanism: str) -> bool:
    return mechanism in recommended_mechanisms(mode)


def is_gathering(kind: str) -> bool:
    return kind in GATHERING_KINDS


@dataclass(frozen=True)
class Recommendation:
    mode: Mode
    mechanisms: tuple[Mechanism, ...]
    reasons: tuple[str, ...]

    @property
    def kind(self) -> str:
        return KIND_FOR_MECHANISM[self.mechanisms[0]]


def recommend_mode(
    *,
    problem_clear: bool,
    answer_decided: bool,
    want_views_on_options: bool,
    design_together: bool,
) -> Recommendation:
    """The mode the guide recommends from its four answers, and why.

    Designing together, or a problem that is not yet clear, calls for collaboration (an
    exploratory, open-ended approach); an answer already decided only needs providers told;
    wanting views on options is consultation; otherwise providers participate in solving it.
    """
    reasons: list[str] = []
    if design_together or not problem_clear:
        if design_together:
            reasons.append("You want to design the answer together with providers.")
        if not problem_clear:
            reasons.append(
                "The problem is not yet clear, so it needs exploring with providers in an "
                "open-ended way before anyone proposes solutions."
            )
        mode = Mode.COLLABORATE
    elif answer_decided:
        reasons.append(
            "The answer is already decided: providers need to be told clearly, not asked. "
            "Asking for views on a settled decision breeds jadedness."
        )
        mode = Mode.INFORM
    elif want_views_on_options:
        reasons.append(
            "You have options and want providers' views on them before deciding: that is "
            "consultation."
        )
        mode = Mode.CONSULT
    else:
        reasons.append(
            "The problem is clear and the answer is open, but you are not bringing options: "
            "providers should take part in working it out."
        )
        mode = Mode.PARTICIPATE
    mechanisms = tuple(Mechanism(m) for m in RECOMMENDED_MECHANISMS[mode])
    return Recommendation(mode=mode, mechanisms=mechanisms, reasons=tuple(reasons))
