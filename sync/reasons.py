"""The reason catalogue: every reason code the sync emits, in plain words for hosts and staff.

One table, plain data: ``code``, ``severity`` (``rejected``, ``held`` or
``warning``), a title a host understands (English and Spanish), what the host
should do, a title for staff and what staff should do. The messages to hosts
(:mod:`sync.notify`) are rendered from it, and so are the ``reason_titles`` of
``staff/responses.csv`` and ``staff/rejected.csv``, the titles and actions of
``report.json`` and the staff page, and the README's table (``python -m sync.reasons``).
No other file writes a reason's title; a reason's own ``message`` only says what
was typed (``date '13/45/2026' is not a date``).

Codes come from :mod:`sync.normalize`, :mod:`sync.validate` and the locators
(``grep -rn 'Reason(' sync/`` and the ``code`` of each :class:`~sync.errors.LocateError`).
A code missing here never breaks a message: :func:`lookup` falls back to the
reason's own message and a generic "reply to this email" action.

>>> lookup("link_not_http").title["es"]
'El enlace no es una dirección web (debe empezar con http:// o https://)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class CatalogueEntry:
    """One reason code in plain words. ``title`` and ``host_action`` are keyed by language."""

    code: str
    severity: str
    #: What it means, for staff: the ``reason_titles`` of the staff CSVs, the staff page, the README.
    staff_title: str
    title: dict[str, str]
    host_action: dict[str, str]
    staff_action: str


#: How a host's form question is named in each language (for the ``missing_<field>`` codes).
QUESTION_NAMES = {
    "submitted_at": ("the timestamp", "la marca de tiempo"),
    "contact_email": ("your email", "su correo electrónico"),
    "contact_name": ("your name", "su nombre"),
    "organization": ("the organization", "la organización"),
    "title": ("the name of your activity", "el nombre de su actividad"),
    "event_type": ("the type of activity", "el tipo de actividad"),
    "description": ("the description", "la descripción"),
    "event_date": ("the date of the activity", "la fecha de la actividad"),
    "start_time": ("the start time", "la hora de inicio"),
    "end_time": ("the end time", "la hora de término"),
    "location": ("the community area or neighborhood", "el área comunitaria o el barrio"),
    "zip": ("the ZIP code", "el código postal"),
    "link": ("the link to join or register", "el enlace para participar o inscribirse"),
    "languages": ("the languages", "los idiomas"),
    "contact_phone": ("your phone", "su teléfono"),
    "public_consent": ("whether we may show it on the map", "si podemos mostrarla en el mapa"),
    "approved": ("staff approval", "la aprobación del personal"),
}

#: The staff title of every ``missing_<field>`` code: the code names the question.
MISSING_TITLE = "A required question not answered"
_FIX_FORM = ("Use the link below to open the form with your answers, correct this and send it again.",
             "Use el enlace de abajo para abrir el formulario con sus respuestas, corrija esto y envíelo de nuevo.")
_NOTHING = ("Nothing: we will let you know when this changes.", "Nada: le avisaremos cuando esto cambie.")
_NOTE = ("Nothing: this is only a note.", "Nada: es solo una nota.")


def _entry(code: str, severity: str, staff_title: str, title: tuple[str, str], action: tuple[str, str],
           staff: str) -> CatalogueEntry:
    return CatalogueEntry(code, severity, staff_title, dict(zip(LANGUAGES, title)), dict(zip(LANGUAGES, action)),
                          staff)


CATALOGUE: dict[str, CatalogueEntry] = {e.code: e for e in (
    # --- rejected: the host fixes the answer and sends the form again ------------------------
    _entry("date_invalid", "rejected", "Date of the activity not readable",
           ("The date of the activity is not a date we can read", "La fecha de la actividad no es una fecha que podamos leer"),
           ("Write the date as month/day/year, for example 12/5/2026, and send the form again.",
            "Escriba la fecha como mes/día/año, por ejemplo 12/5/2026, y envíe el formulario de nuevo."),
           "Correct the date in the sheet if the host's meaning is clear; the next sync picks it up."),
    _entry("start_time_invalid", "rejected", "Start time not a time of day",
           ("The start time is not a time of day", "La hora de inicio no es una hora del día"),
           ("Write the start time like 6:30 PM and send the form again.",
            "Escriba la hora de inicio como 6:30 PM y envíe el formulario de nuevo."),
           "Correct the start time in the sheet if the host's meaning is clear."),
    _entry("end_time_invalid", "rejected", "End time not a time of day",
           ("The end time is not a time of day", "La hora de término no es una hora del día"),
           ("Write the end time like 8:00 PM, or leave it empty, and send the form again.",
            "Escriba la hora de término como 8:00 PM, o déjela vacía, y envíe el formulario de nuevo."),
           "Correct or clear the end time in the sheet."),
    _entry("date_outside_campaign", "rejected", "Date outside the campaign",
           ("The date is outside the campaign's dates", "La fecha está fuera de las fechas de la campaña"),
           ("Choose a date within the campaign and send the form again.",
            "Elija una fecha dentro de la campaña y envíe el formulario de nuevo."),
           "Check the campaign dates in [campaign]; otherwise ask the host for a date inside them."),
    _entry("end_before_start", "rejected", "End time not after the start time",
           ("The end time is not after the start time", "La hora de término no es posterior a la de inicio"),
           ("Check AM and PM on both times and send the form again.",
            "Revise AM y PM en ambas horas y envíe el formulario de nuevo."),
           "Usually AM/PM swapped: correct it in the sheet if the meaning is clear."),
    _entry("link_not_http", "rejected", "Link not an http(s) web address",
           ("The link is not a web address (it must start with http:// or https://)",
            "El enlace no es una dirección web (debe empezar con http:// o https://)"),
           ("Paste the full link that people open to join or register, starting with https://.",
            "Pegue el enlace completo que la gente abre para participar o inscribirse, que empiece con https://."),
           "Never publish another kind of link (javascript:, mailto:…); ask the host for the web link."),
    _entry("link_invalid", "rejected", "Link not a valid web address",
           ("The link is not a valid web address", "El enlace no es una dirección web válida"),
           ("Copy the link from your browser's address bar and send the form again.",
            "Copie el enlace de la barra de direcciones de su navegador y envíe el formulario de nuevo."),
           "Correct an obvious typo in the sheet, else ask the host."),
    _entry("title_too_long", "rejected", "Activity name too long",
           ("The name of the activity is too long", "El nombre de la actividad es demasiado largo"),
           ("Give the activity a shorter name (put the details in the description) and send the form again.",
            "Dele a la actividad un nombre más corto (ponga los detalles en la descripción) y envíe el formulario de nuevo."),
           "Shorten the name in the sheet, or raise validation.max_title_length."),
    _entry("organization_too_long", "rejected", "Organization name too long",
           ("The organization's name is too long", "El nombre de la organización es demasiado largo"),
           ("Write a shorter organization name and send the form again.",
            "Escriba un nombre de organización más corto y envíe el formulario de nuevo."),
           "Shorten it in the sheet, or raise validation.max_organization_length."),
    _entry("location_not_found", "rejected", "Place not found in Chicago",
           ("We could not find the place you gave in Chicago", "No encontramos en Chicago el lugar que indicó"),
           ("Write a Chicago community area or neighborhood (for example Pilsen), a ZIP code, or \"citywide\".",
            "Escriba un área comunitaria o barrio de Chicago (por ejemplo Pilsen), un código postal, o \"toda la ciudad\"."),
           "If it is a real place, add it to the corrections file or the neighborhood aliases."),
    _entry("outside_city", "rejected", "Place outside Chicago",
           ("The place is outside Chicago", "El lugar está fuera de Chicago"),
           ("The map shows activities rooted in Chicago: give the Chicago area your activity serves.",
            "El mapa muestra actividades de Chicago: indique el área de Chicago a la que sirve su actividad."),
           "Confirm with the host; suburbs are not on the map."),
    _entry("needs_geocoder", "rejected", "Street address or intersection, and no online geocoder",
           ("We cannot place a street address yet", "Todavía no podemos ubicar una dirección"),
           ("Add the ZIP code or the neighborhood and send the form again.",
            "Agregue el código postal o el barrio y envíe el formulario de nuevo."),
           "Turn on [geocoder], or add the ZIP to the sheet."),
    # --- held: valid but not public ------------------------------------------------------------
    _entry("no_consent", "held", "Host said No to the public map",
           ("You asked us not to show it on the public map", "Nos pidió no mostrarla en el mapa público"),
           ("If you change your mind, send the form again answering Yes to showing it on the map.",
            "Si cambia de opinión, envíe el formulario de nuevo respondiendo Sí a mostrarla en el mapa."),
           "Nothing: the host said no. Count it in the campaign totals only."),
    _entry("consent_unanswered", "held", "Host did not answer whether it may be on the public map",
           ("You did not say whether we may show it on the public map",
            "No nos dijo si podemos mostrarla en el mapa público"),
           ("Send the form again answering Yes to showing it on the map, or reply to this email.",
            "Envíe el formulario de nuevo respondiendo Sí a mostrarla en el mapa, o responda a este correo."),
           "Ask the host; record a clear Yes in the sheet only with their written consent."),
    _entry("awaiting_approval", "held", "Awaiting approval",
           ("It is waiting for the campaign team's approval", "Está esperando la aprobación del equipo de la campaña"),
           _NOTHING,
           "Review it and write Yes (or No) in the Approved column."),
    _entry("not_approved", "held", "Not approved by staff",
           ("The campaign team did not approve it for the map", "El equipo de la campaña no la aprobó para el mapa"),
           ("Reply to this email if you have questions.", "Responda a este correo si tiene preguntas."),
           "Tell the host why, if they ask."),
    _entry("superseded", "held", "Superseded by a later, publishable submission of the same activity",
           ("You sent this activity again; we show your later submission (sheet row {row})",
            "Envió esta actividad otra vez; mostramos su envío más reciente (fila {row} de la hoja)"),
           ("Nothing: your later answers are the ones that count.", "Nada: cuentan sus respuestas más recientes."),
           "Nothing: the latest submission with the same contact, name and date wins."),
    _entry("consent_withdrawn", "held", "Consent withdrawn: a later submission answered No to the public map",
           ("You sent it again answering No to the public map (sheet row {row}), so we took it off",
            "La envió otra vez respondiendo No al mapa público (fila {row} de la hoja), así que la quitamos"),
           ("If you want it on the map, send the form again answering Yes.",
            "Si quiere que esté en el mapa, envíe el formulario de nuevo respondiendo Sí."),
           "Nothing: the host's latest answer withdrew consent for every earlier submission."),
    _entry("location_pending", "held", "Place look-up pending; retried next run",
           ("We are still looking up the place", "Todavía estamos buscando el lugar"),
           _NOTHING,
           "Nothing: the geocoder was unavailable or over its per-run cap; the next sync retries."),
    # --- warnings: never change the status -----------------------------------------------------
    _entry("link_scheme_added", "warning", "https:// added to a link without one",
           ("We added https:// to your link", "Agregamos https:// a su enlace"),
           ("Check that the link opens.", "Verifique que el enlace abra."),
           "Check the link opens."),
    _entry("description_shortened", "warning", "Description shortened to the length limit",
           ("Your description was shortened", "Su descripción fue acortada"),
           ("Nothing, unless the end mattered: then send a shorter description.",
            "Nada, salvo que el final importe: entonces envíe una descripción más corta."),
           "Nothing, or raise validation.max_description_length."),
    _entry("email_invalid", "warning", "Contact email not a valid address",
           ("Your email address is not valid", "Su correo electrónico no es válido"), _NOTE,
           "Hosts with an invalid address cannot be emailed; contact them another way."),
    _entry("phone_invalid", "warning", "Phone not a valid number",
           ("Your phone number is not valid", "Su número de teléfono no es válido"), _NOTE,
           "Nothing, unless you need to call the host."),
    _entry("timestamp_invalid", "warning", "Form timestamp not readable",
           ("The form's timestamp could not be read", "No se pudo leer la marca de tiempo del formulario"), _NOTE,
           "Check the sheet's locale matches campaign.date_order."),
    _entry("public_consent_unclear", "warning", "Public-map answer neither yes nor no",
           ("Your answer about the public map was neither yes nor no",
            "Su respuesta sobre el mapa público no fue ni sí ni no"), _NOTE,
           "Ask the host for a clear Yes or No."),
    _entry("approved_unclear", "warning", "Approved answer neither yes nor no",
           ("The approval answer was neither yes nor no", "La respuesta de aprobación no fue ni sí ni no"), _NOTE,
           "Write Yes or No in the Approved column."),
    _entry("several_places", "warning", "Several places named; the first was used",
           ("You named several places; we used the first", "Indicó varios lugares; usamos el primero"),
           ("If another place is the right one, send the form again with only that place.",
            "Si el lugar correcto es otro, envíe el formulario de nuevo solo con ese lugar."),
           "Check the place shown; correct it in the corrections file if needed."),
    _entry("earlier_published", "warning", "Earlier submission stays published while this one is not publishable",
           ("Your earlier submission stays on the map (sheet row {row}) until this one can be published",
            "Su envío anterior sigue en el mapa (fila {row} de la hoja) hasta que este pueda publicarse"),
           ("Fix this submission as its message says; the earlier one stays meanwhile.",
            "Corrija este envío como indica su mensaje; el anterior sigue mientras tanto."),
           "Nothing: the later fix attempt is not publishable; the earlier row stays published."),
    _entry("contact_removed", "warning", "Email, phone or the host's name removed from a public answer",
           ("We took a phone number or email out of a public answer", "Quitamos un teléfono o correo de una respuesta pública"),
           ("Nothing: your contact details never appear on the map.",
            "Nada: sus datos de contacto nunca aparecen en el mapa."),
           "Nothing: the public field was cleaned; the contact stays in responses.csv."),
    # --- missing answers: one per question a config can make required --------------------------
    *(_entry(f"missing_{field}", "rejected", MISSING_TITLE, (f"You did not answer {en}", f"No respondió {es}"), _FIX_FORM,
             "Ask the host, or fill the cell in the sheet if you know the answer.")
      for field, (en, es) in QUESTION_NAMES.items()),
)}

#: What a host is told about a code the catalogue does not know yet.
_UNKNOWN_ACTION = ("Reply to this email and we will help.", "Responda a este correo y le ayudaremos.")
_ROW = re.compile(r"\brow (\d+)")


def lookup(code: str, *, message: str = "", severity: str = "rejected") -> CatalogueEntry:
    """The catalogue entry for a code, or one made from the reason's own message for an unknown code."""
    known = CATALOGUE.get(code)
    if known is not None:
        return known
    text = message or code.replace("_", " ")
    return _entry(code, severity, _unknown_title(code), (text, text), _UNKNOWN_ACTION, _UNKNOWN_STAFF_ACTION)


