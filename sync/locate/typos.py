"""Misspelt place names, matched only where a typo cannot move the place.

A name's words are of two sorts. *Marker* words (directions: north, west, far…;
generic words: park, ridge, heights, square…) must be typed as they are, so
"West Side" never becomes "East Side" and "Garfield Ridge" never "Garfield Park".
A misspelt marker is first put right when it is one edit from exactly one
marker ("Sqaure" → square). The other, distinctive words may carry a small typo:
one edit (a transposition counts as one) in words of 5–8 letters, two from 9,
none under 5, the first letter right, and a rapidfuzz ``ratio`` of at least the
configured ``fuzzy_threshold``. A typo that could be two different places is no
match at all.

>>> from sync.locate.placedata import Place
>>> names = {"pilsen": Place("neighborhood", "Pilsen", 31), "west side": Place("side", "West", sides=("West",)),
...          "east side": Place("area", "East Side", 52), "logan square": Place("area", "Logan Square", 22)}
>>> matcher = TypoMatcher(names, threshold=80)
>>> matcher.match(["pilson"])[0].name
'Pilsen'
>>> matcher.match(["logan", "sqaure"])[0].name
'Logan Square'
>>> matcher.match(["wast", "side"])[0].name           # a misspelt direction stays its own direction
'West'
>>> matcher.match(["pilson", "wast", "side"]) is None    # Pilsen or the West Side? no guess
True
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from sync.locate.placedata import Place
from sync.locate.placetext import DIRECTIONS, GENERIC_WORDS

MARKERS = DIRECTIONS | GENERIC_WORDS
#: The shortest word a typo is allowed in, and the shortest misspelt marker put right ("shor").
_MIN_TYPO_LENGTH = 5
_MIN_MARKER_LENGTH = 4
#: Names of more words than this are not matched with typos.
_MAX_WORDS = 4


class TypoMatcher:
    """Finds the one name an answer's words misspell, or nothing."""

    def __init__(self, names: dict[str, Place], *, threshold: float):
        self.threshold = threshold
        self._by_size: dict[int, list[tuple[tuple[str, ...], Place, str]]] = {}
        for key, place in names.items():
            words = tuple(key.split())
            if 0 < len(words) <= _MAX_WORDS:
                self._by_size.setdefault(len(words), []).append((words, place, key))
        self._long_markers = [m for m in MARKERS if len(m) >= _MIN_MARKER_LENGTH]

    def match(self, words: list[str]) -> tuple[Place, str] | None:
        """``(place, the name it was taken for)`` when exactly one place is meant, else ``None``."""
        typed, words = words, [self._marker(w) for w in words]
        spans: list[tuple[int, int, Place, str]] = []
        for size in range(min(_MAX_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(s <= start and start + size <= e for s, e, _, _ in spans):
                    continue  # inside a longer match: "Englwood" within "West Englwood"
                window = words[start:start + size]
                corrected = window != typed[start:start + size]
                for name_words, place, key in self._by_size.get(size, ()):
                    if self._close(window, name_words, corrected=corrected):
                        spans.append((start, start + size, place, key))
        found = {place.target: (place, key) for _, _, place, key in spans}
        return next(iter(found.values())) if len(found) == 1 else None

    def _marker(self, word: str) -> str:
        """A misspelt marker put right ("hieghts" → "heights") when only one marker is that close."""
        if word in MARKERS or len(word) < _MIN_MARKER_LENGTH:
            return word
        close = [m for m in self._long_markers if m[0] == word[0] and OSA.distance(word, m) <= 1]
        return close[0] if len(close) == 1 else word

    def _close(self, typed: list[str], name: tuple[str, ...], *, corrected: bool) -> bool:
        typo = corrected
        for word, target in zip(typed, name):
            if word == target:
                continue
            if word in MARKERS or target in MARKERS or not self._typo(word, target):
                return False
            typo = True
        return typo

    def _typo(self, word: str, target: str) -> bool:
        if len(target) < _MIN_TYPO_LENGTH or word[:1] != target[:1] or word.isdigit():
            return False
        allowed = 1 if len(target) < 9 else 2
        return OSA.distance(word, target) <= allowed and fuzz.ratio(word, target) >= self.threshold


def suggestions(text: str, names: dict[str, Place], *, limit: int = 3) -> list[str]:
    """The closest known names to an unplaced answer, for staff ("did you mean Pilsen?")."""
    if not text:
        return []
    shown: list[str] = []
    for key, _score, _ in process.extract(text, list(names), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70):
        place = names[key]
        label = place.name if place.kind != "side" else f"{place.name} Side"
        if label not in shown:
            shown.append(label)
        if len(shown) == limit:
            break
    return shown
