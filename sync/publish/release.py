"""Releases: every run's outputs built apart, then switched in together by one rename.

Under ``[output] folder``::

    releases/<id>/public/…     the map, events.csv, …       (0755 folders, 0644 files)
    releases/<id>/staff/…      responses.csv, report.json…   (0700 folder, 0600 files)
    current -> releases/<id>
    public  -> current/public
    staff   -> current/staff

A run builds its release in ``releases/.building-<id>/`` (never inside a served
folder), flushes it to disk, renames it to ``releases/<id>``, then renames a new
symlink over ``current``: one atomic step that switches ``public`` and ``staff``
together. A static host, ``healing-map serve`` or ``rsync -L`` reading
``output/public`` sees the whole previous release or the whole new one, never a
mix and never a temporary file; a failed or killed run leaves ``current`` as it
was. The ``keep`` newest releases stay for ``healing-map rollback``. (A run killed in
the instant between renaming its finished release and switching ``current`` leaves
that release whole but never served; it is kept, and pruned, like the others.)

Release ids sort in the order they were made: the UTC time to the microsecond and
6 random hex digits, e.g. ``20261203T091500.482913Z-3fa9c1``.

>>> releases = Releases(Path("output"))                      # doctest: +SKIP
>>> releases.publish({Path("output/public/index.html"): "<html>…"})   # doctest: +SKIP
'20261203T091500.482913Z-3fa9c1'
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync.config import Config
from sync.errors import UsageError
from sync.publish.files import (
    PRIVATE_FILE, PRIVATE_FOLDER, PUBLIC_FILE, PUBLIC_FOLDER, flush_file_system, fsync_folder, make_folder,
    publish_error, same_content, shown, tighten, write_file, writing,
)

log = logging.getLogger("sync")

RELEASES, CURRENT = "releases", "current"
#: Each served folder and the modes of its folders and files.
SERVED = {"public": (PUBLIC_FOLDER, PUBLIC_FILE), "staff": (PRIVATE_FOLDER, PRIVATE_FILE)}
_BUILDING = ".building-"
_LEGACY = "legacy-"
_STAMP = "%Y%m%dT%H%M%S.%fZ"


class Releases:
    """The releases of one output folder: publish a new one, list them, switch between them."""

    def __init__(self, folder: Path, *, keep: int = 3):
        self.folder = Path(folder)
        self.root = self.folder / RELEASES
        self.keep = max(keep, 2)

    # --- reading ----------------------------------------------------------------------

    def ids(self) -> list[str]:
        """Every complete release, oldest first (a migrated ``legacy-…`` one before all others)."""
        try:
            names = [e.name for e in os.scandir(self.root) if e.is_dir(follow_symlinks=False)]
        except FileNotFoundError:
            return []
        return sorted((n for n in names if not n.startswith(".")), key=lambda n: (not n.startswith(_LEGACY), n))

    def current(self) -> str | None:
        """The id of the release ``current`` points to, if it points to one."""
        try:
            target = Path(os.readlink(self.folder / CURRENT))
        except OSError:
            return None
        if target.parent != Path(RELEASES) or not (self.root / target.name).is_dir():
            return None
        return target.name

    # --- publishing -------------------------------------------------------------------

    def publish(self, files: Mapping[Path, bytes | str]) -> str:
        """Write ``files`` (paths under ``folder/public`` and ``folder/staff``) as a new release and switch to it.

        Files equal to the current release's are hard-linked instead of written again.
        Raises :class:`PublishError` (exit 6) on any failure; the current release is then untouched.
        The caller holds the sync lock.
        """
        contents = {self._relative(path): data for path, data in files.items()}
        with writing(self.root):
            if not self.folder.exists():  # a web server must reach public/ through it
                make_folder(self.folder, PUBLIC_FOLDER)
            make_folder(self.root, PUBLIC_FOLDER)
            self._remove_leftovers()
        self._migrate()
        release = self._new_id()
        building, final = self.root / f"{_BUILDING}{release}", self.root / release
        try:
            self._build(building, contents)
            with writing(final):
                os.rename(building, final)
                fsync_folder(self.root)
            self.switch(release)
        except BaseException:
            if self.current() != release:  # a read-only folder keeps them: the next run removes them
                for leftover in (building, final):
                    shutil.rmtree(leftover, ignore_errors=True)
            raise
        self.prune()
        self.secure()
        return release

    def switch(self, release: str) -> None:
        """Point ``current`` at ``release`` in one atomic rename; create ``public`` and ``staff`` if missing."""
        if release not in self.ids():
            raise UsageError(f"no release {release!r} in {shown(self.root)}")
        self._replace_link(self.folder / CURRENT, Path(RELEASES) / release)
        for name in SERVED:
            link = self.folder / name
            if not link.is_symlink() or os.readlink(link) != f"{CURRENT}/{name}":
                self._replace_link(link, Path(CURRENT) / name)

    def rollback(self, *, to: str | None = None) -> tuple[str | None, str]:
        """Serve an earlier release again: ``to``, else the one before the current one. Returns (from, to)."""
        ids, current = self.ids(), self.current()
        if to is None:
            if current not in ids or ids.index(current) == 0:
                where = (f"{current} is the oldest release in {shown(self.root)}" if current in ids
                         else f"{shown(self.folder / CURRENT)} points to no release")
                raise UsageError(f"no release to roll back to: {where}")
            to = ids[ids.index(current) - 1]
        elif to not in ids:
            raise UsageError(f"no release {to!r}; {shown(self.root)} holds {', '.join(ids) or 'none'}")
        self.switch(to)
        return current, to

    def secure(self) -> None:
        """Make every kept release's staff folder 0700 and its files 0600 again, should anyone have opened them."""
        for release in self.ids():
            staff = self.root / release / "staff"
            if staff.is_dir():
                with writing(staff):
                    tighten(staff, folder_mode=PRIVATE_FOLDER, file_mode=PRIVATE_FILE)

    def prune(self) -> None:
        """Delete all but the ``keep`` newest releases (never the current one); failures are only warnings."""
        current = self.current()
        for release in self.ids()[:-self.keep]:
            if release != current:
                try:
                    shutil.rmtree(self.root / release)
                except OSError as exc:
                    log.warning("could not delete the old release %s: %s", shown(self.root / release),
                                exc.strerror or exc)

    # --- the steps --------------------------------------------------------------------

    def _relative(self, path: Path) -> Path:
        relative = Path(path).relative_to(self.folder) if Path(path).is_absolute() else Path(path)
        if relative.parts[0] not in SERVED or len(relative.parts) < 2:
            raise ValueError(f"{path} is not under {self.folder / 'public'} or {self.folder / 'staff'}")
        return relative

    def _remove_leftovers(self) -> None:
        """Remove what a killed run left: half-built releases and temporary links (the caller holds the lock)."""
        for entry in os.scandir(self.root):
            if entry.name.startswith(_BUILDING):
                shutil.rmtree(entry.path)
        for entry in os.scandir(self.folder):
            if entry.name.startswith(".") and entry.name.endswith(".link") and entry.is_symlink():
                os.unlink(entry.path)

    def _new_id(self) -> str:
        """The UTC time and 6 hex digits, later than every existing id even if the clock went back."""
        moment = datetime.now(UTC)
        latest = [r for r in self.ids() if not r.startswith(_LEGACY)]
        if latest:
            last = datetime.strptime(latest[-1].split("-")[0], _STAMP).replace(tzinfo=UTC)
            moment = max(moment, last + timedelta(microseconds=1))
        return f"{moment.strftime(_STAMP)}-{secrets.token_hex(3)}"

    def _build(self, building: Path, contents: Mapping[Path, bytes | str]) -> None:
        current = self.current()
        previous = self.root / current if current else None
        with writing(building):
            make_folder(building, PUBLIC_FOLDER)
            for name, (folder_mode, _) in SERVED.items():
                make_folder(building / name, folder_mode)
        for relative, data in contents.items():
            target = building / relative
            folder_mode, file_mode = SERVED[relative.parts[0]]
            with writing(target):
                if len(relative.parts) > 2 and not target.parent.is_dir():
                    # each folder down to the file with its mode (mkdir's parents= would take the umask's)
                    for depth in range(2, len(relative.parts)):
                        make_folder(building / Path(*relative.parts[:depth]), folder_mode)
                if not (previous and self._link_if_same(previous / relative, target, data, file_mode)):
                    write_file(target, data, file_mode, flush=False)
        with writing(building):  # every file and folder of the release, in one call
            flush_file_system(building)

    @staticmethod
    def _link_if_same(old: Path, new: Path, data: bytes | str, mode: int) -> bool:
        """Hard-link an unchanged file from the previous release: at 600,000 rows it saves ~1 GB a run."""
        if not same_content(old, data):
            return False
        try:
            os.link(old, new)
        except OSError:  # another file system, no hard links: write it instead
            return False
        os.chmod(new, mode)
        return True

    def _replace_link(self, link: Path, target: Path) -> None:
        """Make ``link`` point to ``target`` by renaming a new symlink over it (atomic)."""
        temporary = self.folder / f".{link.name}-{secrets.token_hex(3)}.link"
        with writing(link):
            os.symlink(target, temporary)
            try:
                os.replace(temporary, link)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            fsync_folder(self.folder)

    def _migrate(self) -> None:
        """Move ``public``/``staff`` folders of the previous version into a ``legacy-…`` release, once.

        This one-time step is not atomic: between moving an old folder and creating its
        link, ``public`` is briefly missing. Nothing is lost: the old files are served
        until the new release is switched in, and ``healing-map rollback`` can serve
        them again after.
        """
        stale = [name for name in SERVED if (self.folder / name).exists() and not (self.folder / name).is_symlink()]
        if not stale:
            return
        legacy = self.root / f"{_LEGACY}{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        try:
            make_folder(legacy, PUBLIC_FOLDER)
            for name in stale:
                os.rename(self.folder / name, legacy / name)
                folder_mode, file_mode = SERVED[name]
                for leftover in (legacy / name).glob(".*.tmp"):  # the previous version's temporary files
                    leftover.unlink()
                tighten(legacy / name, folder_mode=folder_mode, file_mode=file_mode)
        except OSError as exc:
            raise publish_error(Path(exc.filename or legacy), exc) from None
        self.switch(self.current() or legacy.name)
        log.warning("moved the previous version's %s into %s; they are served as links from now on",
                    " and ".join(f"{name}/" for name in stale), shown(legacy))


def rollback(config: Config, *, to: str | None = None, wait: float = 0) -> tuple[str | None, str]:
    """Serve an earlier release again under the sync lock, and say so in the run history.

    Returns (the release served before, the one served now). Raises
    :class:`UsageError` (exit 2) when there is none to go back to or ``to`` is not
    a release, :class:`PublishError` (exit 6) when the switch cannot be written.
    """
    from sync.state import StateStore, sync_lock

    with sync_lock(config.output.state_folder, wait=wait), StateStore(config.output.state_folder) as state:
        started = datetime.now(config.campaign.tz)
        before, after = Releases(config.output.folder, keep=config.output.keep_releases).rollback(to=to)
        state.record_run(started_at=started, finished_at=datetime.now(config.campaign.tz), exit_code=0,
                         outcome="rollback", message=f"serving {after} again (was {before or 'none'})",
                         release=after)
    return before, after
