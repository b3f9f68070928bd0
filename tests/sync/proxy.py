"""A small TCP proxy between a replica and the PostgreSQL server, for partition tests.

Each replica's server address points at its own proxy, which passes bytes both ways until
told otherwise:

- ``cut()`` drops every open connection and refuses new ones until ``heal()``;
- ``cut_at_commit(n, after=False)`` cuts the link when the ``n``-th transaction commit
  from now passes through: before the server sees it (the transaction rolls back: a cut
  mid-batch), or, with ``after=True``, once the server has committed and before its reply
  reaches the replica (the crash between the server's commit and the outbox being marked).

Threads, not asyncio: the code under test is synchronous (psycopg, SQLAlchemy), and a
thread per direction keeps the proxy a few dozen lines.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

# psycopg commits with the text "COMMIT" (simple or extended protocol), NUL-terminated.
_COMMIT = b"COMMIT\x00"


@dataclass
class _Pair:
    client: socket.socket
    upstream: socket.socket
    swallow: bool = False  # the server committed: drop its reply and cut

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


class Proxy:
    """Listens on 127.0.0.1 (a free port) and forwards to ``host``:``port``."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port: int = self.listener.getsockname()[1]
        self.up = True
        self.pairs: list[_Pair] = []
        self.lock = threading.Lock()
        self.trap: tuple[int, bool] | None = None  # (commits still to pass, after)
        self.cuts = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            pair = _Pair(client, upstream)
            with self.lock:
                self.pairs.append(pair)
            threading.Thread(target=self._to_server, args=(pair,), daemon=True).start()
            threading.Thread(target=self._to_client, args=(pair,), daemon=True).start()

    def _to_server(self, pair: _Pair) -> None:
        while True:
            try:
                data = pair.client.recv(65536)
            except OSError:
                return
            if not data:
                pair.close()
                return
            if _COMMIT in data and self._trapped(pair):
                return
            try:
                pair.upstream.sendall(data)
            except OSError:
                return

    def _trapped(self, pair: _Pair) -> bool:
        """Whether this commit springs the trap (and the bytes must not go on)."""
        with self.lock:
            if self.trap is None:
                return False
            left, after = self.trap
            if left > 1:
                self.trap = (left - 1, after)
                return False
            self.trap = None
        if after:
            pair.swallow = True  # let the commit through; cut when the reply comes back
            return False
        self.cut()
        return True

    def _to_client(self, pair: _Pair) -> None:
        while True:
            try:
                data = pair.upstream.recv(65536)
            except OSError:
                return
            if not data:
                pair.close()
                return
            if pair.swallow:
                self.cut()
                return
            try:
                pair.client.sendall(data)
            except OSError:
                return

    def url(self, server_url: str) -> str:
        """``server_url`` with its host and port replaced by this proxy's."""
        at, rest = server_url.split("@", 1)
        return f"{at}@127.0.0.1:{self.port}/{rest.split('/', 1)[1]}"

    def cut(self) -> None:
        """Drop every connection and refuse new ones until ``heal``."""
        with self.lock:
            self.up = False
            self.cuts += 1
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            pair.close()

    def heal(self) -> None:
        with self.lock:
            self.up = True
            self.trap = None

    def cut_at_commit(self, n: int = 1, *, after: bool = False) -> None:
        with self.lock:
            self.trap = (n, after)

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
