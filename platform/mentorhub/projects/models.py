"""Projects: open-source ML project ideas, the skills they need and teach, applications,
teams, milestones and an activity log.

Names the matching engine reads (keep stable): ``Project`` (difficulty, hours_per_week,
duration_weeks, compute, seats, seats_taken, status, owner_id, champion_id,
last_activity_at, domains), ``ProjectSkill`` (one table; ``kind`` is "required" with a
``min_level`` 1..4, or "learn" with ``min_level`` NULL), ``ProjectMember`` and
``ProjectApplication``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import Base, UTCDateTime, link_table, utcnow
from ..profiles.models import Domain, Skill
from ..profiles.taxonomy import difficulties

DIFFICULTIES = difficulties()  # by name, easiest first, from seed/roadmap.yaml
COMPUTE = ("laptop_cpu", "one_gpu", "cluster")
COMPUTE_LABELS = {"laptop_cpu": "Laptop CPU", "one_gpu": "One GPU", "cluster": "Cluster"}
STATUSES = ("open", "in_progress", "completed", "archived")
STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "completed": "Completed", "archived": "Archived"}
# Statuses in which a project takes applications and shows up in the default listing.
ACTIVE_STATUSES = ("open", "in_progress")
SKILL_KINDS = ("required", "learn")
APPLICATION_STATUSES = ("pending", "accepted", "declined", "withdrawn")
MEMBER_ROLES = ("contributor", "maintainer", "reviewer")
# The milestones every team starts with: (key, title).
DEFAULT_MILESTONES = (
    ("first_pr", "First pull request merged"),
    ("baseline", "Baseline model"),
    ("evaluation", "Evaluation report"),
    ("demo", "Deployed demo"),
    ("writeup", "Write-up published"),
)

project_domains = link_table("project_domains", project_id="projects.id", domain_id="domains.id")


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= seats", name="seats_taken_range"),
        CheckConstraint(f"difficulty IN ({', '.join(repr(d) for d in DIFFICULTIES)})", name="difficulty_values"),
        CheckConstraint("compute IN ('laptop_cpu', 'one_gpu', 'cluster')", name="compute_values"),
        CheckConstraint("status IN ('open', 'in_progress', 'completed', 'archived')", name="status_values"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    repo_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    issues_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    difficulty: Mapped[str] = mapped_column(String(20), index=True)
    hours_per_week: Mapped[int] = mapped_column(SmallInteger)
    duration_weeks: Mapped[int] = mapped_column(SmallInteger)
    dataset_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    dataset_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    dataset_licence: Mapped[str | None] = mapped_column(String(60), nullable=True)
    compute: Mapped[str] = mapped_column(String(20), index=True)
    eval_metric: Mapped[str | None] = mapped_column(String(120), nullable=True)
    seats: Mapped[int] = mapped_column(SmallInteger)
    # Changed only by conditional UPDATEs in services (accept, leave, remove).
    seats_taken: Mapped[int] = mapped_column(SmallInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    is_stale: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    champion_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                     nullable=True, index=True)
    # A mentor who asked to champion the idea; the owner (or an admin) accepts or declines.
    champion_candidate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                               nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # by the moderators (reports)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    champion: Mapped[User | None] = relationship(foreign_keys=[champion_id])
    champion_candidate: Mapped[User | None] = relationship(foreign_keys=[champion_candidate_id])
    domains: Mapped[list[Domain]] = relationship(secondary=project_domains, order_by=Domain.name)
    skills: Mapped[list[ProjectSkill]] = relationship(back_populates="project", cascade="all, delete-orphan")
    members: Mapped[list[ProjectMember]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                        order_by="ProjectMember.joined_at")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                       order_by="Milestone.position")

    @property
    def free_seats(self) -> int:
        return max(0, self.seats - self.seats_taken)

    @property
    def required_skills(self) -> list[ProjectSkill]:
        return sorted((s for s in self.skills if s.kind == "required"), key=lambda s: s.skill.name)

    @property
    def learn_skills(self) -> list[ProjectSkill]:
        return sorted((s for s in self.skills if s.kind == "learn"), key=lambda s: s.skill.name)

    @property
    def compute_label(self) -> str:
        return COMPUTE_LABELS.get(self.compute, self.compute)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class ProjectSkill(Base):
    """A skill a project needs (kind "required", with min_level 1..4) or teaches (kind "learn")."""

    __tablename__ = "project_skills"
    __table_args__ = (
        UniqueConstraint("project_id", "skill_id", "kind"),
        CheckConstraint("kind IN ('required', 'learn')", name="kind_values"),
        CheckConstraint("min_level IS NULL OR min_level BETWEEN 1 AND 4", name="level_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    min_level: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)

    project: Mapped[Project] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()


class ProjectApplication(Base):
    __tablename__ = "project_applications"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'withdrawn')", name="status_values"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    project: Mapped[Project] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ProjectMember(Base):
    """A contributor on the team; each holds one seat. Owner and champion hold none."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="contributor")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Milestone(Base):
    """A step a team ticks. ``key`` names a default milestone; owners' own have key NULL."""

    __tablename__ = "project_milestones"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(30), nullable=True)
    title: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reached_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="milestones")
    reached_by: Mapped[User | None] = relationship()
    credits: Mapped[list[MilestoneCredit]] = relationship(cascade="all, delete-orphan")

    @property
    def is_reached(self) -> bool:
        return self.reached_at is not None


class MilestoneCredit(Base):
    """Who was on the team when a milestone was reached: their outcome on their profile."""

    __tablename__ = "project_milestone_credits"

    milestone_id: Mapped[int] = mapped_column(ForeignKey("project_milestones.id", ondelete="CASCADE"),
                                              primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class ProjectActivity(Base):
    __tablename__ = "project_activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    message: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
