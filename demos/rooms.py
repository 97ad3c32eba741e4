"""Classroom rooms and votes in SQLite (issue #18): what every replica on one machine shares.

No gradio here: the presenter's tab (demos/classroom.py), the students' page (the same module's web
handler) and the tests call these functions. One file, WAL mode (readers never wait for the writer;
each write is one short transaction), so the replicas behind deploy/haproxy.cfg see the same rooms.

What is stored, and what is not:
- a room: its code, a hash of the presenter's key, the questions in the order asked, which one is
  open, whether it is revealed (with the measured answer), a version the students' pages poll, and
  when it was created and last active;
- a member: a hash of (room, the browser's random token). A vote: that hash, the question and the
  choice. The token is made in the student's browser (localStorage) and names nothing else; the hash
  differs from room to room, so two rooms' votes cannot be linked.
- never an IP address, a user agent, a name or an account. The join-attempt limiter
  (`JoinLimiter`) keys on a salted hash of the client's address held in memory for a minute.

A room expires `TTL` seconds after its last activity (created, a join, a vote, a presenter's action);
an expired room answers as an unknown code and is deleted when a room is created or `purge()` runs.
At most `MAX_ROOMS` rooms live at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ALPHABET = (
    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: no I/1, no O/0 (read aloud, typed on a phone)
)
CODE_LEN = 6  # 32**6 ~ 1.07e9 codes for at most 50 rooms: a guess hits with odds ~5e-8
TTL = 3 * 3600.0  # seconds after the last activity
MAX_ROOMS = 50
MAX_TOKEN = 64  # characters of a browser token (the page makes 32 hex digits)

assert len(set(ALPHABET)) == 32


def default_path() -> Path:
    """PAPER_GALLERY_CLASSROOM_DB, else one file in the temp folder: replicas on one machine share it."""
    env = os.environ.get("PAPER_GALLERY_CLASSROOM_DB")
    return Path(env) if env else Path(tempfile.gettempdir()) / "paper-gallery" / "classroom.sqlite3"


class RoomError(Exception):
    """A refusal the page explains; `code` names the message (a string key suffix)."""

    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code, self.info = code, info


@dataclass(frozen=True)
class Room:
    code: str
    order: tuple[str, ...]  # question keys, in the order asked
    pos: int  # index into order of the open question
    revealed: bool
    reveal: (
        dict | None
    )  # what Reveal stored: {"answer": value, "why": {lang: line}, "result": {lang: md}}
    version: int  # bumped on every change the students' pages show (next, reveal)
    members: int
    created: float
    last_active: float

    @property
    def question(self) -> str:
        return self.order[self.pos]


def normalize_code(raw) -> str:
    """What a student typed or scanned, as a code: upper case, no spaces or dashes."""
    s = "".join(str(raw or "").split()).replace("-", "").upper()
    return s[:32]


def valid_code(code: str) -> bool:
    return len(code) == CODE_LEN and all(c in ALPHABET for c in code)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    presenter TEXT NOT NULL,
    questions TEXT NOT NULL,
    pos INTEGER NOT NULL DEFAULT 0,
    revealed INTEGER NOT NULL DEFAULT 0,
    reveal TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created REAL NOT NULL,
    last_active REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    room TEXT NOT NULL,
    voter TEXT NOT NULL,
    PRIMARY KEY (room, voter)
);
CREATE TABLE IF NOT EXISTS votes (
    room TEXT NOT NULL,
    pos INTEGER NOT NULL,
    voter TEXT NOT NULL,
    choice TEXT NOT NULL,
    PRIMARY KEY (room, pos, voter)
);
"""


