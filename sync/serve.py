"""``healing-map serve``: preview the outputs on 127.0.0.1 for staff.

Only ``public/`` and ``staff/`` are served; the state folder (run history,
geocoder cache) is never reachable, even when it sits inside the output folder.
A path the file system cannot hold (``%00``) is a 400, HEAD answers headers
only, and a port that cannot be had is one :class:`~sync.errors.UsageError`
line (exit 2: choose another ``--port``), never a traceback.
"""

from __future__ import annotations

import errno
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sync.errors import UsageError

SERVED = ("public", "staff")


class _PreviewHandler(SimpleHTTPRequestHandler):
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
