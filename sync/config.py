"""Load and validate ``config/healing-map.toml``.

The file is parsed with :mod:`tomllib` and validated by pydantic models that
forbid unknown keys, so a typo is one clear line naming the key and the file
(:class:`~sync.errors.ConfigError`, exit 2) instead of a silently ignored
setting. Relative paths are resolved against the config file's folder.

Example::

    >>> from sync.config import load_config
    >>> cfg = load_config("config/healing-map.toml")
    >>> cfg.campaign.timezone
    'America/Chicago'
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, create_model, field_validator,
    model_validator,
)

from sync import fields as table
from sync.errors import ConfigError
from sync.records import Precision

DEFAULT_CONFIG = Path("config/healing-map.toml")
CONFIG_ENV = "HEALING_MAP_CONFIG"

#: Canonical fields a form can map (the questions of :mod:`sync.fields`). Cells of other headers are ignored.
CANONICAL_FIELDS = table.QUESTION_NAMES


def _known_fields(value: tuple[str, ...]) -> tuple[str, ...]:
    """Refuse names that are not canonical fields (a typo would silently do nothing)."""
    unknown = sorted(set(value) - set(CANONICAL_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    return value


#: A list of canonical field names, checked at load.
FieldNames = Annotated[tuple[str, ...], AfterValidator(_known_fields)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CampaignConfig(_Strict):
    title: str = "Together We Heal"
    timezone: str = "America/Chicago"
    starts: date
    ends: date
    form_url: str = ""
    #: How the sheet's locale writes dates: month/day (US) or day/month.
    date_order: Literal["MDY", "DMY"] = "MDY"
    #: When on, only responses whose ``approved`` cell says yes are published.
    moderation: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _window_in_order(self):
        if self.ends < self.starts:
            raise ValueError("campaign.ends is before campaign.starts")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class FileSource(_Strict):
    """A CSV or XLSX export of the responses sheet on disk."""

    kind: Literal["file"]
    path: Path
    #: Worksheet of an XLSX file; the first one when empty.
    worksheet: str = ""


class UrlSource(_Strict):
    """A sheet published to the web as CSV (File → Share → Publish to web)."""

    kind: Literal["url"]
    url: str
    timeout_seconds: float = 30.0


class GoogleSheetsSource(_Strict):
    """The live responses sheet, read with gspread and a service account."""

    kind: Literal["google_sheets"]
    #: The spreadsheet key or its full URL.
    spreadsheet: str
    worksheet: str = "Form Responses 1"
    #: Service-account key file; ``GOOGLE_APPLICATION_CREDENTIALS`` when empty.
    credentials: Path | None = None
    #: Seconds to wait for each HTTP request, token requests included.
    timeout_seconds: float = Field(default=30.0, gt=0)
    #: Tries per request when Google answers 408, 429, 5xx or a rate-limit 403.
    max_attempts: int = Field(default=5, ge=1, le=20)
    #: Longest time from a request's first try to its last; past it the run fails (exit 3).
    max_retry_seconds: float = Field(default=120.0, gt=0)
    #: Base URL of the Sheets API; change it only for a proxy or the test server.
    api_endpoint: str = "https://sheets.googleapis.com"

    @field_validator("api_endpoint")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")


SourceConfig = Annotated[FileSource | UrlSource | GoogleSheetsSource, Field(discriminator="kind")]


class StatusWritebackConfig(_Strict):
    """Write each response's status back to a worksheet of the Google Sheet.

    Needs the sheet shared with the service account as Editor; the worksheet is
    created when missing and rewritten each run, never the responses worksheet.
    """

    enabled: bool = False
    worksheet: str = Field(default="Sync status", min_length=1)


class ExtraFieldConfig(_Strict):
    """A question staff added to the form (``[[fields.extra]]``): shown on the map or kept for staff."""

    #: The question's text, as the sheet's header row has it (matched after trimming and case-folding).
    header: str = Field(min_length=1)
    #: Its column in the CSV files and key in events.geojson; the header as a slug when empty.
    #: Keep it when the question's wording changes, and the column stays where spreadsheets expect it.
    name: str = Field(default="", pattern=r"^([a-z][a-z0-9_]*)?$")
    label: str = ""
    label_es: str = ""
    #: true: on the map (popup, list), in events.csv and events.geojson; false: in staff/ files only.
    public: bool = False
    type: Literal["text", "choice", "multi-choice", "yes-no"] = "text"
    #: Offer the answers as a filter on the map (choice, multi-choice and yes-no questions that are public).
    filter: bool = False
    #: The form's answers, in the form's order: answers are matched to them whatever their case.
    choices: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self):
        if not self.header.strip():
            raise ValueError("header must not be blank")
        if not table.slug(self.name or self.header):
            raise ValueError(f"give a name (letters, digits, _) for {self.header!r}")
        if self.filter and (self.type == "text" or not self.public):
            raise ValueError(f"{self.header!r}: only a public choice, multi-choice or yes-no question can be a "
                             "filter")
        if self.choices and self.type not in ("choice", "multi-choice"):
            raise ValueError(f"{self.header!r}: choices are for choice and multi-choice questions")
        return self

    def field(self) -> table.Field:
        """This question as a :class:`sync.fields.Field`."""
        return table.extra_field(header=self.header.strip(), name=self.name, label=self.label,
                                 label_es=self.label_es, public=self.public, type=self.type, filter=self.filter,
                                 choices=self.choices)


class _FieldsBase(_Strict):
    """Header text of each canonical field (matched after trimming and case-folding).

    One key per question of :mod:`sync.fields`, whose default is the default form's
    header; ``extra`` adds staff's own questions.
    """

    #: Staff's own questions, each shown on the map or kept for staff (README, "Add a question to the form").
    extra: tuple[ExtraFieldConfig, ...] = ()
    #: Fields whose column may be absent from the sheet (staff add ``Approved`` later).
    optional: tuple[str, ...] = tuple(f.name for f in table.QUESTIONS if f.optional)

    @field_validator("optional")
    @classmethod
    def _known_optional(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        extras = {extra.field().name for extra in info.data.get("extra", ())}
        unknown = sorted(set(value) - set(CANONICAL_FIELDS) - extras)
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _distinct_extras(self):
        seen_headers = {" ".join(h.split()).casefold(): name for name, h in self.builtin_headers().items()}
        seen_names: set[str] = set()
        for extra in self.extra_fields():
            folded = " ".join(extra.header.split()).casefold()
            if folded in seen_headers:
                raise ValueError(f"extra question {extra.header!r} has the header of {seen_headers[folded]}")
            if extra.name in table.RESERVED_NAMES or extra.name in seen_names:
                raise ValueError(f"extra question {extra.header!r}: the name {extra.name!r} is taken; "
                                 "give it another with name = \"…\"")
            seen_headers[folded], seen_names = extra.name, seen_names | {extra.name}
        return self

    def builtin_headers(self) -> dict[str, str]:
        """Canonical field → header text."""
        return {name: getattr(self, name) for name in CANONICAL_FIELDS}

    def headers(self) -> dict[str, str]:
        """Every question's name → its header: the built-in fields, then the extra questions."""
        return {**self.builtin_headers(), **{f.name: f.header for f in self.extra_fields()}}

    def extra_fields(self) -> tuple[table.Field, ...]:
        """The extra questions as fields, in config order."""
        return tuple(extra.field() for extra in self.extra)

    def public_extras(self) -> tuple[table.Field, ...]:
        """The extra questions the map and the public files show."""
        return tuple(f for f in self.extra_fields() if f.role == "public")


