"""Scenario families with planted, graded relevance for bench/match_quality.py (issue 15).

Each family is a set of learners, each with a private pool of mentors (or project ideas) built
to test one ranking rule; a learner's ranking is taken over their own pool only. Relevance is
graded (0 = should not come first) and is decided from the scenario's facts, never from the
scores:

  reachability      teachers who share >= 1 h of free time are relevant; stronger teachers
                    who share none, and people who teach nothing wanted, are not
  depth-breadth     the planted expert (level 4 in every wanted skill, 2.5 h shared) is the
                    best; partial experts count by the wanted skills they cover; keyword
                    stuffers (every wanted skill at level 2, 15 extras, the learner's own
                    words, 4.5 h shared) are not relevant
  related-skills    everyone teaches the second wanted skill; those who know a skill related
                    to the first (the taxonomy's relations) are relevant
  beginner-projects a foundations-stage learner; ideas in reach (beginner or intermediate) that
                    teach a wanted skill are relevant; easy ideas teaching nothing wanted and
                    advanced ideas are not
  odd-offsets       zones at +5:45, +8:45, -3:30, +5:30, +3:30; teachers whose exact weekly
                    overlap is >= 1 h are relevant, better teachers with 15-45 min are not

Pure numpy plus mentorhub.profiles.availability (for real zone offsets); no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from mentorhub.matching.features import Learners, Mentors, Projects
from mentorhub.profiles import availability as av

N_SKILLS, N_DOMAINS, VOCAB = 40, 8, 2000
RELATED_PAIRS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]  # e.g. pytorch <-> tensorflow
FREE = list(range(10, N_SKILLS))  # skills without relations
WEEK = date(2030, 3, 25)  # Europe changes its clocks this week
ODD_ZONES = ["Asia/Kathmandu", "Australia/Eucla", "America/St_Johns", "Asia/Kolkata", "Asia/Tehran"]


@dataclass
class Family:
    name: str
    learners: Learners
    mentors: Mentors | None
    projects: Projects | None
    pools: list[np.ndarray]  # per learner: the candidate rows (mentors or projects)
    gains: list[np.ndarray]  # per learner: graded relevance of each pool row
    related: sp.csr_matrix  # (S, S) 0/1 skill relations
    slot_minutes: int


def relations() -> sp.csr_matrix:
    r = [a for a, b in RELATED_PAIRS] + [b for a, b in RELATED_PAIRS]
    c = [b for a, b in RELATED_PAIRS] + [a for a, b in RELATED_PAIRS]
    return sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(N_SKILLS, N_SKILLS))


class _Builder:
    """Collects people as dicts, then packs them into the scorer's arrays."""

    def __init__(self, rng, slot_minutes: int):
        self.rng, self.slot_minutes = rng, slot_minutes
        self.words = np.array([f"w{i}x" for i in range(VOCAB)])
        self.learners, self.mentors, self.projects = [], [], []
        self.pools, self.gains = [], []

    def text(self, ids) -> str:
        return " ".join(self.words[np.asarray(ids, int)])

    def grid(self, windows, tz="UTC") -> np.ndarray:
        return av.week_grid(windows, tz, WEEK, self.slot_minutes)

    def learner(self, have: dict, want, domains, text: str, windows, tz="UTC", stage=2) -> int:
        self.learners.append(dict(have=have, want=list(want), domains=list(domains), text=text,
                                  avail=self.grid(windows, tz), stage=stage))
        return len(self.learners) - 1

    def mentor(self, teach: dict, domains, text: str, windows, tz="UTC") -> int:
        self.mentors.append(dict(teach=teach, domains=list(domains), text=text, avail=self.grid(windows, tz)))
        return len(self.mentors) - 1

    def project(self, required: dict, teaches, domains, difficulty: int) -> int:
        self.projects.append(dict(required=required, teaches=list(teaches), domains=list(domains),
                                  difficulty=difficulty))
        return len(self.projects) - 1

    def pool(self, rows: list[int], gains: list[float]) -> None:
        """A learner's pool in random order, so no method gains from ties broken by position."""
        order = self.rng.permutation(len(rows))
        self.pools.append(np.array(rows, int)[order])
        self.gains.append(np.array(gains, float)[order])

    def family(self, name: str) -> Family:
        n = len(self.learners)
        L = Learners(have=_levels([x["have"] for x in self.learners]), want=_binary([x["want"] for x in self.learners]),
                     domains=_binary([x["domains"] for x in self.learners], N_DOMAINS),
                     text=[x["text"] for x in self.learners],
                     avail=np.array([x["avail"] for x in self.learners]).reshape(n, -1),
                     stage=np.array([x["stage"] for x in self.learners]))
        M = None
        if self.mentors:
            M = Mentors(teach=_levels([x["teach"] for x in self.mentors]),
                        domains=_binary([x["domains"] for x in self.mentors], N_DOMAINS),
                        text=[x["text"] for x in self.mentors], avail=np.array([x["avail"] for x in self.mentors]))
        P = None
        if self.projects:
            P = Projects(required=_levels([x["required"] for x in self.projects]),
                         teaches=_binary([x["teaches"] for x in self.projects]),
                         domains=_binary([x["domains"] for x in self.projects], N_DOMAINS),
                         difficulty=np.array([x["difficulty"] for x in self.projects]),
                         free_seats=np.full(len(self.projects), 3))
        return Family(name, L, M, P, self.pools, self.gains, relations(), self.slot_minutes)


