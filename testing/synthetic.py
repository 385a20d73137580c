"""Seeded synthetic Google Form responses for the Together We Heal healing map.

``generate_responses(n, seed=...)`` returns ``(headers, rows)`` exactly as a Google Form writes its
responses into the linked sheet: the question texts as headers, every cell a string, timestamps like
``11/24/2026 14:03:27``, dates like ``12/5/2026`` and times like ``6:30:00 PM``.

The rows carry the mess real hosts type: misspelt and nicknamed neighbourhoods, ZIPs, addresses and
intersections, places outside Chicago, links without a scheme (and the odd ``javascript:`` one),
repeat submissions, Spanish, Polish and emoji, very long descriptions, HTML and spreadsheet formulas
typed into text fields. Every kind of mess is forced into the first few hundred rows by cycling
through ``SPECIAL_RECIPES`` (one special row every ``SPECIAL_EVERY`` rows), so a 320-row sample holds
at least one of each; after that the special recipes recur rarely and the mess comes at its natural
rates.

Only ``random.Random(seed)`` is used: the same ``n`` and ``seed`` give identical output. Apart from
the timestamps (spread over the submission window whatever ``n`` is), the rows for a smaller ``n``
are a prefix of those for a larger one.

CLI (``python -m testing.synthetic`` works the same)::

    python -m bench.synthetic --rows 320 --seed 2026 --output config/sample-responses.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import random
import sys
import unicodedata
from collections.abc import Callable

from testing.forms import HEADERS  # the default form's question texts, in the sheet's order

# Column positions (kept as constants so the per-row code stays cheap).
TS, EMAIL, NAME, ORG, TITLE, TYPE, DESC, DATE, START, END, LOC, ZIP, LINK, LANGS, PHONE, CONSENT = range(16)

CAMPAIGN_START = _dt.date(2026, 11, 2)
CAMPAIGN_END = _dt.date(2027, 1, 17)
SUBMIT_FIRST = _dt.date(2026, 10, 20)
SUBMIT_LAST = _dt.date(2026, 11, 24)

#: Every ``SPECIAL_EVERY``-th row (offset 3) applies the next special recipe, until each has run once;
#: after that a special recipe runs every ``SPECIAL_EVERY_LATER`` rows.
SPECIAL_EVERY = 6
SPECIAL_EVERY_LATER = 211

DEFAULT_SEED = 2026


# --------------------------------------------------------------------------------------------
# Pools
# --------------------------------------------------------------------------------------------

def _weighted(pairs: list[tuple[object, int]]) -> list:
    """Expand (value, weight) pairs into a flat list: picking by index is then one ``random()``."""
    out: list = []
    for value, weight in pairs:
        out.extend([value] * weight)
    return out


EVENT_TYPES = [
    "Healing circle",
    "Community conversation",
    "Storytelling",
    "Faith gathering",
    "Arts and culture",
    "Youth activity",
    "Workshop or training",
]
TYPE_POOL = _weighted(list(zip(EVENT_TYPES, [26, 21, 12, 12, 12, 9, 8])))
OTHER_TYPES = [
    "Poetry night", "Drum circle", "Potluck dinner", "Peace walk", "Film screening and discussion",
    "Yoga & meditation", "Book club", "Oración comunitaria", "Spotkanie modlitewne", "Block party",
    "Open mic", "Mural painting day", "Sound bath", "Basketball tournament", "Listening session",
]

FIRST_LAST = {
    "black": (
        ["Keisha", "DeAndre", "Tanisha", "Marcus", "Jamal", "Aaliyah", "Darnell", "Latoya", "Andre",
         "Imani", "Tyrone", "Shanice", "Malik", "Ebony", "Terrence", "Jasmine", "Dominique", "Kiara",
         "Reginald", "Brianna", "Cedric", "Tamika", "Jerome", "Monique"],
        ["Washington", "Jackson", "Johnson", "Williams", "Robinson", "Harris", "Brooks", "Coleman",
         "Jenkins", "Banks", "Freeman", "Dixon", "Tate", "Ellis", "Moore", "Walker", "Bell", "Hampton"],
    ),
    "latino": (
        ["María", "José", "Guadalupe", "Alejandro", "Sofía", "Luis", "Ximena", "Juan Carlos", "Yesenia",
         "Héctor", "Itzel", "Ramón", "Araceli", "Jesús", "Lucía", "Ángel", "Verónica", "Raúl",
         "Mónica", "Iván", "Nayeli", "Joaquín"],
        ["García", "Hernández", "Martínez", "Rodríguez", "López", "Gómez", "Núñez", "Muñoz", "Ibáñez",
         "Peña", "Castañeda", "Ortiz", "Ramírez", "Cruz", "Flores", "Vázquez", "Avilés", "Zúñiga"],
    ),
    "polish": (
        ["Małgorzata", "Łukasz", "Agnieszka", "Paweł", "Katarzyna", "Grzegorz", "Zofia", "Wojciech",
         "Michał", "Jadwiga", "Bartłomiej", "Żaneta", "Stanisław", "Halina", "Krzysztof", "Joanna",
         "Tomasz", "Elżbieta"],
        ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
         "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk",
         "Ślusarczyk", "Gąsior", "Pietrzak", "Sołtys", "Wysocki"],
    ),
    "asian": (
        ["Mei", "Wei", "Hyun-woo", "Ji-yeon", "Priya", "Arjun", "Thanh", "Kenji", "Ayesha", "Maricel",
         "Jun", "Linh", "Sung-min", "Rohan", "Xiu", "Hiroshi", "Anh", "Deepa"],
        ["Chen", "Wong", "Nguyen", "Kim", "Park", "Patel", "Shah", "Tran", "Le", "Santos", "Reyes",
         "Yamamoto", "Lee", "Huang", "Liu", "Choi", "Mehta", "Dela Cruz"],
    ),
    "white": (
        ["Sarah", "Michael", "Emily", "Patrick", "Kathleen", "John", "Megan", "Brian", "Colleen", "Tom",
         "Anna", "Erik", "Laura", "Kevin", "Bridget", "Greg", "Heather", "Dan"],
        ["O'Brien", "Murphy", "Sullivan", "Schmidt", "Miller", "Anderson", "Olson", "Kelly", "Novak",
         "Johansson", "Becker", "Walsh", "Doyle", "Meyer", "Larson", "Fitzgerald"],
    ),
    "arab": (
        ["Fatima", "Omar", "Layla", "Yousef", "Rania", "Khalid", "Noor", "Samir"],
        ["Haddad", "Khalil", "Hassan", "Odeh", "Saleh", "Nasser", "Abdallah", "Mansour"],
    ),
}
GROUP_POOL = _weighted([("black", 31), ("latino", 27), ("polish", 8), ("asian", 9), ("white", 21), ("arab", 4)])

_ASCII_FIX = str.maketrans({"ł": "l", "Ł": "L", "'": "", " ": "", "-": ""})


def _ascii(text: str) -> str:
    text = text.translate(_ASCII_FIX)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


POLISH_WOMEN = {"Małgorzata", "Agnieszka", "Katarzyna", "Zofia", "Jadwiga", "Żaneta", "Halina", "Joanna",
                "Elżbieta"}


def _polish_surname(first: str, last: str) -> str:
    """Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women."""
    if first in POLISH_WOMEN and last.endswith("ki"):
        return last[:-1] + "a"
    return last


# Every (display first, display last, ascii first, ascii last) per group, computed once, so picking a
# person is one random() call.
NAME_COMBOS = {
    group: [
        (f, last, _ascii(f), _ascii(last))
        for f in firsts
        for last in ([_polish_surname(f, x) for x in lasts] if group == "polish" else lasts)
    ]
    for group, (firsts, lasts) in FIRST_LAST.items()
}

MAIL_DOMAINS = _weighted([
    ("gmail.com", 50), ("yahoo.com", 12), ("hotmail.com", 6), ("outlook.com", 6), ("icloud.com", 6),
    ("sbcglobal.net", 4), ("comcast.net", 3), ("aol.com", 2), ("uchicago.edu", 2), ("cps.edu", 3),
    ("luc.edu", 1), ("uic.edu", 2), ("ccc.edu", 1), ("wp.pl", 1), ("o2.pl", 1),
])

ORGANIZATIONS = [
    ("Englewood Peace Circle", "englewoodpeace.org"),
    ("Back of the Yards Youth Arts", "boty-arts.org"),
    ("Rogers Park Listening Project", "rplistening.org"),
    ("Humboldt Park Healing Collective", "hphealing.org"),
    ("Little Village Mujeres Unidas", "lvmujeres.org"),
    ("Chinatown Youth Council", "chinatownyouth.org"),
    ("South Shore Elders Circle", "southshoreelders.org"),
    ("Austin Neighbors Together", "austinneighbors.org"),
    ("Bronzeville Story Exchange", "bronzevillestories.org"),
    ("Pilsen Arte y Sanación", "pilsenarte.org"),
    ("Parafia Świętego Jacka – grupa młodzieżowa", "swjacek.org"),
    ("Polish American Neighbors of Avondale", "pana-chicago.org"),
    ("Greater Grand Crossing Block Club", "ggcblockclub.org"),
    ("Uptown Interfaith Table", "uptowninterfaith.org"),
    ("Lawndale Mothers Rising", "lawndalemothers.org"),
    ("West Ridge Neighbors for Peace", "westridgepeace.org"),
    ("Iglesia Nueva Esperanza", "nuevaesperanzachi.org"),
    ("Second Baptist of Woodlawn", "secondbaptistwoodlawn.org"),
    ("Chicago Public Library – Legler Branch", "chipublib.org"),
    ("Edgewater Racial Healing Circle", "edgewaterhealing.org"),
    ("Brighton Park Familias", "bpfamilias.org"),
    ("Auburn Gresham Youth Voices", "agyouthvoices.org"),
    ("Hegewisch Historical Society", "hegewischhistory.org"),
    ("Logan Square Artists Alliance", "lsartists.org"),
    ("Hyde Park Conversation Partners", "hpconversations.org"),
    ("Korean American Community Services", "kacschicago.org"),
    ("Arab American Family Circle", "aafcircle.org"),
    ("Chatham Business Women", "chathamwomen.org"),
    ("Mount Greenwood Together", "mgtogether.org"),
    ("Roseland Healing Garden", "roselandgarden.org"),
]

TITLE_HEADS = [
    "Healing Circle:", "Community Conversation:", "Story Night:", "Youth Voices:", "Faith & Race:",
    "Art Night:", "Workshop:", "Community Dinner:", "Listening Session:", "Open Mic:", "Family Night:",
    "Elders Share:", "Teen Talk:",
]
TITLE_THEMES = [
    "Race and Belonging", "Healing Together", "Our Block, Our Story", "Repair and Trust",
    "Remembering 1919", "Bridges Across the Dan Ryan", "Listening First", "What Our Grandparents Carried",
    "Neighbors, Not Strangers", "Truth and Hope", "The Color Line in Our City",
    "Breaking Bread, Breaking Silence", "Roots and Routes", "Who Gets to Belong?", "Mapping Our Memories",
    "Love Thy Neighbor", "Courage to Talk", "From Redlining to Renewal", "Voices of the South Side",
    "West Side Stories", "Healing the Healers", "Kitchen Table Truths",
]
TITLE_TAILS = ["", "", "", "", " (virtual)", " – Week 2", " — all welcome", " for Parents", " Part 1", " (Zoom)"]
TITLES_ES = [
    "Círculo de sanación: Unidos sanamos", "Sanando nuestras raíces", "Plática comunitaria sobre raza",
    "¿Quién pertenece? Conversación en familia", "Historias de La Villita", "Mujeres que sanan",
    "Jóvenes y la justicia racial", "Café y corazón: charla abierta", "Noche de poesía y sanación",
    "Oración por la unidad", "Tejiendo comunidad", "Memoria y esperanza en Pilsen",
]
TITLES_PL = [
    "Krąg uzdrowienia: Razem leczymy", "Wspólna pamięć", "Rozmowa o rasie i sąsiedztwie",
    "Sąsiedzi, nie obcy", "Opowieści z Jackowa", "Modlitwa o jedność", "Młodzież mówi: rasa i szkoła",
    "Kawa i szczera rozmowa", "Pamięć i nadzieja", "Korzenie i drogi",
]

DESC_EN = [
    "Join us for an honest conversation about race in our neighborhood.",
    "We will sit in a circle and share stories about growing up in Chicago.",
    "Trained facilitators will guide the discussion; no experience needed.",
    "Everyone is welcome, whatever your background.",
    "Bring a friend, a neighbor, or someone you have never talked to before.",
    "Light refreshments will be provided before we log on.",
    "We meet on Zoom; cameras optional.",
    "This session is co-hosted with our youth council.",
    "Teens will lead the conversation and adults will listen.",
    "We will read a short passage together and then talk in small groups.",
    "ASL interpretation available on request.",
    "Childcare provided for registered families.",
    "We close with a moment of silence and a shared meal.",
    "Please register so we can send you the link.",
    "This is part of the city's Together We Heal campaign.",
    "Our congregation invites neighbors of all faiths and none.",
    "Artists from the community will help us make a collective piece.",
    "We will talk about redlining, housing and who gets to stay.",
    "Grandparents and grandkids are especially welcome.",
    "Our goal is to listen more than we speak.",
    "Masks welcome; the room is wheelchair accessible.",
    "We will meet again every Thursday through the summit.",
    "Come as you are. It's ok to just listen.",
    "We'll share what we learn at the virtual summit in January.",
]
DESC_ES = [
    "Únete a nosotros para una conversación sincera sobre raza y comunidad.",
    "La sesión será en español con interpretación al inglés.",
    "¿Qué significa sanar juntos? Vamos a platicarlo.",
    "Habrá café, pan dulce y mucho cariño.",
    "Niños y abuelitos son bienvenidos.",
    "Compartiremos historias de nuestras familias y de cómo llegamos a Chicago.",
    "No se necesita experiencia; sólo ganas de escuchar.",
    "Nos reunimos por Zoom; la cámara es opcional.",
    "Regístrate para recibir el enlace.",
    "Terminamos con una oración y un momento de silencio.",
]
DESC_PL = [
    "Zapraszamy na szczerą rozmowę o rasie i sąsiedztwie.",
    "Spotkanie odbędzie się po polsku z tłumaczeniem na angielski.",
    "Będzie kawa, herbata i pączki.",
    "Porozmawiajmy o tym, co nas łączy, a nie dzieli.",
    "Zapraszamy całe rodziny, także dzieci i dziadków.",
    "Spotykamy się na Zoomie; kamera nie jest obowiązkowa.",
    "Prosimy o wcześniejszą rejestrację.",
    "Na zakończenie wspólna modlitwa i chwila ciszy.",
    "Podzielimy się historiami naszych rodzin i tego, jak trafiliśmy do Chicago.",
]
DESC_FILLERS = ["🌱", "💜", "🙏🏾", "✊🏿", "❤️"] + [""] * 20

SPANISH_TEXT = (
    "¿Cómo sanamos juntos? Círculo en español",
    "Una conversación abierta sobre raza, familia y comunidad. Niños bienvenidos. "
    "¡Habrá café y pan dulce para todos! Compañía, cariño y mañanitas.",
)
POLISH_TEXT = (
    "Krąg uzdrowienia: rozmowa o rasie i sąsiedztwie",
    "Zapraszamy na szczerą rozmowę o rasie, pamięci i życiu w Chicago. Jesień to dobry czas, "
    "żeby wrócić do źródeł. Spotkanie po polsku, z tłumaczeniem na angielski. Będzie kawa i pączki.",
)

# Official community-area names as residents write them (the gazetteer matches these).
COMMUNITY_AREAS = [
    "Rogers Park", "West Ridge", "Uptown", "Lincoln Square", "North Center", "Lake View",
    "Lincoln Park", "Near North Side", "Edison Park", "Norwood Park", "Jefferson Park", "Forest Glen",
    "North Park", "Albany Park", "Portage Park", "Irving Park", "Dunning", "Montclare",
    "Belmont Cragin", "Hermosa", "Avondale", "Logan Square", "Humboldt Park", "West Town", "Austin",
    "West Garfield Park", "East Garfield Park", "Near West Side", "North Lawndale", "South Lawndale",
    "Lower West Side", "Loop", "Near South Side", "Armour Square", "Douglas", "Oakland",
    "Fuller Park", "Grand Boulevard", "Kenwood", "Washington Park", "Hyde Park", "Woodlawn",
    "South Shore", "Chatham", "Avalon Park", "South Chicago", "Burnside", "Calumet Heights",
    "Roseland", "Pullman", "South Deering", "East Side", "West Pullman", "Riverdale", "Hegewisch",
    "Garfield Ridge", "Archer Heights", "Brighton Park", "McKinley Park", "Bridgeport", "New City",
    "West Elsdon", "Gage Park", "Clearing", "West Lawn", "Chicago Lawn", "West Englewood",
    "Englewood", "Greater Grand Crossing", "Ashburn", "Auburn Gresham", "Beverly",
    "Washington Heights", "Mount Greenwood", "Morgan Park", "OHare", "Edgewater",
]
NICKNAMES = [
    "Pilsen", "Little Village", "La Villita", "Back of the Yards", "Wicker Park", "Bronzeville",
    "Boystown", "O'Hare", "Bucktown", "Ukrainian Village", "Chinatown", "Wrigleyville",
    "Andersonville", "Streeterville", "Gold Coast", "River North", "Old Town", "The Loop",
    "Downtown", "South Loop", "Printers Row", "West Loop", "Greektown", "Little Italy",
    "K-Town", "Lawndale", "Canaryville", "Lakeview", "Ravenswood", "Roscoe Village", "Garfield Park",
    "Humboldt", "Marquette Park", "Jackson Park Highlands", "Rosemoor", "Cabrini-Green",
    "East Village", "Northalsted", "Tri-Taylor", "Medical District", "Fulton Market",
    "University Village", "Mt. Greenwood", "Sauganash", "Galewood", "Jackowo",
]
MISSPELLINGS = [
    "Englwood", "Humbolt Park", "Logan Sqaure", "Bronzevile", "Pilson", "Chatam", "Austen",
    "Woodlawm", "Rogers Prk", "Uptwon", "Back of the Yard", "Little Vilage", "Lincon Park",
    "Wickerpark", "Auburn-Gresham", "Garfeld Park", "Brighten Park", "Mckinly Park", "South Shor",
    "Edgwater", "Hyde Prak", "Bridgeprot", "Albany Prk", "Englewod",
]
ZIP_ONLY = ["60623", "60609", "60621", "60637", "60608", "60647", "60644", "60619", "60629",
            "60624", "60632", "60640", "60612", "60636", "60628", "60651", "60617", "60653"]
ADDRESSES = [
    "1901 W Cermak Rd", "5100 S Ashland Ave, Chicago, IL 60609", "1440 W 18th St",
    "3901 W Lawrence Ave", "6120 S Halsted St", "1100 E 55th St, Chicago, IL 60615",
    "2700 S Kedzie Ave", "4800 N Broadway", "7059 S South Shore Dr", "3111 N Milwaukee Ave",
    "1535 N Western Ave", "225 N Michigan Ave", "2233 S Martin Luther King Dr",
    "6300 S Cottage Grove Ave", "10400 S Western Ave", "5400 W Madison St",
    "3340 W Fullerton Ave, Chicago IL", "8401 S Stony Island Ave", "3636 W Wolfram St",
    "11141 S Michigan Ave, Chicago, IL 60628", "4659 S Cottage Grove", "2150 S Canalport Ave",
]
INTERSECTIONS = [
    "63rd and Halsted", "Cermak & Kedzie", "Division and California", "47th St & King Dr",
    "79th and Stony Island", "Madison & Pulaski", "Belmont/Cicero", "Lawrence and Kimball",
    "26th St and Pulaski", "Milwaukee & Ashland", "Clark and Foster", "95th & Western",
    "corner of 51st and Western", "Chicago Ave & Austin Blvd",
]
CITYWIDE = ["citywide", "City-wide", "All of Chicago", "Citywide (virtual)", "Chicago",
            "All neighborhoods", "CITYWIDE", "Online – all of Chicago"]
OUTSIDE = ["Evanston", "Oak Park", "Gary, IN", "Cicero", "Skokie", "Berwyn", "Milwaukee, WI",
           "Evanston, IL 60201", "Oak Lawn", "Naperville"]
GIBBERISH = ["", "", " ", "asdf", "???", "n/a", "-", "idk", "xxxxx", "."]
DESCRIPTIVE = ["Hyde Park, Chicago IL", "Pilsen / Little Village", "South Side", "West Side",
               "Online (rooted in Englewood)", "Austin (West Side)", "near Humboldt Park",
               "Rogers Park & Edgewater", "Southwest Side", "Logan Square, Chicago"]

CHICAGO_ZIPS = [
    "60601", "60602", "60603", "60604", "60605", "60606", "60607", "60608", "60609", "60610",
    "60611", "60612", "60613", "60614", "60615", "60616", "60617", "60618", "60619", "60620",
    "60621", "60622", "60623", "60624", "60625", "60626", "60628", "60629", "60630", "60631",
    "60632", "60633", "60634", "60636", "60637", "60638", "60639", "60640", "60641", "60642",
    "60643", "60644", "60645", "60646", "60647", "60649", "60651", "60652", "60653", "60654",
    "60655", "60656", "60657", "60659", "60660", "60661", "60707", "60827",
]
OUTSIDE_ZIPS = ["60201", "60302", "46402", "02134", "60804", "53204", "10001", "60453"]

LANGUAGE_POOL = _weighted([
    ("English", 55), ("English, Spanish", 18), ("Spanish", 8), ("English, Polish", 4), ("Polish", 2),
    ("English, Chinese", 2), ("English, Spanish, Polish", 1), ("English, Arabic", 1),
    ("English, Tagalog", 1), ("English, Korean", 1), ("English, ASL", 2), ("Chinese", 1),
    ("", 2), ("English, Ukrainian", 1), ("English, Spanish, ASL", 1),
])
# Which language the free text of a response is written in, by its Languages answer.
LANGUAGE_TEXT = {
    answer: ("es" if answer.startswith("Spanish") else "pl" if answer.startswith("Polish")
             else "en+es" if "Spanish" in answer else "en+pl" if "Polish" in answer else "en")
    for answer in set(LANGUAGE_POOL)
}
CONSENT_POOL = _weighted([("Yes", 90), ("No", 8), ("", 2)])

DATE_OUTSIDE_POOL: list[_dt.date] = (
    [_dt.date(2025, 11, d) for d in range(3, 29, 3)]
    + [_dt.date(2025, 12, d) for d in range(1, 28, 4)]
    + [_dt.date(2027, 3, d) for d in range(1, 30, 3)]
    + [_dt.date(2026, 10, d) for d in (15, 22, 29)]
)

SLUG_WORDS = ["healing", "circle", "together", "we-heal", "conversation", "stories", "race",
              "neighbors", "unidos", "razem", "youth", "faith", "art"]
MEET_LETTERS = "abcdefghijklmnopqrstuvwxyz"

INJECTIONS = [
    ("desc", "<b>bold</b> and <i>italic</i> welcome!"),
    ("title", "<script>alert(1)</script>"),
    ("org", '<img src=x onerror=alert(1)>'),
    ("desc", "Cost: ${alert(1)} — `rm -rf /` just kidding"),
    ("title", '=HYPERLINK("http://evil.example","click")'),
    ("org", "+1 555"),
    ("desc", "-@SUM(A1)"),
    ("name", "@cmd"),
    ("title", "=1+2"),
    ("desc", '<a href="javascript:alert(1)">more info</a>'),
]

TIME_STR = {}
for _m in range(0, 24 * 60, 15):
    _h, _mm = divmod(_m, 60)
    TIME_STR[_m] = f"{(_h % 12) or 12}:{_mm:02d}:00 {'AM' if _h < 12 else 'PM'}"
START_MINUTES = _weighted([(m, 1) for m in range(7 * 60, 10 * 60, 30)]
                          + [(m, 2) for m in range(10 * 60, 17 * 60, 30)]
                          + [(m, 4) for m in range(17 * 60, 20 * 60 + 1, 15)])
DURATIONS = _weighted([(60, 4), (90, 5), (120, 5), (150, 1), (180, 2), (45, 1)])


def _date_str(d: _dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------

class _Gen:
    """Holds the rng and the per-run pools; ``row(i)`` builds one response."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.n = n
        span_days = (CAMPAIGN_END - CAMPAIGN_START).days + 1
        self.dates = [_date_str(CAMPAIGN_START + _dt.timedelta(days=k)) for k in range(span_days)]
        self.dates_outside = [_date_str(d) for d in DATE_OUTSIDE_POOL]
        sub_days = (SUBMIT_LAST - SUBMIT_FIRST).days + 1
        self.ts_days = [_date_str(SUBMIT_FIRST + _dt.timedelta(days=k)) for k in range(sub_days)]
        # Submissions start at 7:00 on the first day and end by 23:59:59 on the last.
        self.ts_t = 7 * 3600.0
        self.ts_end = sub_days * 86400 - 1
        self.ts_mean_step = (self.ts_end - self.ts_t) / max(n, 1)
        # Descriptions: a few hundred pre-built paragraphs per language (with the odd emoji).
        fill = DESC_FILLERS

        def paragraphs(count: int, *pools: list[str]) -> list[str]:
            out = []
            for _ in range(count):
                parts = []
                for pool in pools:
                    k = 1 + int(rng.random() * (4 if len(pools) == 1 else 2))
                    parts.extend(rng.sample(pool, k))
                tail = fill[int(rng.random() * len(fill))]
                sep = "\n" if rng.random() < 0.08 else " "    # paragraph answers keep line breaks
                out.append(sep.join(parts) + ((" " + tail) if tail else ""))
            return out

        self.descs = {
            "en": paragraphs(500, DESC_EN),
            "es": paragraphs(150, DESC_ES),
            "pl": paragraphs(100, DESC_PL),
            "en+es": paragraphs(150, DESC_EN, DESC_ES),
            "en+pl": paragraphs(100, DESC_EN, DESC_PL),
        }
        self.hosts: list[tuple[str, str, str, str, str]] = []   # email, name, org, domain, phone
        self.bases: list[list[str]] = []                         # rows a repeat may copy
        self.rows: list[list[str]] = []
        self.special_cursor = 0

    # -- fields ------------------------------------------------------------------------------

    def _timestamp(self) -> str:
        t = self.ts_t + self.rng.random() * 2.0 * self.ts_mean_step
        if t > self.ts_end:
            t = self.ts_end
        self.ts_t = t
        s = int(t)
        d, s = divmod(s, 86400)
        h, s = divmod(s, 3600)
        m, s = divmod(s, 60)
        return f"{self.ts_days[d]} {h}:{m:02d}:{s:02d}"

    def _phone(self) -> str:
        r = self.rng.random
        if r() < 0.72:
            return ""
        area = ("773", "312", "872", "708")[int(r() * 4)]
        line = f"01{int(r() * 100):02d}"
        k = int(r() * 8)
        if k == 0:
            return f"({area}) 555-{line}"
        if k == 1:
            return f"{area}.555.{line}"
        if k == 2:
            return f"+1 {area} 555 {line}"
        if k == 3:
            return f"{area}-555-{line}"
        if k == 4:
            return f"{area}555{line}"
        if k == 5:
            return f"{area} 555 {line}"
        if k == 6:
            return f"1-{area}-555-{line}"
        if r() < 0.1:
            return ("call me", "n/a", "ask at church office", "text only")[int(r() * 4)]
        return f"({area}) 555-{line}"

    def _host(self) -> tuple[str, str, str, str, str]:
        rng = self.rng
        r = rng.random
        hosts = self.hosts
        if hosts and r() < 0.12:                       # the same host registers another activity
            return hosts[int(r() * len(hosts))]
        people = NAME_COMBOS[GROUP_POOL[int(r() * len(GROUP_POOL))]]
        first, last, fa, la = people[int(r() * len(people))]
        name = f"{first} {last}"
        x = r()
        if x < 0.03:
            name = name.lower()
        elif x < 0.04:
            name = name.upper()
        elif x < 0.06:
            name = first                               # first name only
        elif x < 0.07:
            name = f" {name}  "                        # stray whitespace
        if r() < 0.55:
            org, domain = ORGANIZATIONS[int(r() * len(ORGANIZATIONS))]
        else:
            org, domain = "", ""
        k = r()
        if domain and k < 0.2:
            email = f"{fa[0]}{la}@{domain}"
        elif k < 0.6:
            email = f"{fa}.{la}@{MAIL_DOMAINS[int(r() * len(MAIL_DOMAINS))]}"
        elif k < 0.85:
            email = f"{fa}{la}{int(r() * 100)}@{MAIL_DOMAINS[int(r() * len(MAIL_DOMAINS))]}"
        else:
            email = f"{fa[0]}{la}{1960 + int(r() * 50)}@{MAIL_DOMAINS[int(r() * len(MAIL_DOMAINS))]}"
        k = r()
        if k < 0.02:
            email = email.upper()
        elif k < 0.035:
            email = email[0].upper() + email[1:]
        elif k < 0.038:
            email = ("maria at gmail", "bob@", "no email", f"{fa}.{la}@gmail")[int(r() * 4)]
        host = (email, name, org, domain, self._phone())
        if len(hosts) < 400:
            hosts.append(host)
        else:
            hosts[int(r() * 400)] = host
        return host

    def _title(self, event_type: str, lang: str) -> str:
        r = self.rng.random
        if r() < 0.01:
            return ""
        if lang == "es" or (lang == "en+es" and r() < 0.3):
            return TITLES_ES[int(r() * len(TITLES_ES))]
        if lang == "pl" or (lang == "en+pl" and r() < 0.3):
            return TITLES_PL[int(r() * len(TITLES_PL))]
        head = TITLE_HEADS[int(r() * len(TITLE_HEADS))]
        theme = TITLE_THEMES[int(r() * len(TITLE_THEMES))]
        tail = TITLE_TAILS[int(r() * len(TITLE_TAILS))]
        k = r()
        if k < 0.25:
            t = f"{theme}{tail}"
        elif k < 0.35 and event_type in EVENT_TYPES:
            t = f"{event_type}: {theme}"
        else:
            t = f"{head} {theme}{tail}"
        if r() < 0.02:
            t += " 🌱" if r() < 0.5 else " 💜"
        return t

    def _location(self) -> tuple[str, str]:
        """(location answer, ZIP answer)."""
        r = self.rng.random
        x = r()
        if x < 0.44:
            loc = COMMUNITY_AREAS[int(r() * len(COMMUNITY_AREAS))]
            y = r()
            if y < 0.08:
                loc = loc.lower()
            elif y < 0.12:
                loc = loc.upper()
            elif y < 0.14:
                loc = f" {loc} "
        elif x < 0.64:
            loc = NICKNAMES[int(r() * len(NICKNAMES))]
            if r() < 0.06:
                loc = loc.lower()
        elif x < 0.69:
            loc = MISSPELLINGS[int(r() * len(MISSPELLINGS))]
        elif x < 0.75:
            loc = ZIP_ONLY[int(r() * len(ZIP_ONLY))]
        elif x < 0.83:
            loc = ADDRESSES[int(r() * len(ADDRESSES))]
        elif x < 0.88:
            loc = INTERSECTIONS[int(r() * len(INTERSECTIONS))]
        elif x < 0.93:
            loc = CITYWIDE[int(r() * len(CITYWIDE))]
        elif x < 0.95:
            loc = OUTSIDE[int(r() * len(OUTSIDE))]
        elif x < 0.96:
            loc = GIBBERISH[int(r() * len(GIBBERISH))]
        else:
            loc = DESCRIPTIVE[int(r() * len(DESCRIPTIVE))]
        z = r()
        if z < 0.80:
            zip_ = ""
        elif z < 0.97:
            zip_ = CHICAGO_ZIPS[int(r() * len(CHICAGO_ZIPS))]
            if r() < 0.05:
                zip_ = zip_ + "-" + f"{int(r() * 10000):04d}"
        else:
            zip_ = OUTSIDE_ZIPS[int(r() * len(OUTSIDE_ZIPS))]
        return loc, zip_

    def _link(self) -> str:
        r = self.rng.random
        x = r()
        if x < 0.30:
            pwd = "".join(MEET_LETTERS[int(r() * 26)] for _ in range(8))
            return f"https://us02web.zoom.us/j/8{int(r() * 1e9):09d}?pwd={pwd}"
        if x < 0.50:
            slug = SLUG_WORDS[int(r() * len(SLUG_WORDS))]
            return f"https://www.eventbrite.com/e/together-we-heal-{slug}-tickets-{int(r() * 1e12):012d}"
        if x < 0.62:
            L = MEET_LETTERS
            a = "".join(L[int(r() * 26)] for _ in range(3))
            b = "".join(L[int(r() * 26)] for _ in range(4))
            c = "".join(L[int(r() * 26)] for _ in range(3))
            return f"https://meet.google.com/{a}-{b}-{c}"
        if x < 0.72:
            return f"https://www.facebook.com/events/{int(r() * 1e15):015d}/"
        if x < 0.79:
            org, domain = ORGANIZATIONS[int(r() * len(ORGANIZATIONS))]
            slug = SLUG_WORDS[int(r() * len(SLUG_WORDS))]
            scheme = "http" if r() < 0.2 else "https"
            return f"{scheme}://www.{domain}/events/{slug}"
        if x < 0.85:
            return f"zoom.us/j/{int(r() * 1e10):010d}"
        if x < 0.88:
            return ("www.example.org/event", "www.facebook.com/groups/togetherweheal",
                    "eventbrite.com/e/healing-circle")[int(r() * 3)]
        if x < 0.92:
            return f" https://forms.gle/{''.join(MEET_LETTERS[int(r() * 26)] for _ in range(10))} "
        if x < 0.96:
            return ""
        if x < 0.99:
            return ("TBD", "will email the link", "see flyer", "call for info")[int(r() * 4)]
        if x < 0.998:
            return f"https://zoom.us/j/{int(r() * 1e10):010d}"
        if x < 0.999:
            return "javascript:alert(1)"
        return "data:text/html,<script>alert(1)</script>"

    def _long_description(self, lo: int, hi: int) -> str:
        r = self.rng.random
        target = lo + int(r() * (hi - lo))
        sents = DESC_EN
        parts: list[str] = []
        size = 0
        while size < target:
            s = sents[int(r() * len(sents))]
            if r() < 0.15:
                s += "\n\n"
            parts.append(s)
            size += len(s) + 1
        return " ".join(parts)[:target]

    # -- rows ----------------------------------------------------------------------------------

    def normal_row(self) -> list[str]:
        r = self.rng.random
        email, name, org, _domain, phone = self._host()
        if r() < 0.05:
            other = OTHER_TYPES[int(r() * len(OTHER_TYPES))]
            event_type = other if r() < 0.6 else f"Other: {other.lower()}"
        else:
            event_type = TYPE_POOL[int(r() * len(TYPE_POOL))]
        langs = LANGUAGE_POOL[int(r() * len(LANGUAGE_POOL))]
        lang = LANGUAGE_TEXT[langs]
        if lang == "en+es" or lang == "en+pl":
            if r() < 0.5:
                lang = "en"
        title = self._title(event_type, lang)
        x = r()
        if x < 0.003:
            desc = self._long_description(3000, 8000)
        elif x < 0.02:
            desc = ""
        else:
            pool = self.descs[lang]
            desc = pool[int(r() * len(pool))]
        x = r()
        if x < 0.01:
            date = ""
        elif x < 0.03:
            date = self.dates_outside[int(r() * len(self.dates_outside))]
        else:
            date = self.dates[int(r() * len(self.dates))]
        sm = START_MINUTES[int(r() * len(START_MINUTES))]
        start = TIME_STR[sm]
        x = r()
        if x < 0.30:
            end = ""
        elif x < 0.32:
            end = TIME_STR[(sm - 60) % 1440]              # end before start
        elif x < 0.33:
            end = TIME_STR[(sm + 120) % 720]             # AM/PM mix-up
        else:
            end = TIME_STR[(sm + DURATIONS[int(r() * len(DURATIONS))]) % 1440]
        if r() < 0.01:
            start = ""
        loc, zip_ = self._location()
        link = self._link()
        consent = CONSENT_POOL[int(r() * len(CONSENT_POOL))]
        row = [self._timestamp(), email, name, org, title, event_type, desc, date, start, end,
               loc, zip_, link, langs, phone, consent]
        if r() < 0.004:
            self._inject(row, INJECTIONS[int(r() * len(INJECTIONS))])
        return row

    @staticmethod
    def _inject(row: list[str], injection: tuple[str, str]) -> None:
        field, payload = injection
        if field == "title":
            row[TITLE] = payload
        elif field == "org":
            row[ORG] = payload
        elif field == "name":
            row[NAME] = payload
        else:
            row[DESC] = (row[DESC] + " " + payload).strip()

    def repeat_row(self) -> list[str] | None:
        """A later resubmission of an earlier activity: same email, title and date."""
        bases = self.bases
        if not bases:
            return None
        r = self.rng.random
        base = bases[int(r() * len(bases))]
        row = list(base)
        row[TS] = self._timestamp()
        edit = ("Updated: now with ASL interpretation.", "(Corrected time.)",
                "Actualización: habrá intérprete.", "Please register early!",
                "New room — see link.")[int(r() * 5)]
        desc = base[DESC] if r() < 0.8 else base[DESC].replace(".", "!", 1)
        row[DESC] = (desc + " " + edit).strip()
        if r() < 0.4:
            row[START] = TIME_STR[START_MINUTES[int(r() * len(START_MINUTES))]]
        return row

    def row(self, i: int) -> list[str]:
        recipes = SPECIAL_RECIPES
        forced = len(recipes) * SPECIAL_EVERY
        if (i < forced and i % SPECIAL_EVERY == 3) or (i >= forced and i % SPECIAL_EVERY_LATER == 3):
            recipe = recipes[self.special_cursor % len(recipes)]
            self.special_cursor += 1
            row = recipe(self)
            if row is not None:
                return row
        if self.rng.random() < 0.03:
            row = self.repeat_row()
            if row is not None:
                return row
        row = self.normal_row()
        if row[TITLE] and row[DATE] and row[EMAIL] and len(self.bases) < 5000:
            self.bases.append(row)
        return row


