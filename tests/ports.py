"""Loopback ports for the tests that start a server of their own or need one where nothing listens."""

import socket


def unused_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: bound, then released (free to serve on, or to fail
    connecting to)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
