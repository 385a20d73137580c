"""``healing-map serve`` against real requests: a server on a free loopback port, in a thread."""

from __future__ import annotations

import http.client
import socket
import threading

import pytest

from sync.errors import UsageError
from sync.serve import make_server
from tests.helpers import run_cli, write_config

PAGE = b"<!doctype html><title>Healing map</title>"


@pytest.fixture
def output(tmp_path):
    folder = tmp_path / "output"
    for name, body in (("public/index.html", PAGE), ("staff/index.html", b"staff"), ("state/history.sqlite", b"x")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    return folder


@pytest.fixture
def server(output):
    server = make_server(output, port=0)  # bound and listening once made: no waiting needed
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def raw(server, request: bytes) -> bytes:
    """Everything the server sends for one HTTP/1.0 request, up to its closing the connection."""
    with socket.create_connection(server.server_address, timeout=5) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_get_serves_public_and_staff_but_not_the_state(server):
    for path, status in (("/public/index.html", 200), ("/staff/index.html", 200), ("/state/history.sqlite", 404),
                         ("/public/../state/history.sqlite", 404), ("/", 302)):
        assert raw(server, f"GET {path} HTTP/1.0\r\n\r\n".encode()).split(b" ", 2)[1] == str(status).encode(), path


def test_head_sends_the_headers_and_no_body(server):
    answer = raw(server, b"HEAD /public/index.html HTTP/1.0\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    assert f"Content-Length: {len(PAGE)}".encode() in head
    assert body == b""
    head, _, body = raw(server, b"HEAD /state/history.sqlite HTTP/1.0\r\n\r\n").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 404") and body == b""


@pytest.mark.parametrize("path", ["/public/%00", "/public/index.html%00.png", "/staff/" + "a" * 300])
def test_a_path_the_file_system_cannot_hold_is_400_without_a_traceback(server, capfd, path):
    connection = http.client.HTTPConnection(*server.server_address, timeout=5)
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status in (400, 404)
    assert "Traceback" not in capfd.readouterr().err


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=rf"^port {port} is in use"):
            make_server(tmp_path, port=port)
        done = run_cli("serve", "--config", str(write_config(tmp_path)), "--port", str(port))
    assert done.returncode == 2
    assert done.stderr == (f"Error: port {port} is in use (another serve, or another program); "
                           f"choose another with --port, e.g. --port {port + 1}\n")


def test_a_port_out_of_range_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="^port 70000 is not a port number"):
        make_server(tmp_path, port=70000)


# ---------- precompressed siblings (index.html.gz, index.html.br) ----------

def _answer(server, path: str, accept: str | None) -> tuple[dict, bytes]:
    connection = http.client.HTTPConnection(*server.server_address, timeout=5)
    connection.request("GET", path, headers={"Accept-Encoding": accept} if accept is not None else {})
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    assert answer.status == 200, path
    return {k.lower(): v for k, v in answer.getheaders()}, body


@pytest.fixture
def compressed(output):
    from sync.publish.compress import compress

    page = b"<!doctype html><title>Healing map</title>" + b"<p>activity</p>" * 500
    (output / "public" / "index.html").write_bytes(page)
    for suffix, packed in compress(page).items():
        (output / "public" / f"index.html{suffix}").write_bytes(packed)
    return page


def test_serve_sends_brotli_or_gzip_when_asked_and_identity_otherwise(server, compressed):
    import gzip

    import brotli

    headers, body = _answer(server, "/public/index.html", "gzip, deflate, br")
    assert headers["content-encoding"] == "br" and brotli.decompress(body) == compressed
    assert headers["vary"] == "Accept-Encoding" and headers["content-type"] == "text/html"
    assert headers["content-length"] == str(len(body))
    headers, body = _answer(server, "/public/index.html", "gzip")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == compressed
    headers, body = _answer(server, "/public/", "br;q=0, gzip;q=0.5")  # the folder's index.html
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == compressed
    for accept in (None, "identity", "gzip;q=0, br;q=0", "deflate"):
        headers, body = _answer(server, "/public/index.html", accept)
        assert "content-encoding" not in headers and body == compressed, accept
        assert headers["vary"] == "Accept-Encoding"


def test_files_without_siblings_are_sent_as_they_are(server, output):
    headers, body = _answer(server, "/staff/index.html", "gzip, br")
    assert "content-encoding" not in headers and "vary" not in headers and body == b"staff"


def test_head_of_a_compressed_file_sends_its_headers_only(server, compressed):
    head, _, body = raw(server, b"HEAD /public/index.html HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") and b"Content-Encoding: gzip" in head and body == b""