class Store:
    """Rooms and votes in one SQLite file; safe from many threads and processes.

    `clock` is the time source (tests pass a fake one to check expiry)."""

    def __init__(
        self,
        path: str | Path | None = None,
        clock=time.time,
        ttl: float = TTL,
        max_rooms: int = MAX_ROOMS,
    ):
        self.path = Path(path) if path is not None else default_path()
        self.clock, self.ttl, self.max_rooms = clock, ttl, max_rooms
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._db().executescript(SCHEMA)  # (executescript commits on its own)

    # one connection per thread, each in WAL mode; writes wait up to 10 s for another writer
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=True
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db: sqlite3.Connection, write: bool):
            self.db, self.write = db, write

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
            return self.db

        def __exit__(self, kind, *_):
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")

    def _tx(self, write: bool = True) -> "Store._Tx":
        return Store._Tx(self._db(), write)

    # ------------------------------------------------------------------ rooms

    def _live(self) -> float:
        """Rooms last active after this moment are live."""
        return self.clock() - self.ttl

    def purge(self) -> int:
        """Delete expired rooms with their members and votes; -> how many rooms went."""
        with self._tx() as db:
            return self._purge(db)

    def _purge(self, db: sqlite3.Connection) -> int:
        old = [
            r[0]
            for r in db.execute("SELECT code FROM rooms WHERE last_active < ?", (self._live(),))
        ]
        for code in old:
            db.execute("DELETE FROM votes WHERE room = ?", (code,))
            db.execute("DELETE FROM members WHERE room = ?", (code,))
            db.execute("DELETE FROM rooms WHERE code = ?", (code,))
        return len(old)

    def live_rooms(self) -> int:
        with self._tx(write=False) as db:
            return db.execute(
                "SELECT COUNT(*) FROM rooms WHERE last_active >= ?", (self._live(),)
            ).fetchone()[0]

    def create(self, order: list[str] | tuple[str, ...]) -> tuple[str, str]:
        """A new room asking `order` (question keys); -> (code, presenter key). RoomError("full")
        when MAX_ROOMS rooms are live."""
        if not order:
            raise RoomError("no_questions")
        key = secrets.token_urlsafe(18)
        now = self.clock()
        with self._tx() as db:
            self._purge(db)
            if db.execute("SELECT COUNT(*) FROM rooms").fetchone()[0] >= self.max_rooms:
                raise RoomError("full", limit=self.max_rooms)
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))
                if db.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone() is None:
                    break
            db.execute(
                "INSERT INTO rooms (code, presenter, questions, created, last_active) VALUES (?, ?, ?, ?, ?)",
                (code, _hash("presenter", key), json.dumps(list(order)), now, now),
            )
        return code, key

    def _room(self, db: sqlite3.Connection, code: str) -> Room:
        row = db.execute(
            "SELECT code, questions, pos, revealed, reveal, version, created, last_active FROM rooms "
            "WHERE code = ? AND last_active >= ?",
            (code, self._live()),
        ).fetchone()
        if row is None:
            raise RoomError("unknown")
        members = db.execute("SELECT COUNT(*) FROM members WHERE room = ?", (code,)).fetchone()[0]
        return Room(
            row[0],
            tuple(json.loads(row[1])),
            row[2],
            bool(row[3]),
            json.loads(row[4]) if row[4] else None,
            row[5],
            members,
            row[6],
            row[7],
        )

    def room(self, code: str) -> Room:
        """The live room `code`, or RoomError("unknown") (never existed, expired or ended)."""
        code = normalize_code(code)
        if not valid_code(code):
            raise RoomError("unknown")
        with self._tx(write=False) as db:
            return self._room(db, code)

    def member_version(self, code: str, token: str) -> int:
        """The room's version for a browser that has joined it (what a student's poll compares, one
        query); RoomError("unknown") for an unknown room and for a token that has not joined: the
        two answer alike, so a poll tells nothing about codes."""
        code = normalize_code(code)
        if not valid_code(code):
            raise RoomError("unknown")
        voter = self.voter(code, token)
        with self._tx(write=False) as db:
            row = db.execute(
                "SELECT r.version FROM rooms r JOIN members m ON m.room = r.code AND m.voter = ? "
                "WHERE r.code = ? AND r.last_active >= ?",
                (voter, code, self._live()),
            ).fetchone()
        if row is None:
            raise RoomError("unknown")
        return row[0]

    def _presenter(self, db: sqlite3.Connection, code: str, key: str) -> Room:
        room = self._room(db, code)
        stored = db.execute("SELECT presenter FROM rooms WHERE code = ?", (code,)).fetchone()[0]
        if not hmac.compare_digest(stored, _hash("presenter", str(key or ""))):
            raise RoomError("not_presenter")
        return room

    def check_presenter(self, code: str, key: str) -> Room:
        """The live room `code` if `key` presents it (RoomError otherwise); nothing changes."""
        code = normalize_code(code)
        with self._tx(write=False) as db:
            return self._presenter(db, code, key)

    def goto(self, code: str, key: str, pos: int) -> Room:
        """The presenter opens question `pos` (votes on it so far stay); -> the room."""
        now = self.clock()
        with self._tx() as db:
            room = self._presenter(db, code, key)
            if not 0 <= pos < len(room.order):
                raise RoomError("no_more")
            db.execute(
                "UPDATE rooms SET pos = ?, revealed = 0, reveal = NULL, version = version + 1, "
                "last_active = ? WHERE code = ?",
                (pos, now, code),
            )
            return self._room(db, code)

    def set_reveal(self, code: str, key: str, pos: int, reveal: dict) -> Room:
        """The presenter reveals question `pos` with what the measurement gave (JSON-able)."""
        now = self.clock()
        with self._tx() as db:
            room = self._presenter(db, code, key)
            if room.pos != pos:
                raise RoomError("moved_on")
            db.execute(
                "UPDATE rooms SET revealed = 1, reveal = ?, version = version + 1, last_active = ? "
                "WHERE code = ?",
                (json.dumps(reveal, ensure_ascii=False), now, code),
            )
            return self._room(db, code)

    def end(self, code: str, key: str) -> None:
        """The presenter ends the room: it and its votes are deleted at once."""
        with self._tx() as db:
            self._presenter(db, code, key)
            for table, col in (("votes", "room"), ("members", "room"), ("rooms", "code")):
                db.execute(f"DELETE FROM {table} WHERE {col} = ?", (code,))

    # ------------------------------------------------------------------ students

    @staticmethod
    def voter(code: str, token: str) -> str:
        """A browser's identity within one room: a hash of (room, its random token)."""
        token = str(token or "")
        if not 16 <= len(token) <= MAX_TOKEN or not token.isascii() or not token.isalnum():
            raise RoomError("bad_token")
        return _hash("voter", code, token)

    def join(self, code: str, token: str) -> Room:
        """A browser joins (again: no change); -> the room. RoomError("unknown") for a bad code."""
        code = normalize_code(code)
        if not valid_code(code):
            raise RoomError("unknown")
        voter = self.voter(code, token)
        with self._tx() as db:
            self._room(db, code)
            cur = db.execute(
                "INSERT OR IGNORE INTO members (room, voter) VALUES (?, ?)", (code, voter)
            )
            if cur.rowcount:
                db.execute("UPDATE rooms SET last_active = ? WHERE code = ?", (self.clock(), code))
            return self._room(db, code)

    def vote(self, code: str, token: str, pos: int, choice: str, choices: list[str]) -> None:
        """One vote per browser and question. RoomError: "unknown", "moved_on" (the question is no
        longer open), "revealed", "bad_choice", "voted" (this browser has voted on it)."""
        code = normalize_code(code)
        if not valid_code(code):
            raise RoomError("unknown")
        voter = self.voter(code, token)
        with self._tx() as db:
            room = self._room(db, code)
            if room.pos != pos:
                raise RoomError("moved_on")
            if room.revealed:
                raise RoomError("revealed")
            if choice not in choices:
                raise RoomError("bad_choice")
            db.execute("INSERT OR IGNORE INTO members (room, voter) VALUES (?, ?)", (code, voter))
            try:
                db.execute(
                    "INSERT INTO votes (room, pos, voter, choice) VALUES (?, ?, ?, ?)",
                    (code, pos, voter, choice),
                )
            except sqlite3.IntegrityError:
                raise RoomError("voted") from None
            db.execute("UPDATE rooms SET last_active = ? WHERE code = ?", (self.clock(), code))

    def my_vote(self, code: str, token: str, pos: int) -> str | None:
        code = normalize_code(code)
        voter = self.voter(code, token)
        with self._tx(write=False) as db:
            row = db.execute(
                "SELECT choice FROM votes WHERE room = ? AND pos = ? AND voter = ?",
                (code, pos, voter),
            ).fetchone()
        return row[0] if row else None

    def tally(self, code: str, pos: int | None = None) -> tuple[Room, dict[str, int]]:
        """The room and the votes on question `pos` (default: the open one), by choice."""
        code = normalize_code(code)
        with self._tx(write=False) as db:
            room = self._room(db, code)
            p = room.pos if pos is None else pos
            counts = dict(
                db.execute(
                    "SELECT choice, COUNT(*) FROM votes WHERE room = ? AND pos = ? GROUP BY choice",
                    (code, p),
                ).fetchall()
            )
        return room, counts


class JoinLimiter:
    """Too many failed join attempts (a code that names no live room) from one client are refused
    for a while: `limit` per `window` seconds. A lecture hall behind one address joins with the right
    code, so only failures count. The client is a salted hash (salt made at start, never stored) of
    its address, kept in memory for `window` seconds: no address is written anywhere."""

    def __init__(self, limit: int = 8, window: float = 60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._salt = secrets.token_bytes(16)
        self._fails: dict[str, deque] = {}
        self._lock = threading.Lock()

    def key(self, address: str) -> str:
        return hmac.new(self._salt, address.encode(), "sha256").hexdigest()[:24]

    def _recent(self, key: str, now: float) -> deque:
        q = self._fails.get(key)
        if q is None:
            return deque()
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            del self._fails[key]
        return q

    def wait(self, key: str) -> float:
        """Seconds this client must wait before its next attempt (0: go ahead)."""
        now = self.clock()
        with self._lock:
            q = self._recent(key, now)
            return 0.0 if len(q) < self.limit else max(0.1, q[0] + self.window - now)

    def failed(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._fails) > 10_000:  # forget clients gone quiet (bounded memory)
                for k in list(self._fails):
                    self._recent(k, now)
            self._fails.setdefault(key, deque()).append(now)