_UNKNOWN_STAFF_ACTION = "Add this code to sync/reasons.py."


def _unknown_title(code: str) -> str:
    return code.replace("_", " ").capitalize()


def staff_title(code: str) -> str:
    """What a reason code means, for staff; an unknown code reads as its own words.

    >>> staff_title("outside_city"), staff_title("missing_title"), staff_title("brand_new")
    ('Place outside Chicago', 'A required question not answered', 'Brand new')
    """
    entry = CATALOGUE.get(code)
    return entry.staff_title if entry is not None else _unknown_title(code)


def staff_action(code: str) -> str:
    """What staff should do about a reason code."""
    entry = CATALOGUE.get(code)
    return entry.staff_action if entry is not None else _UNKNOWN_STAFF_ACTION


def markdown_table() -> str:
    """The README's table of reason codes, rejected, then held, then warnings; ``missing_<field>`` in one row.

    ``python -m sync.reasons`` prints it; a test keeps the README's copy the same.
    """
    lines = ["| code | status | what it means | what staff do |", "|---|---|---|---|"]
    for severity in ("rejected", "held", "warning"):
        entries = [e for e in CATALOGUE.values() if e.severity == severity]
        missing = [e for e in entries if e.code.startswith("missing_")]
        for entry in missing[:1] + [e for e in entries if e not in missing]:
            code = "missing_<field>" if entry in missing else entry.code
            cells = (f"`{code}`", severity, entry.staff_title, entry.staff_action)
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def describe(code: str, message: str, severity: str, language: str) -> tuple[str, str]:
    """(title, what the host should do) in ``language``, filled in from the reason's message."""
    entry = lookup(code, message=message, severity=severity)
    row = _ROW.search(message)
    row = row[1] if row else "?"
    language = language if language in LANGUAGES else LANGUAGES[0]
    # str.replace, not format: a message from an unknown code may hold braces of its own.
    return entry.title[language].replace("{row}", row), entry.host_action[language].replace("{row}", row)


if __name__ == "__main__":
    print(markdown_table(), end="")
