"""The response's fields, declared once (a frictionless ``Schema`` of :class:`Field`).

Every stage takes its columns from :data:`FIELDS`, by name and never by position:
the config's default headers and its checks (:class:`~sync.config.FieldsConfig`),
the header mapping and the labels of staff messages (:mod:`sync.normalize`), the
stored decisions' layout (:mod:`sync.state`), the CSV columns, the GeoJSON
properties (:mod:`sync.publish.exports`, :mod:`sync.publish`) and the map page's
wire keys (:mod:`sync.publish.map_page`).

Two kinds of field share the table:

- *questions* have a ``header``, the form question a Google Form writes into the
  sheet's header row; staff map it in ``[fields]``;
- *derived* fields have none: a stage works them out (the activity id, the start
  time, the community area…), and the outputs list them like any other column.

Staff add their own questions with ``[[fields.extra]]`` (:func:`extra_field`):
they are fields of this same shape, appended to the outputs after the built-in
columns. Each output is a *view*, an ordered tuple of field names
(:data:`EVENT_VIEW`, :data:`STAFF_VIEW`, :data:`REJECTED_VIEW`); a field's ``role``
says whether a public view may list it.

>>> FIELDS["event_type"].csv, FIELDS["event_type"].wire
('type', ('y',))
>>> [f.name for f in QUESTIONS][:3]
['submitted_at', 'contact_email', 'contact_name']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Role = Literal["public", "staff"]
#: Types of a custom question (``[[fields.extra]] type``); the built-in fields have their own.
EXTRA_TYPES = ("text", "choice", "multi-choice", "yes-no")
#: Where the map page's data carries the public custom questions (one column each, in config order).
EXTRAS_WIRE = "q"


@dataclass(frozen=True)
class Field:
    """One column of a response: a form question or a value a stage works out.

    ``normalizer`` names the :class:`~sync.normalize.Normalizer` step that reads a
    question's cell (``text``: trimmed and NFC, ``multiline``: the same keeping line
    breaks; the others parse: ``timestamp``, ``email``, ``phone``, ``event_type``,
    ``date``, ``time``, ``link``, ``languages``, ``yes-no``; custom questions: their
    ``type``). ``attribute`` is the :class:`~sync.records.Response` attribute it
    fills, ``csv`` its column in the CSV files and its key in ``events.geojson``,
    ``wire`` its key(s) in the map page's data. ``contact`` marks the host's own
    details, which no public file ever holds.
    """

    name: str
    label: str
    label_es: str
    type: str
    role: Role
    header: str = ""
    required: bool = False
    #: The sheet may lack the column (staff add ``Approved`` when they start moderating).
    optional: bool = False
    normalizer: str = ""
    attribute: str = ""
    csv: str = ""
    wire: tuple[str, ...] = ()
    contact: bool = False
    #: Custom questions: offered as a filter on the map, and the answers staff expect (in order).
    filter: bool = False
    choices: tuple[str, ...] = ()

    @property
    def question(self) -> bool:
        """Whether the form asks it (it has a header), rather than a stage working it out."""
        return bool(self.header)

    @property
    def text_attribute(self) -> bool:
        """Whether its Response attribute holds the answer's text, often exactly as the cell has it."""
        return self.type in ("text", "long-text", "email", "phone", "place", "zip", "url", "choice") and bool(
            self.attribute) and self.question

    def label_in(self, language: str) -> str:
        """The label in a page language (English for any but Spanish)."""
        return self.label_es if language == "es" and self.label_es else self.label


def _q(name, header, label, label_es, type, role, normalizer, *, attribute=None, csv=None, wire=(), **more) -> Field:
    return Field(name, label, label_es, type, role, header=header, normalizer=normalizer,
                 attribute=name if attribute is None else attribute, csv=name if csv is None else csv,
                 wire=wire, **more)


def _d(name, label, label_es, type, role, *, attribute="", wire=()) -> Field:
    return Field(name, label, label_es, type, role, attribute=attribute, csv=name, wire=wire)


