"""The locate stage: give every response a place, or a reason it has none.

>>> locator = build_locator(config)                 # doctest: +SKIP
>>> locate_responses(responses, locator)            # doctest: +SKIP
"""

from __future__ import annotations

from sync.config import Config
from sync.errors import LocateError
from sync.locate.gazetteer import Gazetteer
from sync.locate.geography import Geography
from sync.records import Location, Reason, Response

#: Fewer responses than this to locate finish too fast for a progress bar to help.
PROGRESS_MIN_ROWS = 50


def build_locator(config: Config, geography: Geography) -> Gazetteer:
    """The offline gazetteer, with the online geocoder behind it when one is configured."""
    street = None
    if config.geocoder.enabled:
        from sync.locate.geocoder import build_street_locator

        street = build_street_locator(config.geocoder, state_folder=config.output.state_folder,
                                      geography=geography)
    return Gazetteer.from_config(config, geography=geography, street_locator=street)


def locate_responses(responses: list[Response], locator: Gazetteer, *, progress: bool = False) -> None:
    """Resolve each response's location once per distinct answer, in submission order."""
    results: dict[tuple[str, str], Location | LocateError] = {}
    pending = [r for r in responses if r.location_text or r.zip]
    # A bar only when slow online look-ups may run, and enough of them to be worth watching.
    show = progress and locator.street_locator is not None and len(pending) >= PROGRESS_MIN_ROWS
    for r in _progress(pending, enabled=show):
        key = (r.location_text, r.zip)
        if key not in results:
            try:
                results[key] = locator.locate(r.location_text, r.zip)
            except LocateError as exc:
                results[key] = exc
        result = results[key]
        if isinstance(result, LocateError):
            r.add(Reason(result.code, str(result), result.status, "location", recheck=result.recheck))
        else:
            r.location = result
            if result.note:
                r.add(Reason("several_places", result.note, "warning", "location"))


def _progress(items: list, *, enabled: bool):
    if not enabled:
        return items
    from sync.locate.progress import progress_iter

    return progress_iter(items, total=len(items), description="Locating", enabled=True)
