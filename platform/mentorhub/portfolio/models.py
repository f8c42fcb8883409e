"""Models of the portfolio feature."""
from __future__ import annotations
