"""Writing to disk: whole files with the modes their readers need, and one error for every failure.

Files are written into folders nobody reads yet (a release being built, see
:mod:`sync.publish.release`), flushed to disk and given their mode explicitly,
whatever the umask: public files 0644 in 0755 folders, because a web server must
read them; staff and state files 0600 in 0700 folders, because they hold every
host's contact details.

Any ``OSError`` on the way (a full disk, a read-only folder, a file-size limit)
becomes one :class:`~sync.errors.PublishError` naming the path and the cause
(exit 6). A file-size limit (``RLIMIT_FSIZE``) fails a write with EFBIG like a
full disk does, because CPython ignores SIGXFSZ from start-up: the signal would
otherwise kill the process mid-write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from sync.errors import PublishError

PUBLIC_FOLDER, PUBLIC_FILE = 0o755, 0o644
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600
#: Compare an existing file with new content this many bytes at a time (never the whole file at once).
_CHUNK = 1 << 20


def shown(path: Path) -> str:
    """A path as staff typed it: relative to the working folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def publish_error(path: Path, exc: BaseException) -> PublishError:
    """``could not write PATH: CAUSE`` (exit 6), from an ``OSError`` or an SQLite error."""
    cause = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return PublishError(f"could not write {shown(path)}: {cause}")


@contextlib.contextmanager
def writing(path: Path):
    """Turn any ``OSError`` inside the block into a :class:`PublishError` naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise publish_error(Path(exc.filename) if exc.filename else path, exc) from None


def make_folder(path: Path, mode: int) -> None:
    """Create a folder (and its missing parents) with exactly ``mode``, or set it on an existing one."""
    path.mkdir(mode=mode, parents=True, exist_ok=True)
    os.chmod(path, mode)


def write_file(path: Path, data: bytes | str, mode: int, *, flush: bool = True) -> None:
    """Create ``path`` (it must not exist) with ``data`` and ``mode``, flushed to disk.

    ``flush=False`` leaves the flushing to the caller (:func:`flush_file_system`): a
    release of thousands of files is flushed in one call, not one fsync a file.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have taken bits away
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]  # a write may be partial; the next one raises the cause
        if flush:
            os.fsync(fd)
    finally:
        os.close(fd)


def flush_file_system(folder: Path) -> None:
    """Flush everything written on the file system holding ``folder`` to disk, data and names.

    One ``syncfs(2)`` (Linux; ``sync(2)`` elsewhere) instead of an fsync per file: a
    release of 4,000 files (the calendar feeds) took 10–15 s of fsyncs on a busy
    machine, 1.5–5 s this way. Since Linux 5.8 it reports a write-back error (EIO,
    ENOSPC) as fsync does.
    """
    import ctypes  # only when a release is written

    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(folder))
    finally:
        os.close(fd)


def same_content(path: Path, data: bytes | str) -> bool:
    """Whether the regular file at ``path`` holds exactly ``data`` (False when it cannot be read)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode) or os.fstat(fh.fileno()).st_size != len(data):
                return False
            view = memoryview(data)
            for start in range(0, len(data), _CHUNK):
                if fh.read(_CHUNK) != view[start:start + _CHUNK]:
                    return False
    except OSError:
        return False
    return True


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes | str, mode: int) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, flushed, renamed over it.

    The one way to replace a file in place (the caches in the state folder): another
    process reading ``path`` meanwhile finds the old file or the new one, never half of
    one, and two processes writing it at once each use their own temporary file.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        write_file(temporary, data, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def tighten(folder: Path, *, folder_mode: int = PRIVATE_FOLDER, file_mode: int = PRIVATE_FILE) -> None:
    """Set ``folder``'s mode and that of every regular file directly in it (symlinks are left alone).

    Only modes that differ are changed, so a run that finds everything right changes nothing.
    """
    if stat.S_IMODE(os.stat(folder).st_mode) != folder_mode:
        os.chmod(folder, folder_mode)
    with os.scandir(folder) as entries:
        for entry in entries:
            if (entry.is_file(follow_symlinks=False)
                    and stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode) != file_mode):
                os.chmod(entry.path, file_mode)
