"""The demo community: deterministic mentors and learners across many time zones.

``load_demo`` is idempotent (people are found by email; a second run adds nothing) and
deterministic (fixed seeds for random and Faker). ``load_scale`` bulk-inserts N learners and
N/5 mentors for benchmarks with Core ``insert()`` executemany batches.
"""
from __future__ import annotations

import random
from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import func, insert, select, text

from ..accounts.demo import DEMO_PASSWORD
from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..db import db, utcnow
from ..generations import taxonomy_changed
from ..lazyimport import lazy_module
from .models import (
    AvailabilityWindow,
    Domain,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
    MentorSkill,
    Skill,
    learner_domains,
    learner_wanted_skills,
    mentor_domains,
)
from .queries import learner_profile_of, mentor_profile_of
from .services import write_learner, write_mentor
from .taxonomy import load_taxonomy, stages, tracks

# Only `flask seed` uses them.
faker = lazy_module("faker")
tqdm = lazy_module("tqdm")

SEED = 20240219
DEMO_MENTORS = 44
DEMO_LEARNERS = 210
DEMO_DOMAIN = "demo.mentorhub.test"
# (zone, Faker locale) — names to fit the place, and at least 8 zones
ZONES = [
    ("Europe/Berlin", "de_DE"), ("Europe/London", "en_GB"), ("America/New_York", "en_US"),
    ("America/Los_Angeles", "en_US"), ("America/Sao_Paulo", "pt_BR"), ("Asia/Kolkata", "en_IN"),
    ("Asia/Tokyo", "ja_JP"), ("Australia/Sydney", "en_AU"), ("Africa/Lagos", "en_US"),
    ("Europe/Madrid", "es_ES"), ("Asia/Singapore", "en_US"), ("America/Mexico_City", "es_MX"),
]
ROLES = ["ML engineer", "Senior ML engineer", "MLOps engineer", "Data scientist", "Applied scientist",
         "Research engineer", "Staff software engineer", "Machine learning architect", "Analytics engineer"]
COMPANIES = ["a payments start-up", "a public broadcaster", "a logistics firm", "a hospital group",
             "an online retailer", "a climate-data non-profit", "a bank", "a game studio", "a university lab"]
LEARNER_HEADLINES = [
    "{bg} moving into {track} work", "{bg}, learning {skill} through projects", "Building my first {domain} project",
    "{bg} aiming for a {track} role", "Getting out of tutorial mode: shipping {domain} projects",
]
GOALS = [
    "Ship one end-to-end {domain} project with a deployed model, and get honest feedback on it.",
    "Stop collecting courses and build something with {skill} that other people can use.",
    "Understand {skill} well enough to explain it in an interview, and show it in my portfolio.",
    "Move from notebooks to a model served behind an API, with monitoring.",
    "Find a mentor who can review my {domain} work every two weeks.",
]
BIOS = [
    "I work on {domain} systems at {company}. Happy to review code, talk through design choices "
    "and help you pick projects that show real skill.",
    "I came into ML from {origin}, so I know the detours. I focus on getting your first models into production.",
    "Most of my week is {skill} and the plumbing around it. I like mentoring people who learn by building.",
    "I have interviewed many ML candidates and can help you prepare a portfolio that stands out.",
]
BACKGROUNDS = ["software_engineer", "data_analyst", "academic_researcher", "student", "other"]
BACKGROUND_LABEL = {"software_engineer": "Software engineer", "data_analyst": "Data analyst",
                    "academic_researcher": "Researcher", "student": "Student", "other": "Career changer"}
EVENING_SLOTS = [(18 * 60, 20 * 60), (19 * 60, 21 * 60), (20 * 60, 22 * 60), (7 * 60, 8 * 60 + 30),
                 (12 * 60, 13 * 60), (17 * 60 + 30, 19 * 60)]
