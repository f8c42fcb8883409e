"""The /api/v1 blueprint with every resource's routes attached (create_app registers ``bp``)."""
from __future__ import annotations

from . import community, mentoring, people  # noqa: F401  (each attaches its routes to bp)
from .blueprint import bp

__all__ = ["bp"]
