"""Models of the events feature."""
from __future__ import annotations