def _levels(rows: list[dict]) -> sp.csr_matrix:
    r = [i for i, d in enumerate(rows) for _ in d]
    c = [s for d in rows for s in d]
    v = [lv for d in rows for lv in d.values()]
    return sp.csr_matrix((np.array(v, np.float32), (r, c)), shape=(len(rows), N_SKILLS))


def _binary(rows: list[list[int]], width: int = N_SKILLS) -> sp.csr_matrix:
    return _levels([{int(s): 1 for s in row} for row in rows]) if width == N_SKILLS else \
        sp.csr_matrix((np.ones(sum(map(len, rows)), np.float32),
                       ([i for i, row in enumerate(rows) for _ in row], [int(s) for row in rows for s in row])),
                      shape=(len(rows), width))


def _evenings(days, start=18 * 60, end=21 * 60):
    return [(int(d), start, end) for d in days]


def reachability(n: int, rng, slot_minutes: int) -> Family:
    b = _Builder(rng, slot_minutes)
    for _ in range(n):
        want = rng.choice(FREE, 3, replace=False)
        dom, topic = int(rng.integers(N_DOMAINS)), rng.choice(VOCAB, 12, replace=False)
        i = b.learner({int(want[0]): 1} if rng.random() < 0.5 else {}, want, [dom], b.text(topic[:8]),
                      _evenings(range(5)))
        rows, gains = [], []
        for _ in range(8):  # teach some wanted skills and share 1-5 h
            k = int(rng.integers(1, 4))
            teach = {int(s): int(rng.integers(3, 5)) for s in rng.choice(want, k, replace=False)}
            teach.update({int(s): 3 for s in rng.choice(FREE, 3) if s not in want})
            days = rng.choice(5, int(rng.integers(1, 6)), replace=False)
            rows.append(b.mentor(teach, [dom] if rng.random() < 0.5 else [int(rng.integers(N_DOMAINS))],
                                 b.text(rng.choice(VOCAB, 10)), _evenings(days, 17 * 60, 19 * 60)))
            gains.append(1)
        for _ in range(8):  # stronger teachers in the same field and words, no shared hour
            teach = {int(s): 4 for s in want}
            rows.append(b.mentor(teach, [dom], b.text(np.concatenate([topic[:6], rng.choice(VOCAB, 4)])),
                                 _evenings(range(5), 6 * 60, 9 * 60)))
            gains.append(0)
        for _ in range(14):  # share time, teach nothing wanted
            teach = {int(s): 4 for s in rng.choice([s for s in FREE if s not in want], 4, replace=False)}
            rows.append(b.mentor(teach, [dom], b.text(rng.choice(VOCAB, 10)), _evenings(range(5))))
            gains.append(0)
        b.pool(rows, gains)
        assert i == len(b.pools) - 1
    return b.family("reachability")


