"""Synthetic communities with planted ground truth, for the quality test and the benchmarks.

Each learner is drawn near one hidden "right" mentor and one hidden "right" project: they
want some of the skills that mentor teaches (plus random wishes), share some of its
domains, describe their goals with some of its words (plus noise words) and live a few
time zones away. Pure numpy/scipy; a fixed seed gives the same community every time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .features import Learners, Mentors, Projects

SLOTS = 336  # half-hour slots in a week


@dataclass
class Community:
    learners: Learners
    mentors: Mentors
    projects: Projects
    planted_mentor: np.ndarray  # (n_learners,)
    planted_project: np.ndarray  # (n_learners,)
    capacity: np.ndarray  # (n_mentors,)


def _grid(offsets_hours: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Evening windows (18:00-21:00 local, on 3-5 weekdays) as UTC half-hour slots."""
    n = len(offsets_hours)
    grid = np.zeros((n, SLOTS), dtype=bool)
    days = rng.random((n, 7)) < 0.6
    for d in range(7):
        start = (d * 48 + 36 - np.round(offsets_hours * 2).astype(int)) % SLOTS
        for k in range(6):
            grid[np.flatnonzero(days[:, d]), (start[days[:, d]] + k) % SLOTS] = True
    return grid


def community(n_learners: int, n_mentors: int, n_projects: int | None = None, n_skills: int = 60,
              n_domains: int = 12, seed: int = 0, noise: float = 0.3, vocab: int = 3000) -> Community:
    rng = np.random.default_rng(seed)
    n_projects = n_projects if n_projects is not None else max(1, n_mentors)
    words = np.array([f"w{i}x" for i in range(vocab)])

    def doc(word_ids: np.ndarray) -> str:
        return " ".join(words[word_ids])

    # mentors: 6-10 skills at levels 3-4, 1-2 domains, 25 topic words, a time zone
    m_skills = [rng.choice(n_skills, rng.integers(6, 11), replace=False) for _ in range(n_mentors)]
    r, c, v = [], [], []
    for j, sk in enumerate(m_skills):
        r += [j] * len(sk)
        c += sk.tolist()
        v += rng.integers(3, 5, len(sk)).tolist()
    teach = sp.csr_matrix((np.array(v, np.float32), (r, c)), shape=(n_mentors, n_skills))
    m_dom_list = [rng.choice(n_domains, rng.integers(1, 3), replace=False) for _ in range(n_mentors)]
    m_dom = _binary(m_dom_list, n_mentors, n_domains)
    m_words = [rng.choice(vocab, 25, replace=False) for _ in range(n_mentors)]
    m_text = [doc(w[rng.permutation(len(w))[:15]]) for w in m_words]
    m_tz = rng.integers(-8, 10, n_mentors).astype(float)
    m_avail = _grid(m_tz, rng)
    capacity = rng.integers(1, 6, n_mentors)
    activity = np.clip(rng.normal(0.9, 0.1, n_mentors), 0.3, 1.0)

    planted = rng.integers(0, n_mentors, n_learners)
    l_want, l_have, l_dom_list, l_text = [], [], [], []
    for i in range(n_learners):
        sk = m_skills[planted[i]]
        k = min(len(sk), int(rng.integers(3, 6)))
        wanted = rng.choice(sk, k, replace=False)
        n_noise = int(rng.binomial(k, noise))
        wanted = np.unique(np.concatenate([wanted[: k - n_noise], rng.choice(n_skills, n_noise, replace=False)]))
        l_want.append(wanted)
        held = rng.choice(n_skills, int(rng.integers(2, 6)), replace=False)
        held = held[~np.isin(held, wanted)]
        l_have.append((held, rng.integers(1, 4, len(held))))
        dom = m_dom_list[planted[i]]
        if rng.random() < noise:
            dom = rng.choice(n_domains, 1)
        l_dom_list.append(dom)
        topic = m_words[planted[i]]
        n_topic = int(rng.integers(3, 8))
        n_noise_words = int(rng.integers(3, 10))
        l_text.append(doc(np.concatenate([rng.choice(topic, n_topic, replace=False),
                                          rng.choice(vocab, n_noise_words)])))
    want = _binary(l_want, n_learners, n_skills)
    r, c, v = [], [], []
    for i, (held, lv) in enumerate(l_have):
        r += [i] * len(held)
        c += held.tolist()
        v += lv.tolist()
    have = sp.csr_matrix((np.array(v, np.float32), (r, c)), shape=(n_learners, n_skills))
    l_tz = m_tz[planted] + rng.normal(0, 2 + 4 * noise, n_learners).round()
    l_avail = _grid(l_tz, rng)
    stage = rng.integers(0, 5, n_learners)

    # projects: one per planted learner group, teaching some wanted skills and requiring
    # skills the learner holds; the rest random
    p_planted = rng.choice(n_projects, n_learners, replace=n_projects < n_learners)
    p_teach_list = [rng.choice(n_skills, int(rng.integers(2, 5)), replace=False) for _ in range(n_projects)]
    p_req_list = [(rng.choice(n_skills, int(rng.integers(1, 4)), replace=False), None) for _ in range(n_projects)]
    p_dom_list = [rng.choice(n_domains, 1) for _ in range(n_projects)]
    difficulty = rng.integers(0, 3, n_projects)
    defined = np.zeros(n_projects, bool)
    for i in range(n_learners):
        p = p_planted[i]
        if defined[p]:
            continue
        defined[p] = True
        p_teach_list[p] = np.unique(np.concatenate([p_teach_list[p][:1], l_want[i][:3]]))
        held = l_have[i][0]
        p_req_list[p] = (held[:2], l_have[i][1][:2]) if len(held) else (np.array([], int), None)
        p_dom_list[p] = l_dom_list[i][:1]
        difficulty[p] = (0, 0, 1, 2, 2)[stage[i]]
    r, c, v = [], [], []
    for p, (sk, lv) in enumerate(p_req_list):
        lv = lv if lv is not None else rng.integers(1, 4, len(sk))
        r += [p] * len(sk)
        c += list(sk)
        v += list(lv)
    required = sp.csr_matrix((np.array(v, np.float32), (np.array(r, int), np.array(c, int))),
                             shape=(n_projects, n_skills))
    projects = Projects(required=required, teaches=_binary(p_teach_list, n_projects, n_skills),
                        domains=_binary(p_dom_list, n_projects, n_domains), difficulty=difficulty,
                        free_seats=rng.integers(1, 5, n_projects))
    learners = Learners(have=have, want=want, domains=_binary(l_dom_list, n_learners, n_domains),
                        text=l_text, avail=l_avail, stage=stage)
    mentors = Mentors(teach=teach, domains=m_dom, text=m_text, avail=m_avail, activity=activity)
    return Community(learners, mentors, projects, planted, p_planted, capacity)


def _binary(lists, n: int, width: int) -> sp.csr_matrix:
    r = np.repeat(np.arange(n), [len(x) for x in lists])
    c = np.concatenate([np.asarray(x, int) for x in lists]) if lists else np.array([], int)
    return sp.csr_matrix((np.ones(len(c), np.float32), (r, c)), shape=(n, width))
