"""Fold what residents type as a place into comparable words.

One key per spelling: case, accents, apostrophes and punctuation go; the
abbreviations people write in place names become words ("W." → west,
"Hts" → heights, "St." → saint, "Mt." → mount, "Pk" → park). Matching then
compares keys, so "W. Englewood" and "west englewood" are the same answer,
and never "englewood".

>>> place_key("W. Englewood")
'west englewood'
>>> place_key("Washington Hts.")
'washington heights'
>>> place_key("St. Sabina")
'saint sabina'
>>> place_key("O’Hare")
'ohare'
>>> place_key("Barrio de Pilsen!")
'barrio de pilsen'
>>> place_key("SW Side")
'southwest side'
>>> place_key("the Southside")
'the south side'
"""

from __future__ import annotations

import re

from sync.publish.rules import fold as search_fold

#: Abbreviations that stand for a word in place names. "St" is "saint" here: place names
#: reach this after street addresses were told apart (see addresses.py), so "63rd St" never does.
ABBREVIATIONS = {
    "n": "north", "s": "south", "e": "east", "w": "west",
    "nw": "northwest", "ne": "northeast", "sw": "southwest", "se": "southeast",
    "st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "hts": "heights", "hgts": "heights",
    "pk": "park", "sq": "square", "vlg": "village", "vill": "village", "gdns": "gardens", "gdn": "garden",
    "lk": "lake", "mtn": "mountain", "univ": "university", "lib": "library",
    "ctr": "center", "cntr": "center", "centre": "center", "neighbourhood": "neighborhood",
    "hosp": "hospital", "sch": "school", "nbhd": "neighborhood", "hood": "neighborhood",
    "blvd": "boulevard", "chgo": "chicago", "wash": "washington", "jeff": "jefferson", "acad": "academy",
    "hs": "high school",
}

#: Direction words: a name with one never matches a name without it, or with another.
DIRECTIONS = frozenset({
    "north", "south", "east", "west", "northwest", "northeast", "southwest", "southeast", "far", "near",
    "lower", "upper", "central",
})

#: Generic words of place names. A misspelling may not turn one into another ("Park" vs "Ridge").
GENERIC_WORDS = frozenset({
    "park", "ridge", "square", "heights", "village", "lawn", "gardens", "garden", "manor", "hill", "hills",
    "grove", "woods", "wood", "terrace", "point", "shore", "town", "city", "side", "field", "glen",
    "highlands", "estates", "place", "valley", "island", "lake", "beach", "harbor", "plaza", "homes",
    "courts", "crossing", "boulevard", "triangle", "corridor", "district", "yards", "center", "library",
    "museum", "university", "college", "church", "hospital", "school", "branch", "regional", "old", "new",
    "little", "greater", "mount", "saint", "fort", "de", "la", "el", "los", "las", "of", "and",
})

_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """The map's search folding, then no apostrophes or punctuation: words separated by single spaces.

    :func:`sync.publish.rules.fold` takes case and accents away (the one rule, shared with
    the map's search); a place answer also loses the strokes search keeps ("ł", "ø"),
    its apostrophes and punctuation, and reads "&" as "and".
    """
    text = search_fold(text).replace("ł", "l").replace("ø", "o").replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


#: "Southside", "Westside", "NWside": a side written as one word.
_FUSED_SIDE = re.compile(r"^(north|south|east|west|northwest|northeast|southwest|southeast|nw|ne|sw|se|n|s|e|w)side$")


def words(text: str) -> list[str]:
    """The folded words of a text, abbreviations written out, fused sides split."""
    out = []
    for word in fold(text).split():
        fused = _FUSED_SIDE.match(word)
        if fused:
            out += [ABBREVIATIONS.get(fused[1], fused[1]), "side"]
        else:
            out.extend(ABBREVIATIONS.get(word, word).split())
    return out


def place_key(text: str) -> str:
    """The comparison key of a place answer (see the module's examples)."""
    return " ".join(words(text))


def is_ordinal_street(word: str) -> bool:
    """"63rd", "111th", "1st": Chicago's numbered streets."""
    return bool(re.fullmatch(r"\d{1,3}(st|nd|rd|th)", word))