# --------------------------------------------------------------------------------------------
# Special recipes: each returns one row showing one kind of mess.
# --------------------------------------------------------------------------------------------

Recipe = Callable[[_Gen], "list[str] | None"]


def _with(**fields: str) -> Recipe:
    index = {"email": EMAIL, "name": NAME, "org": ORG, "title": TITLE, "type": TYPE, "desc": DESC,
             "date": DATE, "start": START, "end": END, "loc": LOC, "zip": ZIP, "link": LINK,
             "langs": LANGS, "phone": PHONE, "consent": CONSENT}

    def recipe(g: _Gen) -> list[str]:
        row = g.normal_row()
        for key, value in fields.items():
            row[index[key]] = value
        return row
    return recipe


def _end_before_start(g: _Gen) -> list[str]:
    row = g.normal_row()
    row[START], row[END] = "7:00:00 PM", "5:30:00 PM"
    return row


def _long(g: _Gen) -> list[str]:
    row = g.normal_row()
    row[DESC] = g._long_description(5200, 8000)
    return row


def _long_medium(g: _Gen) -> list[str]:
    row = g.normal_row()
    row[DESC] = g._long_description(3000, 4900)
    return row


def _repeat(g: _Gen) -> list[str] | None:
    return g.repeat_row()


def _spanish(g: _Gen) -> list[str]:
    row = g.normal_row()
    row[EMAIL], row[NAME], row[TITLE], row[DESC] = "begona.munoz@gmail.com", "Begoña Muñoz Peña", *SPANISH_TEXT
    row[LANGS] = "Spanish"
    return row


