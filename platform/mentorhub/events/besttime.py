"""The best time for a group: pure numpy, no Flask, no ORM.

Input is one boolean row per member over the UTC slots of one concrete week (see
profiles.availability.week_grid, which applies each member's zone and DST for that week).
A member can make a meeting starting at slot ``s`` when every slot it covers is free.
We propose up to ``k`` starts, most members first (ties: earlier in the week), that do not
overlap each other, and list who cannot make each.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Proposal:
    start_slot: int
    can_attend: int
    cannot: list[int] = field(default_factory=list)  # row indices of members who cannot make it


def attendable(grid: np.ndarray, duration_slots: int) -> np.ndarray:
    """members x starts: True where the member is free for the whole meeting starting there."""
    grid = np.asarray(grid, dtype=bool)
    if grid.ndim != 2:
        raise ValueError("grid must be members x slots")
    members, slots = grid.shape
    d = int(duration_slots)
    if d < 1 or d > slots:
        return np.zeros((members, 0), dtype=bool)
    cs = np.zeros((members, slots + 1), dtype=np.int32)
    np.cumsum(grid, axis=1, out=cs[:, 1:])
    return (cs[:, d:] - cs[:, :-d]) == d


def best_slots(grid: np.ndarray, duration_slots: int, k: int = 3) -> list[Proposal]:
    """Up to ``k`` non-overlapping meeting starts that the most members can attend."""
    ok = attendable(grid, duration_slots)
    if ok.shape[1] == 0:
        return []
    counts = ok.sum(axis=0)
    order = np.lexsort((np.arange(counts.size), -counts))  # most members, then earliest
    chosen: list[int] = []
    for s in order:
        if counts[s] == 0 or len(chosen) == k:
            break
        if all(abs(int(s) - c) >= duration_slots for c in chosen):
            chosen.append(int(s))
    return [
        Proposal(start_slot=s, can_attend=int(counts[s]), cannot=[int(i) for i in np.flatnonzero(~ok[:, s])])
        for s in chosen
    ]
