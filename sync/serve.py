"""``healing-map serve``: preview the outputs on 127.0.0.1 for staff.

Only ``public/`` and ``staff/`` are served; the state folder (run history,
geocoder cache) is never reachable, even when it sits inside the output folder.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SERVED = ("public", "staff")


class _PreviewHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.send_response(302)
            self.send_header("Location", "/public/index.html")
            self.end_headers()
            return
        target = Path(self.translate_path(path)).resolve()  # decoded and normalized, as it will be served
        root = Path(self.directory).resolve()
        # public/ and staff/ are links into the current release: compare with where they lead
        if not any(target.is_relative_to((root / name).resolve()) for name in SERVED):
            self.send_error(404, "Not served: only public/ and staff/ are previewed")
            return
        super().do_GET()

    do_HEAD = do_GET

    def log_message(self, format, *args):  # quiet: staff see the URL, not every request
        pass


def make_server(folder: Path, *, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    handler = functools.partial(_PreviewHandler, directory=str(folder))
    return ThreadingHTTPServer((host, port), handler)


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
