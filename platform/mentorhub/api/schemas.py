"""The API's shapes (pydantic): what each operation takes and returns. spectree documents them
in the OpenAPI document and validates requests and responses against them."""
from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..db import MAX_DB_INT


class In(BaseModel):
    """A request body: unknown members are refused, so a typo is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid")


class PersonRef(BaseModel):
    id: int
    name: str


class Named(BaseModel):
    slug: str
    name: str


class LevelledSkill(Named):
    level: int


class TokenInfo(BaseModel):
    name: str
    scope: str
    expires_at: datetime


class Me(BaseModel):
    id: int
    name: str
    email: str
    timezone: str
    is_admin: bool
    is_organiser: bool
    is_mentor: bool
    has_learner_profile: bool
    token: TokenInfo


class MentorProfileOut(BaseModel):
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


class LearnerProfileOut(BaseModel):
    headline: str
    background: str
    goals: str
    target_track: str
    stage: str
    hours_per_week: int
    skills: list[LevelledSkill]
    wanted_skills: list[Named]
    domains: list[Named]


class PersonOut(BaseModel):
    id: int
    name: str
    timezone: str
    mentor: MentorProfileOut | None
    learner: LearnerProfileOut | None


class MentorPage(BaseModel):
    items: list[MentorProfileOut]
    next_cursor: str | None


class MatchQuery(BaseModel):
    k: int | None = Field(None, ge=1, description="how many (MATCH_TOP_K by default, at most MATCH_TOP_K_MAX)")
    domain: str | None = Field(None, max_length=60, description="a domain slug")


class MatchOut(BaseModel):
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


class MatchList(BaseModel):
    items: list[MatchOut]


class RequestOut(BaseModel):
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


class RequestPage(BaseModel):
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


class MentorshipOut(BaseModel):
    id: int
    learner: PersonRef
    mentor: PersonRef
    status: str
    cadence: str
    started_at: datetime
    ended_at: datetime | None
    next_checkin_at: datetime | None


class MentorshipPage(BaseModel):
    items: list[MentorshipOut]
    next_cursor: str | None


class SessionOut(BaseModel):
    id: int
    mentorship_id: int
    learner: PersonRef
    mentor: PersonRef
    starts_at: datetime
    ends_at: datetime
    status: str
    agenda: str
    meeting_url: str


class SessionPage(BaseModel):
    items: list[SessionOut]
    next_cursor: str | None


class BookBody(In):
    starts_at: AwareDatetime = Field(description="one of the mentorship's free slots, with its UTC offset")
    agenda: str = ""


class Slot(BaseModel):
    starts_at: datetime
    ends_at: datetime


class SlotList(BaseModel):
    items: list[Slot]


class CheckInOut(BaseModel):
    id: int
    mentorship_id: int
    due_at: datetime
    status: str
    progress: str
    blockers: str
    next_steps: str
    mentor_response: str
    submitted_at: datetime | None


class CheckInPage(BaseModel):
    items: list[CheckInOut]
    next_cursor: str | None


class CheckInBody(In):
    progress: str
    blockers: str = ""
    next_steps: str = ""


class ProjectSkillOut(Named):
    kind: str
    min_level: int | None


class ProjectOut(BaseModel):
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


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    next_cursor: str | None


class ApplicationOut(BaseModel):
    id: int
    project: PersonRef = Field(description="the project's id and title")
    status: str
    motivation: str
    decision_reason: str | None
    created_at: datetime
    decided_at: datetime | None


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None


class ApplyBody(In):
    motivation: str


class EventOut(BaseModel):
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


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class RsvpBody(In):
    going: bool


class RsvpOut(BaseModel):
    event_id: int
    status: str


class ItemOut(BaseModel):
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


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None


class ReviewOut(BaseModel):
    id: int
    item_id: int
    reviewer: PersonRef
    summary: str
    next_step: str
    is_helpful: bool
    created_at: datetime


class ReviewList(BaseModel):
    items: list[ReviewOut]


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    cursor: str | None = Field(None, max_length=40)
    limit: int | None = Field(None, ge=1, description="items per page (API_PAGE_SIZE by default, at most API_PAGE_SIZE_MAX)")
    unread: bool = False
