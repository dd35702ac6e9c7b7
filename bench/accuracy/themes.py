"""Theme transplants: a golden article re-rendered into the page of another theme Iranian sites use."""

from __future__ import annotations

THEMES: tuple[str, ...] = ()


def transplant(page, theme):
    raise NotImplementedError(theme)
