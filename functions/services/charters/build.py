"""One centre's charter as it stands now: the directory's values, the live service-level
policy, the administrator's local commitments and the public links, built into one
language-free Charter (domain/charters/content.py). What the public page shows, what the
admin preview shows and what distribution sends are all this one build, so they agree."""

from __future__ import annotations

from urllib.parse import quote

from functions.config import get_settings
from functions.domain.charters.content import Charter, build_charter
from functions.services.ports import Dependencies

FEEDBACK_FORM = "feedback_form"
CHARTER_PAGE = "charter"


def charter_urls(centre_id: str) -> tuple[str, str]:
    """(the centre's feedback form, its public charter page): what the QR code and the
    charter's own link lead to. The form opens with the centre chosen."""
    settings, centre = get_settings(), quote(centre_id, safe="")
    return (f"{settings.url_for(FEEDBACK_FORM)}?centre={centre}",
            f"{settings.url_for(CHARTER_PAGE)}?centre={centre}")  # fmt: skip


def charter_for(deps: Dependencies, centre_id: str) -> Charter | None:
    """The centre's current charter; None for a centre the directory does not know, an
    inactive one, or one whose region is gone (nothing to promise parents there)."""
    from functions.rendering.translations import LANGUAGES
    from functions.services.charters.commitments import commitments_of

    centre = deps.directory.get_centre(centre_id)
    if centre is None or not centre.active:
        return None
    region = deps.directory.get_region(centre.region_id)
    if region is None:
        return None
    feedback_url, charter_url = charter_urls(centre.centre_id)
    return build_charter(centre, region, deps.service_levels.current(),
                         commitments_of(deps, centre.centre_id), feedback_url, charter_url,
                         network_name=deps.network_name, shipped=LANGUAGES)  # fmt: skip