def depth_breadth(n: int, rng, slot_minutes: int) -> Family:
    b = _Builder(rng, slot_minutes)
    for _ in range(n):
        want = rng.choice(FREE, 3, replace=False)
        others = [s for s in FREE if s not in want]
        dom, topic = int(rng.integers(N_DOMAINS)), rng.choice(VOCAB, 10, replace=False)
        b.learner({int(want[0]): int(rng.integers(0, 2))}, want, [dom], b.text(topic), _evenings(range(5)))
        rows, gains = [], []
        expert = {int(s): 4 for s in want} | {int(s): 4 for s in rng.choice(others, 2, replace=False)}
        rows.append(b.mentor(expert, [dom], b.text(np.concatenate([topic[:3], rng.choice(VOCAB, 7)])),
                             [(0, 19 * 60 + 30, 21 * 60), (2, 20 * 60, 21 * 60)]))  # 2.5 h
        gains.append(3)
        for _ in range(4):  # keyword stuffers: every wanted skill at level 2, 15 extras, 4.5 h
            stuffed = {int(s): 2 for s in want} | {int(s): 2 for s in rng.choice(others, 15, replace=False)}
            rows.append(b.mentor(stuffed, [dom], b.text(np.concatenate([topic, rng.choice(VOCAB, 5)])),
                                 [(0, 18 * 60, 21 * 60), (1, 19 * 60 + 30, 21 * 60)]))
            gains.append(0)
        for _ in range(4):  # partial experts
            k = int(rng.integers(1, 3))
            teach = {int(s): int(rng.integers(3, 5)) for s in rng.choice(want, k, replace=False)}
            rows.append(b.mentor(teach, [int(rng.integers(N_DOMAINS))], b.text(rng.choice(VOCAB, 10)),
                                 [(0, 19 * 60 + 30, 21 * 60), (3, 20 * 60, 21 * 60)]))
            gains.append(k)
        for _ in range(11):
            teach = {int(s): 4 for s in rng.choice(others, 5, replace=False)}
            rows.append(b.mentor(teach, [dom], b.text(rng.choice(VOCAB, 10)), _evenings(range(5))))
            gains.append(0)
        b.pool(rows, gains)
    return b.family("depth-breadth")


def related_skills(n: int, rng, slot_minutes: int) -> Family:
    b = _Builder(rng, slot_minutes)
    for _ in range(n):
        a, r = RELATED_PAIRS[int(rng.integers(len(RELATED_PAIRS)))]
        if rng.random() < 0.5:
            a, r = r, a
        s2 = int(rng.choice(FREE))
        dom = int(rng.integers(N_DOMAINS))
        b.learner({}, [a, s2], [dom], b.text(rng.choice(VOCAB, 8)), _evenings(range(5)))
        rows, gains = [], []
        for _ in range(5):  # know the related skill well
            extra = int(rng.choice([s for s in FREE if s != s2]))
            rows.append(b.mentor({s2: 3, r: 4, extra: 4}, [dom], b.text(rng.choice(VOCAB, 10)), _evenings(range(2))))
            gains.append(1)
        for _ in range(15):  # deeper in the other wanted skill, nothing related (as many skills)
            extra = rng.choice([s for s in FREE if s != s2], 2, replace=False)
            rows.append(b.mentor({s2: 4} | {int(x): 4 for x in extra}, [dom], b.text(rng.choice(VOCAB, 10)),
                                 _evenings(range(2))))
            gains.append(0)
        b.pool(rows, gains)
    return b.family("related-skills")


