"""``healing-map serve``: preview the outputs on 127.0.0.1 for staff.

Only ``public/`` and ``staff/`` are served; the state folder (run history,
geocoder cache) is never reachable, even when it sits inside the output folder.
A path the file system cannot hold (``%00``) is a 400, HEAD answers headers
only, and a port that cannot be had is one :class:`~sync.errors.UsageError`
line (exit 2: choose another ``--port``), never a traceback.

A file with a precompressed sibling (``index.html.br``, ``index.html.gz``: see
:mod:`sync.publish.compress`) is sent as that sibling when the request's
``Accept-Encoding`` allows it (Brotli first), with ``Content-Encoding`` and ``Vary:
Accept-Encoding``; as itself otherwise, as a static host would.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sync.errors import UsageError

SERVED = ("public", "staff")
#: Sibling suffix → the Content-Encoding it is sent with, in order of preference.
PRECOMPRESSED = {".br": "br", ".gz": "gzip"}


def accepts(header: str | None, coding: str) -> bool:
    """Whether an ``Accept-Encoding`` header allows ``coding`` (``q=0`` refuses it; ``*`` stands for any other).

    >>> accepts("gzip, deflate, br;q=0", "gzip"), accepts("gzip, deflate, br;q=0", "br"), accepts(None, "gzip")
    (True, False, False)
    >>> accepts("*;q=0.5, gzip;q=0", "br"), accepts("*;q=0.5, gzip;q=0", "gzip"), accepts("GZIP;Q=0.8", "gzip")
    (True, False, True)
    """
    qualities: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            qualities[name.strip().lower()] = quality
    return qualities.get(coding, qualities.get("*", 0.0)) > 0


class _PreviewHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".geojson": "application/geo+json",
                      ".webmanifest": "application/manifest+json", ".ics": "text/calendar"}
    _vary = False  # set per answer by send_head

    def do_GET(self):
        if self._served():
            super().do_GET()

    def do_HEAD(self):
        if self._served():
            super().do_HEAD()

    def _served(self) -> bool:
        """Whether the request is for a file under public/ or staff/; if not, the answer is sent."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/":
            self.send_response(302)
            self.send_header("Location", "/public/index.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        try:
            target = Path(self.translate_path(path)).resolve()  # decoded and normalized, as it will be served
        except (ValueError, OSError):  # a NUL byte (%00), a name too long for the file system
            self.send_error(400, "Not a path that can be served")
            return False
        root = Path(self.directory).resolve()
        # public/ and staff/ are links into the current release: compare with where they lead
        if not any(target.is_relative_to((root / name).resolve()) for name in SERVED):
            self.send_error(404, "Not served: only public/ and staff/ are previewed")
            return False
        return True

    def send_head(self):
        """Open the precompressed sibling the client accepts, if there is one; else the file itself."""
        self._vary = False
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        siblings = [(suffix, coding) for suffix, coding in PRECOMPRESSED.items() if os.path.isfile(path + suffix)]
        if not siblings or not os.path.isfile(path):
            return super().send_head()
        self._vary = True
        header = self.headers.get("Accept-Encoding")
        chosen = next(((suffix, coding) for suffix, coding in siblings if accepts(header, coding)), None)
        if chosen is None:
            return super().send_head()
        try:
            packed = open(path + chosen[0], "rb")
        except OSError:
            return super().send_head()
        size = os.fstat(packed.fileno()).st_size
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", chosen[1])
        self.send_header("Content-Length", str(size))
        self.send_header("Last-Modified", self.date_time_string(os.fstat(packed.fileno()).st_mtime))
        self.end_headers()
        return packed

    def end_headers(self):
        if getattr(self, "_vary", False):  # the answer depends on Accept-Encoding: caches must know
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def log_message(self, format, *args):  # quiet: staff see the URL, not every request
        pass


class _PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A browser that hangs up mid-answer is no error worth a traceback; anything else still is."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(folder: Path, *, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """The preview server, bound and listening; :class:`UsageError` when the port cannot be had."""
    handler = functools.partial(_PreviewHandler, directory=str(folder))
    try:
        return _PreviewServer((host, port), handler)
    except OverflowError:
        raise UsageError(f"port {port} is not a port number (0 to 65535); choose another with --port") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is in use (another serve, or another program); "
                             f"choose another with --port, e.g. --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"port {port} needs privileges this user lacks; choose one above 1023 with --port"
                             ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port") from None


def serve(folder: Path, *, host: str = "127.0.0.1", port: int = 8000, announce=print) -> None:
    """Serve until interrupted."""
    server = make_server(folder, host=host, port=port)
    announce(f"http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
