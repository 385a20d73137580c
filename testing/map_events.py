"""Published activities made up directly, in the shape the publish stage hands to ``render_map_page``.

For the page's size budget (tests/browser/test_map_page_budget.py) and ``bench.map_page --source
direct``: seeded, so the same ``n`` and ``seed`` give the same activities.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_TITLES = [
    "Healing circle: {topic}", "Community conversation on {topic}", "{place} talks: {topic}",
    "Stories of {topic}", "Faith and {topic}: an evening of reflection", "Youth voices on {topic}",
    "Workshop: {topic} in our neighborhood", "Círculo de sanación: {topic_es}", "Conversación comunitaria: {topic_es}",
    "Rozmowa o {topic_pl}", "Art night 🎨 {topic}",
]
_TOPICS = ["race and belonging", "the Red Summer of 1919", "housing and redlining", "healing after violence",
           "our grandparents' migration", "schools and equity", "policing and trust", "joy and resilience"]
_TOPICS_ES = ["raza y pertenencia", "nuestras historias", "sanar juntos", "la migración de nuestras familias"]
_TOPICS_PL = ["rasie i przynależności", "naszych sąsiadach", "historii Chicago"]
_HOSTS = ["https://us02web.zoom.us/j/", "https://www.eventbrite.com/e/", "https://meet.google.com/",
          "https://www.facebook.com/events/", "https://forms.gle/", "https://www.chipublib.org/events/"]
_WORDS = ("we will gather in a circle to listen share and heal together all are welcome light snacks "
          "provided bring a friend this conversation is facilitated by trained neighbors").split()


def synthetic_events(n: int, *, seed: int = 2026) -> list[dict]:
    """``n`` published activities in the shape the publish stage hands to ``render_map_page``."""
    from sync.config import ValidationConfig
    from sync.locate.geography import load_geography

    rng = random.Random(seed)
    areas = list(load_geography().areas.values())
    types = ValidationConfig().event_types
    languages = ValidationConfig().languages
    groups = ["Healing Collective", "Neighbors United", "Faith Coalition", "Youth Council", "Arts Center"]
    orgs = [f"{rng.choice(['Southside', 'Northside', 'Westside', 'Lakeview', 'Pilsen'])} {rng.choice(groups)}"
            for _ in range(400)]
    events = []
    start_day = datetime(2026, 11, 2, tzinfo=ZoneInfo("America/Chicago"))
    for _ in range(n):
        area = rng.choice(areas)
        citywide = rng.random() < 0.08
        starts = start_day + timedelta(days=rng.randrange(76), hours=rng.choice([10, 12, 17, 18, 19]),
                                       minutes=rng.choice([0, 30]))
        title = rng.choice(_TITLES).format(topic=rng.choice(_TOPICS), topic_es=rng.choice(_TOPICS_ES),
                                          topic_pl=rng.choice(_TOPICS_PL), place=area.name)
        words = rng.randrange(5, 120) if rng.random() < 0.95 else 1200
        events.append({
            "id": f"{rng.getrandbits(48):012x}",
            "title": title,
            "organization": rng.choice(orgs) if rng.random() < 0.7 else "",
            "type": rng.choice(types),
            "type_detail": "",
            "description": " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + ".",
            "date": starts.date().isoformat(),
            "starts_at": starts.isoformat(),
            "ends_at": ((starts + timedelta(minutes=rng.choice([60, 90, 120]))).isoformat()
                        if rng.random() < 0.8 else ""),
            "languages": rng.sample(languages[:4], rng.choice([1, 1, 1, 2])),
            "link": rng.choice(_HOSTS) + f"{rng.getrandbits(40)}",
            "community_area": None if citywide else area.number,
            "community_area_name": "" if citywide else area.name,
            "precision": "citywide" if citywide else "community_area",
            "place": "Citywide" if citywide else area.name,
            "lat": None if citywide else area.lat,
            "lon": None if citywide else area.lon,
        })
    events.sort(key=lambda e: (e["starts_at"], e["title"].casefold()))
    return events
