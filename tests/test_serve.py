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
