"""Models of the mentoring feature."""
from __future__ import annotations