def beginner_projects(n: int, rng, slot_minutes: int) -> Family:
    b = _Builder(rng, slot_minutes)
    for _ in range(n):
        want = rng.choice(FREE, 4, replace=False)
        others = [s for s in FREE if s not in want]
        held = rng.choice(others, 2, replace=False)
        have = {int(s): int(rng.integers(1, 3)) for s in held}
        dom = int(rng.integers(N_DOMAINS))
        b.learner(have, want, [dom], "", [], stage=0)
        rows, gains = [], []
        for _ in range(5):  # in reach and teaching a wanted skill; requirements partly unmet
            req = {int(s): int(rng.integers(1, 4)) for s in rng.choice(FREE, int(rng.integers(1, 3)), replace=False)}
            rows.append(b.project(req, list(rng.choice(want, int(rng.integers(1, 3)), replace=False))
                                  + [int(rng.choice(others))], [int(rng.integers(N_DOMAINS))], int(rng.integers(0, 2))))
            gains.append(1)
        for _ in range(10):  # easy, ready, in the learner's field, teaching nothing wanted
            rows.append(b.project(dict(have), list(rng.choice(others, 2, replace=False)), [dom], 0))
            gains.append(0)
        for _ in range(5):  # teaching everything wanted, but advanced
            rows.append(b.project(dict(have), list(want), [dom], 2))
            gains.append(0)
        for _ in range(10):
            rows.append(b.project({int(s): 2 for s in rng.choice(others, 2, replace=False)},
                                  list(rng.choice(others, 2, replace=False)), [int(rng.integers(N_DOMAINS))],
                                  int(rng.integers(0, 3))))
            gains.append(0)
        b.pool(rows, gains)
    return b.family("beginner-projects")


def odd_offsets(n: int, rng, slot_minutes: int) -> Family:
    b = _Builder(rng, slot_minutes)
    for _ in range(n):
        tz = ODD_ZONES[int(rng.integers(len(ODD_ZONES)))]
        want = rng.choice(FREE, 3, replace=False)
        dom = int(rng.integers(N_DOMAINS))
        l_win = _evenings(range(5), 19 * 60, 22 * 60)
        b.learner({}, want, [dom], b.text(rng.choice(VOCAB, 8)), l_win, tz)
        rows, gains = [], []
        people = []
        for _ in range(6):  # exactly 1 h (or 15 min on each of four days) with the learner
            teach = {int(s): 3 for s in rng.choice(want, int(rng.integers(1, 3)), replace=False)}
            win = ([(int(rng.integers(5)), 21 * 60, 23 * 60)] if rng.random() < 0.5
                   else [(d, 21 * 60 + 45, 23 * 60) for d in range(4)])
            people.append((teach, win))
        for _ in range(6):  # stronger teachers with 15-45 minutes a week
            teach = {int(s): 4 for s in want}
            people.append((teach, [(int(rng.integers(5)), 22 * 60 - int(rng.choice([15, 30, 45])), 23 * 60)]))
        for _ in range(8):  # plenty of time, nothing wanted
            teach = {int(s): 4 for s in rng.choice([s for s in FREE if s not in want], 3, replace=False)}
            people.append((teach, l_win))
        for teach, win in people:
            rows.append(b.mentor(teach, [dom], b.text(rng.choice(VOCAB, 10)), win, tz))
            teaches = any(s in teach and teach[s] >= 3 for s in want)
            gains.append(1 if teaches and av.overlap_hours(l_win, tz, win, tz, WEEK) >= 1.0 else 0)
        b.pool(rows, gains)
    return b.family("odd-offsets")


FAMILIES = {"reachability": reachability, "depth-breadth": depth_breadth, "related-skills": related_skills,
            "beginner-projects": beginner_projects, "odd-offsets": odd_offsets}