#: Every field, questions in the default form's order, then what the stages work out.
_TABLE = (
    # --- the default form's questions (README, "The default form") ---
    _q("submitted_at", "Timestamp", "timestamp", "marca de tiempo", "timestamp", "staff", "timestamp"),
    _q("contact_email", "Email Address", "email", "correo electrónico", "email", "staff", "email", contact=True),
    _q("contact_name", "Your name", "name", "nombre", "text", "staff", "text", contact=True),
    _q("organization", "Organization or group (optional)", "organization", "organización", "text", "public",
       "text", wire=("o",)),
    _q("title", "Name of your activity", "activity name", "nombre de la actividad", "text", "public", "text",
       required=True, wire=("t",)),
    _q("event_type", "What type of activity is it?", "activity type", "tipo de actividad", "choice", "public",
       "event_type", csv="type", required=True, wire=("y",)),
    _q("description", "Describe your activity", "description", "descripción", "long-text", "public",
       "multiline", wire=("d",)),
    _q("event_date", "Date of the activity", "date", "fecha", "date", "public", "date", csv="date",
       required=True),
    # The times fill the derived starts_at and ends_at, on the activity's date.
    _q("start_time", "Start time", "start time", "hora de inicio", "time", "public", "time", attribute="starts_at",
       csv="", required=True),
    _q("end_time", "End time", "end time", "hora de fin", "time", "public", "time", attribute="ends_at", csv=""),
    # The host's words about the place stay with staff: the map shows the community area found.
    _q("location", "Which community area or neighborhood is it rooted in?", "location", "lugar", "place", "staff",
       "text", attribute="location_text", csv="location_text", required=True),
    _q("zip", "ZIP code (optional)", "ZIP code", "código postal", "zip", "staff", "text"),
    _q("link", "Link to join or register", "link", "enlace", "url", "public", "link", required=True,
       wire=("h", "u")),  # the link's scheme and host (shared by many), then the rest
    _q("languages", "Languages", "languages", "idiomas", "multi-choice", "public", "languages", wire=("l",)),
    _q("contact_phone", "Phone (optional, for staff only)", "phone", "teléfono", "phone", "staff", "phone",
       contact=True),
    _q("public_consent", "May we show this activity on the public healing map?", "consent", "consentimiento",
       "yes-no", "staff", "yes-no"),
    _q("approved", "Approved", "approval", "aprobación", "yes-no", "staff", "yes-no", optional=True),
    # --- worked out by the stages ---
    _d("id", "activity id", "id de la actividad", "text", "public", wire=("id",)),
    _d("row_number", "sheet row", "fila de la hoja", "integer", "staff", attribute="row_number"),
    _d("status", "status", "estado", "choice", "staff", attribute="status"),
    _d("reason_codes", "reason codes", "códigos de motivo", "text", "staff"),
    _d("reason_titles", "reasons (catalogue titles)", "motivos (títulos del catálogo)", "text", "staff"),
    _d("reasons", "reasons", "motivos", "text", "staff"),
    _d("warning_codes", "warning codes", "códigos de aviso", "text", "staff"),
    _d("warnings", "warnings", "avisos", "text", "staff"),
    _d("staff_actions", "what to do", "qué hacer", "text", "staff"),
    _d("type_detail", "“Other:” activity type", "tipo de actividad «Otro:»", "text", "public",
       attribute="event_type_detail", wire=("x",)),
    _d("starts_at", "starts", "empieza", "datetime", "public", attribute="starts_at", wire=("s",)),
    _d("ends_at", "ends", "termina", "datetime", "public", attribute="ends_at", wire=("e",)),
    _d("community_area", "community area number", "número del área comunitaria", "integer", "public"),
    _d("community_area_name", "community area", "área comunitaria", "text", "public"),
    _d("side", "side of the city", "lado de la ciudad", "text", "public", wire=("w",)),
    _d("venue", "venue", "lugar conocido", "text", "staff"),
    _d("precision", "precision", "precisión", "choice", "public"),
    _d("place", "place", "lugar", "text", "public", wire=("p",)),
    _d("lat", "latitude", "latitud", "number", "public"),
    _d("lon", "longitude", "longitud", "number", "public"),
    _d("matched", "matched as", "reconocido como", "text", "staff"),
)