def _polish(g: _Gen) -> list[str]:
    row = g.normal_row()
    row[EMAIL], row[NAME], row[TITLE], row[DESC] = ("m.wisniewska@swjacek.org", "Małgorzata Wiśniewska-Żółć",
                                                    *POLISH_TEXT)
    row[ORG] = "Parafia Świętego Jacka – grupa młodzieżowa"
    row[LANGS] = "Polish"
    return row


def _emoji(g: _Gen) -> list[str]:
    row = g.normal_row()
    row[TITLE] = "Garden of Healing 🌱💜"
    row[DESC] = "We plant bulbs together and talk about roots 🌱💜🙏🏾 Bring gloves!"
    return row


SPECIAL_RECIPES: list[Recipe] = [
    _with(type="Poetry night"),
    _with(type="Other: drum circle"),
    _with(loc="hyde park"),
    _with(loc="AUSTIN"),
    _with(loc="Englwood"),
    _with(loc="Pilsen"),
    _with(loc="60623", zip=""),
    _with(loc="5100 S Ashland Ave, Chicago, IL 60609"),
    _with(loc="63rd and Halsted"),
    _with(loc="City-wide"),
    _with(loc="Evanston", zip="60201"),
    _with(loc="asdfgh"),
    _with(loc=""),
    _with(loc="Back of the Yards", zip="02134"),
    _with(loc="O'Hare"),
    _with(link="zoom.us/j/123456789"),
    _with(link="www.example.org/event"),
    _with(link="javascript:alert(1)"),
    _with(link="data:text/html,<script>alert(1)</script>"),
    _with(link=""),
    _with(phone="call me"),
    _with(phone="(773) 555-0142"),
    _with(consent="No"),
    _with(consent=""),
    _end_before_start,
    _with(end=""),
    _with(title=""),
    _with(date=""),
    _with(date="11/15/2025"),
    _with(date="3/14/2027"),
    _long,
    _long_medium,
    _with(desc="Come for <b>bold</b> conversation and <i>soft</i> hearts."),
    _with(title="<script>alert(1)</script>"),
    _with(org="<img src=x onerror=alert(1)>"),
    _with(desc="Tickets: ${alert(1)} free `for everyone` — bring ${friends}"),
    _with(title='=HYPERLINK("http://evil.example","click")'),
    _with(org="+1 555"),
    _with(desc="-@SUM(A1)"),
    _with(name="@cmd"),
    _with(email="MARIA.GARCIA@GMAIL.COM", name="MARIA GARCIA"),
    _with(email="maria at gmail", name="María López"),
    _with(email="bob@", name="Bob Kowalski"),
    _polish,
    _spanish,
    _emoji,
    _repeat,
    _with(langs="English, Spanish, Polish"),
    _with(loc="Humbolt Park"),
    _with(loc="Little Village", zip="60623"),
    _with(loc="Cermak & Kedzie"),
    _with(loc="Gary, IN", zip="46402"),
]


def generate_responses(n: int, *, seed: int = DEFAULT_SEED) -> tuple[list[str], list[list[str]]]:
    """``n`` synthetic form responses: (headers, rows), every cell a string."""
    if n < 0:
        raise ValueError("n must be >= 0")
    g = _Gen(n, seed)
    row = g.row
    rows = g.rows
    append = rows.append
    for i in range(n):
        append(row(i))
    return list(HEADERS), rows


def write_csv(stream, headers: list[str], rows: list[list[str]]) -> None:
    """Write as a Sheets CSV export does: default dialect, ``\\r\\n`` line endings."""
    w = csv.writer(stream)
    w.writerow(headers)
    w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic",
                                     description="Write synthetic Google Form responses as CSV.")
    parser.add_argument("--rows", type=int, required=True, help="number of responses")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--output", help="CSV file to write (default: stdout)")
    args = parser.parse_args(argv)
    if args.rows < 0:
        parser.error("--rows must be >= 0")
    headers, rows = generate_responses(args.rows, seed=args.seed)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            write_csv(fh, headers, rows)
    else:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            write_csv(out, headers, rows)
            out.flush()
        finally:
            out.detach()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