if TYPE_CHECKING:
    FieldsConfig = _FieldsBase
else:
    #: The ``[fields]`` section: one header per question of :data:`sync.fields.QUESTIONS`, defaults from there.
    FieldsConfig = create_model("FieldsConfig", __base__=_FieldsBase, __module__=__name__,
                                __doc__=_FieldsBase.__doc__, **{f.name: (str, f.header) for f in table.QUESTIONS})


class ValidationConfig(_Strict):
    event_types: tuple[str, ...] = (
        "Healing circle", "Community conversation", "Storytelling", "Faith gathering",
        "Arts and culture", "Youth activity", "Workshop or training",
    )
    #: Free-text answers outside the list are kept under this type.
    other_type: str = "Other"
    languages: tuple[str, ...] = ("English", "Spanish", "Polish", "Chinese", "Arabic", "Tagalog", "Korean", "ASL")
    required: FieldNames = ("title", "event_type", "event_date", "start_time", "location", "link")
    max_title_length: int = Field(default=150, gt=0)
    max_organization_length: int = Field(default=200, gt=0)
    max_description_length: int = Field(default=5000, gt=0)
    phone_region: str = "US"


class LocationConfig(_Strict):
    """The offline gazetteer's data and rules (README, "Locations")."""

    #: The finest precision any public output shows.
    public_precision: Precision = Precision.COMMUNITY_AREA
    #: Neighbourhood names and nicknames → community area number (CSV: alias,community_area).
    aliases: Path = Path("neighborhoods.csv")
    #: Well-known public places → community area (CSV: venue,community_area,kind,lat,lon).
    venues: Path = Path("venues.csv")
    #: Each community area's side of the city (CSV: community_area,side).
    sides: Path = Path("sides.csv")
    #: Street names, one a line, that make "Clark and Foster" an intersection.
    streets: Path = Path("streets.txt")
    #: Answers staff settled by hand (CSV: typed,place); applied before any matching.
    corrections: Path = Path("place-corrections.csv")
    #: rapidfuzz ``ratio`` (0–100) a misspelt word needs, besides being one edit away (two from 9 letters).
    fuzzy_threshold: float = Field(default=80.0, ge=50, le=100)
    #: Phrases that mean the whole city wherever they appear in an answer.
    citywide_words: tuple[str, ...] = (
        "citywide", "city wide", "city-wide", "all of chicago", "all chicago", "all over chicago",
        "all over the city", "across chicago", "across the city", "whole city", "entire city", "everywhere",
        "all neighborhoods", "all communities", "all community areas", "all 77", "every neighborhood",
        "any neighborhood", "any community", "all chicagoans", "any chicagoan", "anyone in chicago",
        "open to all of chicago",
        "todo chicago", "toda chicago", "toda la ciudad", "todos los barrios", "todas las comunidades",
        "cala chicago", "cale chicago", "cale miasto", "wszedzie",
    )
    #: Words that make an activity virtual: citywide unless the answer also names a place.
    virtual_words: tuple[str, ...] = (
        "online", "on line", "virtual", "virtually", "zoom", "google meet", "microsoft teams", "webex",
        "facebook live", "instagram live", "youtube", "livestream", "live stream", "livestreamed", "remote",
        "remotely", "internet", "conference call", "phone call", "teleconference", "webinar", "en linea", "por zoom",
        "zdalnie", "wirtualnie", "internetowo",
    )

    @field_validator("citywide_words")
    @classmethod
    def _not_a_place_word(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        plain = sorted(w for w in value if w.strip().casefold() in ("chicago", "chicago il", "city"))
        if plain:
            raise ValueError(f"{plain[0]!r} would make every answer mentioning Chicago citywide; an answer "
                             "that is only \"Chicago\" is citywide already")
        return value


class GeocoderConfig(_Strict):
    """The online geocoder for street addresses and intersections (see docs/geocoding.md)."""

    enabled: bool = False
    #: geopy service name: nominatim, arcgis, googlev3, …
    provider: str = "nominatim"
    #: Sent with every request; Nominatim's usage policy requires one naming a contact.
    user_agent: str = ""
    #: Host (and port) of a self-hosted service, e.g. "nominatim.example.org"; the provider's own when empty.
    domain: str = ""
    scheme: Literal["https", "http"] = "https"
    #: Name of the environment variable holding the API key, for providers that need one.
    api_key_env: str = ""
    timeout_seconds: float = Field(default=10.0, gt=0)
    #: Least time between two requests (1 s for the public Nominatim); cached answers never wait.
    min_delay_seconds: float = Field(default=1.0, ge=0)
    #: New places asked per run; the rest are held "location lookup pending" until the next run.
    max_lookups_per_run: int = Field(default=200, ge=0)
    #: How long a place the geocoder did not find is remembered before it is asked again.
    miss_ttl_hours: float = Field(default=24.0, ge=0)
    #: A 429 whose Retry-After is this short is waited out once; a longer one holds the look-ups.
    max_retry_after_seconds: float = Field(default=5.0, ge=0)
    #: Failures in a row (5xx, timeouts, unreadable answers) after which the run stops asking.
    outage_after_failures: int = Field(default=3, ge=1)


class MapConfig(_Strict):
    #: Page languages; the first is the default. Labels live in sync/publish/templates.
    languages: tuple[str, ...] = ("en", "es")
    tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    center: tuple[float, float] = (41.8358, -87.6866)
    zoom: int = 11
    #: Most activities shown one by one; past it the page shows the soonest ones and counts all of
    #: them per community area (a 10-million-cell sheet would otherwise make a 40 MB page).
    max_activities: int = Field(default=10_000, ge=100)
    #: Label overrides per page language, e.g. ``[map.labels.es] add_activity = "Suma tu actividad"``.
    #: Keys are those of sync/publish/templates/map_labels.json, plus ``"type:<activity type>"`` and
    #: ``"lang:<language>"`` for the names of activity types and languages.
    labels: dict[str, dict[str, str]] = {}
    #: The public map's address, e.g. "https://healingmap.example.org/": the page's "Subscribe" gives the
    #: calendar feeds' full https and webcal:// addresses from it. Empty: relative links only, no webcal link.
    public_url: str = ""
    #: Where the page gets Leaflet and its plugins: "cdn" (their CDNs, as folium names them) or
    #: "bundled" (copies in public/assets/, licences included: the page then needs no third-party host).
    assets: Literal["cdn", "bundled"] = "cdn"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        from urllib.parse import urlsplit  # here: only this validator needs it

        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError("must be the map's https:// address, without ?query or #fragment")
        return value if value.endswith("/") else value + "/"

    @field_validator("languages")
    @classmethod
    def _some_language(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name at least one page language")
        return value

    @model_validator(mode="after")
    def _known_labels(self):
        if not self.labels:
            return self
        import json  # here, not at the top: only this validator reads the bundled labels

        bundled = Path(__file__).parent / "publish" / "templates" / "map_labels.json"
        known = json.loads(bundled.read_text(encoding="utf-8"))["en"]
        for language, labels in self.labels.items():
            if language not in self.languages:
                raise ValueError(f"labels for {language!r}, which is not in map.languages")
            unknown = sorted(k for k in labels if k not in known and not k.startswith(("type:", "lang:")))
            if unknown:
                raise ValueError(f"unknown label(s) {', '.join(unknown)} for {language!r}")
        return self


class CalendarConfig(_Strict):
    """The calendar feeds (README, "Calendars")."""

    #: Days an activity that was in a feed and is published no more stays there as STATUS:CANCELLED,
    #: so calendars that subscribed drop it.
    keep_cancelled_days: int = Field(default=30, ge=0)
    #: The right-hand side of every UID (``<activity id>@<uid_domain>``): set it once, before the first
    #: sync; changing it later makes every activity new to subscribers' calendars.
    uid_domain: str = Field(default="healing-map.chicago", pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


class GuardConfig(_Strict):
    #: Refuse to publish when published activities drop by more than this fraction.
    max_drop_fraction: float = Field(default=0.5, ge=0, le=1)


class OutputConfig(_Strict):
    folder: Path = Path("../output")
    #: Cache, run history and lock; never published.
    state_folder: Path = Path("../output/state")
    #: Releases kept for ``healing-map rollback``, the current one included.
    keep_releases: int = Field(default=3, ge=2)


def _address(value: str) -> str:
    """An email address, bare or as ``Name <address>``; one line (it becomes a header)."""
    from email.utils import parseaddr

    if value and ("\r" in value or "\n" in value or "@" not in parseaddr(value)[1]):
        raise ValueError(f"{value!r} is not an email address")
    return value


#: An email address (or empty), checked at load.
EmailAddress = Annotated[str, AfterValidator(_address)]


class SmtpConfig(_Strict):
    """The mail server that sends messages to hosts (README, "Tell hosts")."""

    host: str = ""
    #: 587 for STARTTLS, 465 for implicit TLS, 25 for a local relay.
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    #: Empty: no login (an IP-allowlisted relay such as Google Workspace's SMTP relay).
    username: str = ""
    #: Name of the environment variable holding the password; the password is never in the file.
    password_env: str = "HEALING_MAP_SMTP_PASSWORD"
    timeout_seconds: float = Field(default=30.0, gt=0)
    #: A CA bundle to trust instead of the system's (a private relay); verification is never turned off.
    ca_file: Path | None = None


class PrefillConfig(_Strict):
    """The Google Form's pre-filled link: its address and the entry id of each question."""

    #: The form's ``…/viewform`` address (Send → link), e.g. ``https://docs.google.com/forms/d/e/<id>/viewform``.
    form_url: str = ""
    #: Canonical field → the question's entry id (``entry.123456``), from "Get pre-filled link".
    entries: dict[str, str] = {}

    @field_validator("form_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if value and not value.startswith("https://"):
            raise ValueError("must start with https://")
        return value

    @field_validator("entries")
    @classmethod
    def _entries(cls, value: dict[str, str]) -> dict[str, str]:
        _known_fields(tuple(value))
        for name, entry in value.items():
            if not entry.startswith("entry.") or not entry[6:].isdigit():
                raise ValueError(f"{name} = {entry!r} is not an entry id like 'entry.123456'")
        return value


class NotifyConfig(_Strict):
    """Messages to hosts when their response is published, held or rejected (off by default)."""

    enabled: bool = False
    #: ``review``: the sync queues messages in staff/outbox/ and ``healing-map notify --send`` sends them;
    #: ``send``: the sync sends them itself, after publishing.
    mode: Literal["review", "send"] = "review"
    #: The public map's address; an activity's link is ``<map_url>#a=<activity id>``.
    map_url: str = ""
    sender: EmailAddress = Field(default="", alias="from")
    #: The campaign staff's address: Reply-To, and where unsubscribe requests go.
    reply_to: EmailAddress = ""
    #: How hosts reach the campaign, and the sign-off, as the messages show them.
    contact: str = ""
    signature: str = ""
    default_language: Literal["en", "es"] = "en"
    #: Header of a form question asking the host's language (answers such as English / Español).
    language_header: str = ""
    #: Header of a form question "May we email you…?"; an answer "No" (or "no email") means no message.
    opt_out_header: str = ""
    #: Header of a staff column; a yes-like cell (Yes, x, ✓) means no message for that response.
    suppress_header: str = ""
    #: Activity ids (as in staff/responses.csv and the outbox) staff do not want mailed.
    suppress: tuple[str, ...] = ()
    #: Most messages sent by one run (a sync in send mode, or ``healing-map notify --send``).
    max_per_run: int = Field(default=100, ge=1)
    #: Most messages a minute (providers limit the rate; Google Workspace's relay allows far more).
    per_minute: float = Field(default=30.0, gt=0)
    #: A folder of template overrides (same names as sync/notify/templates/).
    templates: Path | None = None
    #: A page where hosts unsubscribe, added to List-Unsubscribe beside the staff address.
    unsubscribe_url: str = ""
    smtp: SmtpConfig = SmtpConfig()
    prefill: PrefillConfig = PrefillConfig()

    @field_validator("map_url", "unsubscribe_url")
    @classmethod
    def _web(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value

    @model_validator(mode="after")
    def _complete_when_on(self):
        if self.enabled:
            for key, value in (("from", self.sender), ("reply_to", self.reply_to), ("map_url", self.map_url)):
                if not value:
                    raise ValueError(f"notify.{key} is needed when notify.enabled is true")
            if self.mode == "send" and not self.smtp.host:
                raise ValueError('notify.smtp.host is needed when notify.mode is "send"')
        return self


class Config(_Strict):
    campaign: CampaignConfig
    source: SourceConfig
    status_writeback: StatusWritebackConfig = StatusWritebackConfig()
    fields: FieldsConfig = FieldsConfig()
    validation: ValidationConfig = ValidationConfig()
    location: LocationConfig = LocationConfig()
    geocoder: GeocoderConfig = GeocoderConfig()
    map: MapConfig = MapConfig()
    calendar: CalendarConfig = CalendarConfig()
    guard: GuardConfig = GuardConfig()
    output: OutputConfig = OutputConfig()
    notify: NotifyConfig = NotifyConfig()
    #: Where the config was read from; relative paths were resolved against its folder.
    path: Path = Path("healing-map.toml")

    @property
    def public_dir(self) -> Path:
        return self.output.folder / "public"

    @property
    def staff_dir(self) -> Path:
        return self.output.folder / "staff"


def resolve_config_path(explicit: str | os.PathLike | None = None) -> Path:
    """The config path from ``--config``, else ``HEALING_MAP_CONFIG``, else the default."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return DEFAULT_CONFIG


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read, validate and resolve a config file; raise :class:`ConfigError` on any problem."""
    path = resolve_config_path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if "path" in data:
        raise ConfigError(f"{path}: unknown key 'path'")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from None
    return _resolve_paths(config, Path(path))


def _describe(exc: ValidationError) -> str:
    """One line naming the bad key, e.g. ``unknown key 'source.paht'``; typos are named first."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    loc = [str(part) for part in err["loc"]]
    if loc[:1] == ["source"] and len(loc) > 1 and loc[1] in ("file", "url", "google_sheets"):
        del loc[1]  # the discriminator's tag, not a key in the file
    key = ".".join(loc) or "(top level)"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    if err["type"] == "extra_forbidden":
        return f"unknown key '{key}'{more}"
    if err["type"] == "missing":
        return f"missing key '{key}'{more}"
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    shown = f" (got {value!r})" if isinstance(value, (str, int, float, bool)) and repr(value) not in message else ""
    return f"bad value for '{key}': {message}{shown}{more}"


def _resolve_paths(config: Config, path: Path) -> Config:
    base = path.resolve().parent

    def resolve(p: Path | None) -> Path | None:
        if p is None:
            return None
        p = Path(os.path.expanduser(p))
        return p if p.is_absolute() else (base / p).resolve()

    source = config.source
    if isinstance(source, FileSource):
        source = source.model_copy(update={"path": resolve(source.path)})
    elif isinstance(source, GoogleSheetsSource) and source.credentials is not None:
        source = source.model_copy(update={"credentials": resolve(source.credentials)})
    return config.model_copy(update={
        "path": path,
        "source": source,
        "location": config.location.model_copy(update={
            name: resolve(getattr(config.location, name)) for name in ("aliases", "venues", "sides", "streets",
                                                                       "corrections")}),
        "notify": config.notify.model_copy(update={
            "templates": resolve(config.notify.templates),
            "smtp": config.notify.smtp.model_copy(update={"ca_file": resolve(config.notify.smtp.ca_file)})}),
        "output": config.output.model_copy(update={"folder": resolve(config.output.folder),
                                                   "state_folder": resolve(config.output.state_folder)}),
    })