#: Field name → field.
FIELDS: dict[str, Field] = {f.name: f for f in _TABLE}
#: The form's questions, in the default form's order.
QUESTIONS: tuple[Field, ...] = tuple(f for f in _TABLE if f.question)
#: Names of the built-in questions (``[fields]`` keys, ``validation.required`` entries).
QUESTION_NAMES: tuple[str, ...] = tuple(f.name for f in QUESTIONS)

#: ``public/events.csv``'s columns and ``events.geojson``'s properties (with ``lat``/``lon`` as the geometry).
EVENT_VIEW = (
    "id", "title", "organization", "event_type", "type_detail", "description", "event_date", "starts_at", "ends_at",
    "languages", "link", "community_area", "community_area_name", "side", "precision", "place", "lat", "lon",
)
#: ``staff/responses.csv``: every response, everything staff need (the exact point included).
STAFF_VIEW = (
    "row_number", "status", "reason_codes", "reason_titles", "reasons", "warning_codes", "warnings", "submitted_at",
    "contact_name", "contact_email",
    "contact_phone", "organization", "title", "event_type", "type_detail", "event_date", "starts_at", "ends_at",
    "location", "zip", "link", "languages", "public_consent", "approved", "community_area",
    "community_area_name", "side", "venue", "precision", "lat", "lon", "matched", "description",
)
#: ``staff/rejected.csv``: one row per rejected response, with every blocking reason.
REJECTED_VIEW = (
    "row_number", "submitted_at", "title", "contact_name", "contact_email", "reason_codes", "reason_titles",
    "reasons", "staff_actions", "location", "link",
)


def columns(view: tuple[str, ...], extras: tuple[Field, ...] = ()) -> tuple[str, ...]:
    """A view's column names (``csv``), then those of the custom questions it shows."""
    return tuple(FIELDS[name].csv for name in view) + tuple(f.csv for f in extras)


def slug(text: str) -> str:
    """A column name from a question's text: ``"Who is it for?"`` → ``who_is_it_for``.

    >>> slug("Accessibility (captions, ASL, interpreter)")
    'accessibility_captions_asl_interpreter'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def extra_field(*, header: str, name: str = "", label: str = "", label_es: str = "", public: bool = False,
                type: str = "text", filter: bool = False, choices: tuple[str, ...] = ()) -> Field:
    """A custom question (``[[fields.extra]]``) as a field; its name defaults to the header's :func:`slug`."""
    name = name or slug(header)
    label = label or header
    return Field(name, label, label_es or label, type, "public" if public else "staff", header=header,
                 normalizer=type, csv=name, filter=filter, choices=tuple(choices))


def _check() -> None:
    """The views list known fields, public views only public ones, and no two fields share a key."""
    unknown = [name for view in (EVENT_VIEW, STAFF_VIEW, REJECTED_VIEW) for name in view if name not in FIELDS]
    staff_in_public = [name for name in EVENT_VIEW if name in FIELDS and FIELDS[name].role != "public"]
    wires = [key for f in _TABLE for key in f.wire] + [EXTRAS_WIRE]
    csvs = [f.csv for f in _TABLE if f.csv]
    if unknown or staff_in_public or len(wires) != len(set(wires)) or len(csvs) != len(set(csvs)):
        raise AssertionError(f"sync/fields.py: unknown {unknown}, staff fields in public {staff_in_public}, "
                             "or two fields share a wire key or a CSV column")


_check()

#: Column names no custom question may take (they are the built-in fields' names and columns).
RESERVED_NAMES = frozenset(FIELDS) | frozenset(f.csv for f in _TABLE if f.csv)