WEEKEND_SLOTS = [(9 * 60, 12 * 60), (10 * 60, 13 * 60), (14 * 60, 17 * 60), (16 * 60, 18 * 60)]
# Mentors written for the demo learner (Berlin evenings; wants Docker, model deployment and PyTorch;
# tabular data and NLP): her best matches share free time, a domain and the skills she wants.
# (email local part, name, zone, headline, bio, skills, domains, windows in the mentor's zone)
SHOWCASE_MENTORS = [
    ("guide-1", "Jonas Albrecht", "Europe/Berlin", "MLOps engineer, model deployment for tabular data",
     "I deploy churn and fraud models behind APIs and monitor them once they are live. I like reviewing "
     "deployment plans and Docker set-ups.",
     {"docker": 4, "model-deployment": 4, "pytorch": 3, "python": 4, "mlflow": 3},
     ["tabular-data", "nlp"], [(1, 18 * 60, 20 * 60), (3, 18 * 60, 20 * 60)]),
    ("guide-2", "Priya Natarajan", "Europe/London", "ML engineer, NLP models in production",
     "I serve NLP models with PyTorch and Docker and help people move a model from a notebook to an API.",
     {"pytorch": 4, "docker": 4, "model-deployment": 3, "python": 4},
     ["nlp", "tabular-data"], [(1, 17 * 60, 19 * 60), (5, 9 * 60, 11 * 60)]),
    ("guide-3", "Lucía Ferrer", "Europe/Madrid", "Senior data scientist, from notebooks to deployment",
     "I came from data analysis too. I mentor analysts who want to deploy and monitor their first model.",
     {"model-deployment": 4, "docker": 3, "pytorch": 3, "scikit-learn": 4},
     ["tabular-data"], [(3, 18 * 60, 20 * 60), (5, 10 * 60, 12 * 60)]),
]


def _load_showcase(password_hash: str) -> int:
    added = 0
    for local, name, tz, headline, bio, skills, domains, windows in SHOWCASE_MENTORS:
        email = f"{local}@{DEMO_DOMAIN}"
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        user = User(email=email, display_name=name, password_hash=password_hash, timezone=tz)
        db.session.add(user)
        db.session.flush()
        write_mentor(user, {"headline": headline, "bio": bio, "current_role": headline.split(",")[0],
                            "years_experience": 8, "capacity": 3, "is_accepting": True, "session_minutes": 45,
                            "skills": skills, "domains": domains, "windows": windows, "timezone": tz})
        added += 1
    return added


def _windows(rng: random.Random) -> list[tuple[int, int, int]]:
    out = []
    for day in sorted(rng.sample(range(5), rng.randint(1, 3))):
        start, end = rng.choice(EVENING_SLOTS)
        out.append((day, start, end))
    if rng.random() < 0.6:
        start, end = rng.choice(WEEKEND_SLOTS)
        out.append((rng.choice((5, 6)), start, end))
    return out


class _Taxa:
    def __init__(self):
        self.skills = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.is_retired.is_(False)))}
        self.domains = {d.slug: d for d in db.session.scalars(select(Domain).where(Domain.is_retired.is_(False)))}
        self.skill_slugs = sorted(self.skills)
        self.domain_slugs = sorted(self.domains)
        self.tracks = [t for t in tracks() if t["slug"] != "other"] or tracks()
        self.stages = stages()


