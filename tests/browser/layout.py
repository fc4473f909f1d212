"""How far a page scrolls sideways: what every 360 px check in these tests measures."""

from __future__ import annotations


def sideways(page) -> int:
    """Pixels the page is wider than the window (0 or less: nothing scrolls sideways).

    After a click that submits a form the next document may still be committing, when it has
    no root element yet: measure the page the navigation lands on.
    """
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
