"""The review rubric, read from seed/rubric.yaml (criteria scored 1-4)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..config import ROOT, read_yaml

RUBRIC_PATH = ROOT / "seed" / "rubric.yaml"


@dataclass(frozen=True)
class Criterion:
    slug: str
    name: str
    prompt: str
    levels: dict[int, str]


@lru_cache(maxsize=1)
def load_rubric() -> tuple[dict[int, str], tuple[Criterion, ...]]:
    data = read_yaml(RUBRIC_PATH)
    scale = {int(k): str(v) for k, v in data["scale"].items()}
    criteria = tuple(
        Criterion(c["slug"], c["name"], c.get("prompt", ""), {int(k): str(v) for k, v in c["levels"].items()})
        for c in data["criteria"]
    )
    return scale, criteria


def criteria() -> tuple[Criterion, ...]:
    return load_rubric()[1]


def scale() -> dict[int, str]:
    return load_rubric()[0]


def criterion_names() -> dict[str, str]:
    return {c.slug: c.name for c in criteria()}