def _learner_skills(rng: random.Random, tx: _Taxa, stage_index: int, track: dict) -> tuple[dict, list]:
    covered = [s for st in tx.stages[:stage_index + 1] for s in st["skills"] if s in tx.skills]
    levels = {}
    for slug in rng.sample(covered, min(len(covered), rng.randint(3, 7))):
        levels[slug] = rng.randint(1, min(4, 2 + stage_index // 2))
    expected = [s for s in track["skills"] if s in tx.skills and s not in levels]
    wanted = rng.sample(expected, min(len(expected), rng.randint(1, 4)))
    return levels, wanted


def _mentor_skills(rng: random.Random, tx: _Taxa, track: dict) -> dict:
    base = [s for s in track["skills"] if s in tx.skills]
    picks = rng.sample(base, min(len(base), rng.randint(4, 7)))
    picks += rng.sample(tx.skill_slugs, 2)
    return {slug: rng.randint(3, 4) for slug in dict.fromkeys(picks)}


def _learner_data(rng, fake, tx: _Taxa, tz: str) -> dict:
    stage_index = rng.randrange(len(tx.stages))
    track = rng.choice(tx.tracks)
    skills, wanted = _learner_skills(rng, tx, stage_index, track)
    domains = rng.sample(tx.domain_slugs, rng.randint(1, 3))
    background = rng.choice(BACKGROUNDS)
    names = {"bg": BACKGROUND_LABEL[background], "track": track["name"], "skill": tx.skills[wanted[0]].name
             if wanted else "Python", "domain": tx.domains[domains[0]].name}
    return {
        "headline": rng.choice(LEARNER_HEADLINES).format(**names)[:120],
        "background": background, "goals": rng.choice(GOALS).format(**names),
        "target_track": track["slug"], "stage": tx.stages[stage_index]["slug"],
        "hours_per_week": rng.choice((3, 4, 5, 6, 8, 10, 12, 15)),
        "skills": skills, "wanted": wanted, "domains": domains, "windows": _windows(rng), "timezone": tz,
        "github_url": f"https://github.com/{fake.user_name()}" if rng.random() < 0.5 else None,
    }


def _mentor_data(rng, fake, tx: _Taxa, tz: str) -> dict:
    track = rng.choice(tx.tracks)
    domains = rng.sample(tx.domain_slugs, rng.randint(1, 3))
    skills = _mentor_skills(rng, tx, track)
    role = rng.choice(ROLES)
    names = {"domain": tx.domains[domains[0]].name.lower(), "company": rng.choice(COMPANIES),
             "origin": rng.choice(("physics", "web development", "finance", "biology", "teaching")),
             "skill": tx.skills[next(iter(skills))].name}
    return {
        "headline": f"{role} at {names['company']}"[:120], "bio": rng.choice(BIOS).format(**names),
        "years_experience": rng.randint(3, 20), "current_role": role,
        "capacity": rng.choice((1, 2, 2, 3, 3, 4, 5)), "is_accepting": rng.random() < 0.8,
        "session_minutes": rng.choice((30, 45, 60, 60, 90)), "skills": skills, "domains": domains,
        "windows": _windows(rng), "timezone": tz,
        "linkedin_url": f"https://www.linkedin.com/in/{fake.user_name()}" if rng.random() < 0.6 else None,
    }


def load_demo() -> dict:
    """Demo mentors and learners, plus profiles for the demo logins. Returns counts of what was added."""

    load_taxonomy()
    tx = _Taxa()
    rng = random.Random(SEED)
    fakers = {}
    for _zone, locale in ZONES:
        if locale not in fakers:
            fakers[locale] = faker.Faker(locale)
            fakers[locale].seed_instance(SEED)
    added = {"mentors": 0, "learners": 0}
    password_hash = None
    existing = set(db.session.scalars(select(User.email).where(User.email.like(f"%@{DEMO_DOMAIN}"))))
    people = [("mentor", i) for i in range(1, DEMO_MENTORS + 1)] + [("learner", i) for i in range(1, DEMO_LEARNERS + 1)]
    for role, i in people:
        tz, locale = ZONES[(i * 7 + (0 if role == "learner" else 3)) % len(ZONES)]
        fake = fakers[locale]
        name = fake.name()  # drawn even when the person exists, so every run sees the same sequence
        data = (_mentor_data if role == "mentor" else _learner_data)(rng, fake, tx, tz)
        also_learns = role == "mentor" and i % 6 == 0
        learner_data = _learner_data(rng, fake, tx, tz) if also_learns else None
        email = f"{role}-{i:03d}@{DEMO_DOMAIN}"
        if email in existing:
            continue
        if password_hash is None:
            password_hash = hash_password(DEMO_PASSWORD)  # one scrypt hash for every demo person
        user = User(email=email, display_name=name[:80], password_hash=password_hash, timezone=tz)
        db.session.add(user)
        db.session.flush()
        if role == "mentor":
            write_mentor(user, data)
            added["mentors"] += 1
            if learner_data:
                learner_data.pop("windows")
                write_learner(user, learner_data)
        else:
            write_learner(user, data)
            added["learners"] += 1
    added["mentors"] += _load_showcase(password_hash or hash_password(DEMO_PASSWORD))
    # The demo logins (created by mentorhub/demo.py): a learner and a mentor, Berlin and New York.
    lena = db.session.scalar(select(User).where(User.email == "learner@mentorhub.test"))
    if lena is not None and learner_profile_of(lena) is None:
        write_learner(lena, {
            "headline": "Data analyst moving into ML engineering", "background": "data_analyst",
            "goals": "Deploy a churn model behind an API and learn to monitor it.",
            "target_track": "ml_engineer", "stage": "projects", "hours_per_week": 6, "languages": "Deutsch, English",
            "skills": {"python": 3, "sql": 3, "pandas": 3, "statistics": 2, "scikit-learn": 2},
            "wanted": ["docker", "model-deployment", "pytorch"], "domains": ["tabular-data", "nlp"],
            "windows": [(1, 18 * 60, 20 * 60), (3, 18 * 60, 20 * 60), (5, 10 * 60, 12 * 60)],
        })
    marco = db.session.scalar(select(User).where(User.email == "mentor@mentorhub.test"))
    if marco is not None and mentor_profile_of(marco) is None:
        write_mentor(marco, {
            "headline": "Senior ML engineer, deployment and MLOps", "current_role": "Senior ML engineer",
            "bio": "I help people get their first model into production and keep it healthy.",
            "years_experience": 11, "capacity": 3, "is_accepting": True, "session_minutes": 45,
            "skills": {"python": 4, "docker": 4, "model-deployment": 4, "mlflow": 3, "pytorch": 3, "aws": 3},
            "domains": ["tabular-data", "nlp", "recommender-systems"],
            "windows": [(1, 12 * 60, 14 * 60), (3, 12 * 60, 13 * 60), (4, 9 * 60, 11 * 60)],
            "pref_stages": ["projects", "deployment"], "languages": "English, Italiano",
        })
    db.session.commit()
    return added


# ---- seed --scale -------------------------------------------------------------------------------


def load_scale(n: int, seed: int = SEED, progress: bool = True) -> dict:
    """Insert ``n`` learners and ``n // 5`` mentors with skills, domains and availability.

    Bulk Core inserts with explicit ids (then the PostgreSQL sequences are moved past them);
    safe to run more than once (new people get new emails). Returns row counts.
    """
    if n <= 0:
        raise click.ClickException("--scale needs a positive number of learners")
    load_taxonomy()
    tx = _Taxa()
    rng = random.Random(seed)
    fake = faker.Faker()
    fake.seed_instance(seed)
    first = [fake.first_name() for _ in range(300)]
    last = [fake.last_name() for _ in range(300)]
    password = hash_password(DEMO_PASSWORD)
    batch = current_app.config["SCALE_BATCH_ROWS"]
    session = db.session
    base_user = (session.scalar(select(func.max(User.id))) or 0) + 1
    base_learner = (session.scalar(select(func.max(LearnerProfile.id))) or 0) + 1
    base_mentor = (session.scalar(select(func.max(MentorProfile.id))) or 0) + 1
    run = base_user  # makes emails unique across runs
    mentors = max(1, n // 5)
    total = n + mentors
    skill_ids = [tx.skills[s].id for s in tx.skill_slugs]
    domain_ids = [tx.domains[d].id for d in tx.domain_slugs]
    stage_slugs = [s["slug"] for s in tx.stages]
    track_slugs = [t["slug"] for t in tx.tracks]
    track_skill_ids = {t["slug"]: [tx.skills[s].id for s in t["skills"] if s in tx.skills] for t in tx.tracks}
    zones = [z for z, _ in ZONES]
    now = utcnow()
    counts = dict.fromkeys(("users", "learners", "mentors", "skills", "wanted", "domains", "windows"), 0)
    bar = tqdm.tqdm(total=total, unit="people", desc="seed --scale", disable=not progress)

    def person_rows(k: int):
        uid = base_user + k
        tz = zones[rng.randrange(len(zones))]
        user = {"id": uid, "email": f"scale-{run}-{k}@scale.mentorhub.test",
                "display_name": f"{first[rng.randrange(300)]} {last[rng.randrange(300)]}",
                "password_hash": password, "timezone": tz, "is_admin": False, "is_organiser": False,
                "is_suspended": False, "is_deleted": False, "session_token": f"scale-{run}-{k}-{rng.getrandbits(64):x}",
                "created_at": now - timedelta(minutes=k)}
        windows = [{"user_id": uid, "weekday": d, "start_minute": s, "end_minute": e} for d, s, e in _windows(rng)]
        return user, windows

    def flush(tables: dict) -> None:
        conn = session.connection()
        for table, rows in tables.items():
            if rows:
                conn.execute(insert(table), rows)
                rows.clear()

    tables = {User.__table__: [], LearnerProfile.__table__: [], MentorProfile.__table__: [],
              LearnerSkill.__table__: [], learner_wanted_skills: [], learner_domains: [],
              MentorSkill.__table__: [], mentor_domains: [], AvailabilityWindow.__table__: []}
    pending = 0
    for k in range(total):
        user, windows = person_rows(k)
        tables[User.__table__].append(user)
        tables[AvailabilityWindow.__table__].extend(windows)
        track = track_slugs[rng.randrange(len(track_slugs))]
        if k < n:
            lid = base_learner + k
            tables[LearnerProfile.__table__].append({
                "id": lid, "user_id": user["id"], "headline": "Learning ML engineering", "background":
                BACKGROUNDS[rng.randrange(5)], "goals": "", "target_track": track,
                "stage": stage_slugs[rng.randrange(len(stage_slugs))], "hours_per_week": rng.randint(2, 15),
                "created_at": now, "updated_at": now})
            for sid in rng.sample(skill_ids, rng.randint(2, 6)):
                tables[LearnerSkill.__table__].append({"learner_id": lid, "skill_id": sid, "level": rng.randint(1, 3)})
            for sid in rng.sample(track_skill_ids[track], min(3, len(track_skill_ids[track]))):
                tables[learner_wanted_skills].append({"learner_id": lid, "skill_id": sid})
            for did in rng.sample(domain_ids, rng.randint(1, 2)):
                tables[learner_domains].append({"learner_id": lid, "domain_id": did})
            counts["learners"] += 1
        else:
            mid = base_mentor + (k - n)
            tables[MentorProfile.__table__].append({
                "id": mid, "user_id": user["id"], "headline": "Mentor in ML engineering", "bio": "",
                "years_experience": rng.randint(2, 20), "current_role": ROLES[rng.randrange(len(ROLES))],
                "capacity": rng.randint(1, 5), "is_accepting": rng.random() < 0.8, "session_minutes": 60,
                "created_at": now, "updated_at": now})
            for sid in dict.fromkeys(rng.sample(track_skill_ids[track], min(5, len(track_skill_ids[track])))):
                tables[MentorSkill.__table__].append({"mentor_id": mid, "skill_id": sid, "level": rng.randint(3, 4)})
            for did in rng.sample(domain_ids, rng.randint(1, 3)):
                tables[mentor_domains].append({"mentor_id": mid, "domain_id": did})
            counts["mentors"] += 1
        pending += 1
        if pending >= batch:
            for key, table in (("skills", LearnerSkill.__table__), ("wanted", learner_wanted_skills),
                               ("domains", learner_domains), ("windows", AvailabilityWindow.__table__)):
                counts[key] += len(tables[table])
            flush(tables)
            bar.update(pending)
            pending = 0
    for key, table in (("skills", LearnerSkill.__table__), ("wanted", learner_wanted_skills),
                       ("domains", learner_domains), ("windows", AvailabilityWindow.__table__)):
        counts[key] += len(tables[table])
    flush(tables)
    bar.update(pending)
    bar.close()
    counts["users"] = total
    if session.get_bind().dialect.name == "postgresql":
        for table in ("users", "learner_profiles", "mentor_profiles"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    taxonomy_changed()  # bulk seed: ask the scheduler for a rebuild rather than log every row
    session.commit()
    return counts
