"""Demo families: added with the cases issue."""

from __future__ import annotations


def seed(base: dict) -> None:
    return None
