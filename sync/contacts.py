"""Contact details typed into public answers, removed before anything is published.

Hosts write "RSVP to ana@example.org or text 773-555-0142" in a description, or
"Ana Ruiz (ana@example.org)" as the organization. In every public text field
(activity name, organization, the "Other:" activity type, description) this
removes, each replaced by :data:`REMOVED`:

- any email address (a regex: something@domain.tld);
- any phone number ``phonenumbers.PhoneNumberMatcher`` finds valid for the
  configured ``phone_region`` (it leaves dates, times, years and ZIP codes alone);
- the host's own phone, however it is written, also without its area code;
- the host's own name as a whole phrase, in any case, when it is at least two
  words or one word of at least four letters. The parts of a name are never
  removed alone: "Ana" inside "Ana's kitchen" could be anyone, and a short
  single name ("Jo") would mangle prose.

Each field changed gets a staff warning ``contact_removed`` naming the field,
never the value. The location answer is not scrubbed: it reaches no public file
(the map shows the community area the gazetteer found, not the host's words).
"""

from __future__ import annotations

import re

import phonenumbers

from sync.records import Reason, Response

REMOVED = "[contact removed]"

#: Public text fields (Response attributes) → the sheet field a warning names, and its label.
PUBLIC_TEXT = {
    "title": ("title", "activity name"),
    "organization": ("organization", "organization"),
    "event_type_detail": ("event_type", "activity type (the “Other:” answer)"),
    "description": ("description", "description"),
}

_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
#: Seven digits, whatever lies between them: the least a phone number has.
_SEVEN_DIGITS = re.compile(r"\d(?:\D*\d){6}")
_NON_DIGITS = re.compile(r"\D")
#: What may separate a phone number's digits: spaces, dots, dashes, brackets.
_GAP = r"[\s().\-]*"
_LETTERS = re.compile(r"[^\W\d_]")


class ContactScrubber:
    """Removes contact details from one response's public text; see the module docstring."""

    def __init__(self, *, region: str):
        self.region = region

    def scrub(self, r: Response, *, name: str, phone: str) -> None:
        """Clean ``r``'s public fields, given the host's name and phone as typed; warn per field changed."""
        own = _Own(name, phone)
        everything = "\n".join([getattr(r, attribute) for attribute in PUBLIC_TEXT])
        # Most responses hold no contact at all: one look at all their public text settles them.
        if "@" not in everything and not _SEVEN_DIGITS.search(everything) and not own.may_name(everything):
            return
        for attribute, (field, label) in PUBLIC_TEXT.items():
            text = getattr(r, attribute)
            if not text:
                continue
            cleaned = self.clean(text, own)
            if cleaned != text:
                setattr(r, attribute, cleaned)
                r.add(Reason("contact_removed", f"contact details removed from the {label}", "warning", field))

    def clean_texts(self, texts: list[str], *, name: str, phone: str) -> list[str]:
        """Each text cleaned as :meth:`scrub` cleans a public field, given the host's name and phone as typed."""
        own = _Own(name, phone)
        if not any("@" in t or _SEVEN_DIGITS.search(t) or own.may_name(t) for t in texts):
            return texts
        return [self.clean(t, own) for t in texts]

    def clean(self, text: str, own: _Own | None = None) -> str:
        """``text`` with every email and phone number, and the host's own ones, replaced by :data:`REMOVED`."""
        spans = []
        if "@" in text:
            spans += [m.span() for m in _EMAIL.finditer(text)]
        digits = _SEVEN_DIGITS.search(text) is not None
        if digits:
            spans += [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, self.region)]
        if own is not None:
            spans += own.spans(text, digits=digits)
        if not spans:
            return text
        parts, end = [], 0
        for start, stop in sorted(spans):
            if start >= end:
                parts += [text[end:start], REMOVED]
            end = max(end, stop)
        return "".join(parts) + text[end:]


class _Own:
    """The host's own name and phone as patterns, compiled only once a field may hold them."""

    def __init__(self, name: str, phone: str):
        words = name.split()
        distinctive = len(words) > 1 or (len(words) == 1 and len(_LETTERS.findall(words[0])) >= 4)
        self._name_words = words if distinctive else []
        self._phone_text = phone
        self._name: re.Pattern | None = None
        self._phone: re.Pattern | None = None

    def may_name(self, text: str) -> bool:
        """Whether ``text`` may hold the host's name: its last word is in it, in any case."""
        return bool(self._name_words) and self._name_words[-1].casefold() in text.casefold()

    def spans(self, text: str, *, digits: bool) -> list[tuple[int, int]]:
        found = []
        if self.may_name(text):
            if self._name is None:
                self._name = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, self._name_words)) + r"(?!\w)",
                                        re.IGNORECASE)
            found += [m.span() for m in self._name.finditer(text)]
        if digits and self._phone is None and self._phone_text:
            own_digits = _national_digits(self._phone_text)
            self._phone_text = ""  # worked out once, whatever it gave
            if own_digits:
                self._phone = _phone_pattern(own_digits)
        if digits and self._phone is not None:
            found += [m.span() for m in self._phone.finditer(text)]
        return found


def _national_digits(phone: str) -> str:
    """The digits of a phone number without a leading country code 1; "" when too short to be one."""
    digits = _NON_DIGITS.sub("", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 7 else ""


def _phone_pattern(digits: str) -> re.Pattern:
    """A number in any formatting: with or without its country and area code."""
    local = _GAP.join(digits[-7:])
    area = _GAP.join(digits[:-7])
    prefix = rf"(?:(?:\+?1{_GAP})?{area}{_GAP})?" if area else ""
    return re.compile(rf"(?<!\d){prefix}{local}(?!\d)")
