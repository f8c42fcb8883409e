"""The API's shapes (pydantic): what each operation takes and returns. spectree documents them
in the OpenAPI document and validates requests and responses against them."""
from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..db import MAX_DB_INT


class Shape(BaseModel):
    """Every shape of the API. pydantic builds a shape's validator the first time it is used, not
    as the app loads: most processes (the scheduler, every command) never serve the API."""

    model_config = ConfigDict(defer_build=True)


class In(Shape):
    """A request body: unknown members are refused, so a typo is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid")


class PersonRef(Shape):
    id: int
    name: str


class Named(Shape):
    slug: str
    name: str


class LevelledSkill(Named):
    level: int


class TokenInfo(Shape):
    name: str
    scope: str
    expires_at: datetime


class Me(Shape):
    id: int
    name: str
    email: str
    timezone: str
    is_admin: bool
    is_organiser: bool
    is_mentor: bool
    has_learner_profile: bool
    token: TokenInfo


class MentorProfileOut(Shape):
    user: PersonRef
    headline: str
    bio: str
    years_experience: int
    current_role: str | None
    capacity: int
    is_accepting: bool
    session_minutes: int
    skills: list[LevelledSkill]
    domains: list[Named]


class LearnerProfileOut(Shape):
    headline: str
    background: str
    goals: str
    target_track: str
    stage: str
    hours_per_week: int
    skills: list[LevelledSkill]
    wanted_skills: list[Named]
    domains: list[Named]


class PersonOut(Shape):
    id: int
    name: str
    timezone: str
    mentor: MentorProfileOut | None
    learner: LearnerProfileOut | None


class MentorPage(Shape):
    items: list[MentorProfileOut]
    next_cursor: str | None


class MatchQuery(Shape):
    k: int | None = Field(None, ge=1, description="how many (MATCH_TOP_K by default, at most MATCH_TOP_K_MAX)")
    domain: str | None = Field(None, max_length=60, description="a domain slug")


class MatchOut(Shape):
    score: float
    components: dict[str, float]
    reason: str
    teach_skills: list[str]
    shared_skills: list[str]
    missing_skills: list[str]
    shared_domains: list[str]
    overlap_hours: float
    overlap_windows: list[str]
    mentor: PersonRef | None = None
    project: PersonRef | None = Field(None, description="the project's id and title")


class MatchList(Shape):
    items: list[MatchOut]


class RequestOut(Shape):
    id: int
    learner: PersonRef
    mentor: PersonRef
    status: str
    goals: str
    background: str
    expectations: str
    cadence: str
    decline_reason: str
    is_offer: bool
    created_at: datetime
    responded_at: datetime | None
    closed_at: datetime | None


class RequestPage(Shape):
    items: list[RequestOut]
    next_cursor: str | None


class RequestCreate(In):
    mentor_id: int = Field(ge=1, le=MAX_DB_INT)
    goals: str
    background: str = ""
    expectations: str = ""
    cadence: str = "biweekly"


class DeclineBody(In):
    reason: str = ""


class MentorshipOut(Shape):
    id: int
    learner: PersonRef
    mentor: PersonRef
    status: str
    cadence: str
    started_at: datetime
    ended_at: datetime | None
    next_checkin_at: datetime | None


class MentorshipPage(Shape):
    items: list[MentorshipOut]
    next_cursor: str | None


class SessionOut(Shape):
    id: int
    mentorship_id: int
    learner: PersonRef
    mentor: PersonRef
    starts_at: datetime
    ends_at: datetime
    status: str
    agenda: str
    meeting_url: str


class SessionPage(Shape):
    items: list[SessionOut]
    next_cursor: str | None


class BookBody(In):
    starts_at: AwareDatetime = Field(description="one of the mentorship's free slots, with its UTC offset")
    agenda: str = ""


class Slot(Shape):
    starts_at: datetime
    ends_at: datetime


class SlotList(Shape):
    items: list[Slot]


class CheckInOut(Shape):
    id: int
    mentorship_id: int
    due_at: datetime
    status: str
    progress: str
    blockers: str
    next_steps: str
    mentor_response: str
    submitted_at: datetime | None


class CheckInPage(Shape):
    items: list[CheckInOut]
    next_cursor: str | None


class CheckInBody(In):
    progress: str
    blockers: str = ""
    next_steps: str = ""


class ProjectSkillOut(Named):
    kind: str
    min_level: int | None


class ProjectOut(Shape):
    id: int
    title: str
    summary: str
    difficulty: str
    status: str
    seats: int
    seats_taken: int
    hours_per_week: int
    duration_weeks: int
    repo_url: str | None
    owner: PersonRef
    domains: list[Named]
    skills: list[ProjectSkillOut]
    last_activity_at: datetime


class ProjectPage(Shape):
    items: list[ProjectOut]
    next_cursor: str | None


class ApplicationOut(Shape):
    id: int
    project: PersonRef = Field(description="the project's id and title")
    status: str
    motivation: str
    decision_reason: str | None
    created_at: datetime
    decided_at: datetime | None


class ApplicationPage(Shape):
    items: list[ApplicationOut]
    next_cursor: str | None


class ApplyBody(In):
    motivation: str


class EventOut(Shape):
    id: int
    title: str
    description: str
    format: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    going_count: int
    is_cancelled: bool
    organiser_id: int
    domains: list[Named]


class EventPage(Shape):
    items: list[EventOut]
    next_cursor: str | None


class RsvpBody(In):
    going: bool


class RsvpOut(Shape):
    event_id: int
    status: str


class ItemOut(Shape):
    id: int
    owner: PersonRef
    title: str
    summary: str
    repo_url: str | None
    demo_url: str | None
    visibility: str
    status: str
    version: int
    skills: list[Named]
    created_at: datetime
    updated_at: datetime


class ItemPage(Shape):
    items: list[ItemOut]
    next_cursor: str | None


class ReviewOut(Shape):
    id: int
    item_id: int
    reviewer: PersonRef
    summary: str
    next_step: str
    is_helpful: bool
    created_at: datetime


class ReviewList(Shape):
    items: list[ReviewOut]


class NotificationOut(Shape):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Shape):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationQuery(Shape):
    model_config = ConfigDict(extra="ignore")

    cursor: str | None = Field(None, max_length=40)
    limit: int | None = Field(None, ge=1, description="items per page (API_PAGE_SIZE by default, at most API_PAGE_SIZE_MAX)")
    unread: bool = False
