"""Loaded into the app under test (PYTHONPATH): logs every outbound connect and DNS lookup.

Each line of $NETLOG_FILE is `connect <host> <port>` or `resolve <host>`; the tests assert that
every one is a loopback address.
"""

import os
import socket

_log = os.environ.get("NETLOG_FILE")


def _write(line: str) -> None:
    if _log:
        with open(_log, "a", encoding="utf-8") as f:
            f.write(line + "\n")


_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect,
    socket.socket.connect_ex,
    socket.getaddrinfo,
)


def connect(self, address):
    if isinstance(address, tuple):
        _write(f"connect {address[0]} {address[1]}")
    return _connect(self, address)


def connect_ex(self, address):
    if isinstance(address, tuple):
        _write(f"connect {address[0]} {address[1]}")
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    _write(f"resolve {host}")
    return _getaddrinfo(host, *args, **kwargs)


if _log:
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
        connect,
        connect_ex,
        getaddrinfo,
    )
