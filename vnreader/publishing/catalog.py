"""The publishing catalog: what was published, from where, and which audio narrates it.

One SQLite file per site, ``DIR/.vnreader/catalog.sqlite`` (stdlib :mod:`sqlite3`), in WAL
mode with foreign keys on and a busy timeout. Its schema version is ``PRAGMA
user_version``; :data:`MIGRATIONS` is the ordered list of steps from an empty file to the
current schema, each applied once, in its own transaction, so a catalog written by an
older vnreader is brought up to date the first time a newer one opens it.

Tables:

- ``articles``: one row per source (the article's URL, or ``file:`` + absolute path).
  ``guid`` is the UUIDv5 of the source (:func:`article_guid`): stable across edits of the
  article AND across a rebuilt catalog, so podcast apps never see a republished episode
  twice. ``slug`` is assigned once, from the first title seen, and never changes (read page
  addresses stay valid when a title is corrected). ``content_hash`` is the SHA-256 of the
  article's canonical JSON; ``page_hash`` the SHA-256 of the page bytes it was extracted
  from (an identical page is not extracted again).
- ``narrations``: the audio of an article (one per article): engine, voice, rate, the MP3
  file name under ``DIR/audio/``, its exact size and duration, the transcript and chapters
  file names, and ``content_hash`` = the *narration key*: the hash of the article content
  together with everything that changes the audio (engine, voice, rate, dialect, portal
  name). The MP3's name carries the first hex digits of that key.
- ``digests``: the daily digest episode of each day (migration 2).

The schema (migrations, rows, guids and slugs) is in :mod:`.catalog_schema`; this module
opens the file and answers the queries. A damaged catalog is never guessed at:
:class:`Catalog` raises :class:`CatalogError` naming the file and the way out
(``vnreader publish --rebuild-catalog``: the damaged file is moved aside and a new catalog
is built from the sources; audio already narrated whose narration key matches is re-used,
not narrated again).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vnreader.errors import CatalogError
from vnreader.publishing.catalog_schema import (
    _ARTICLE_COLUMNS,
    CATALOG_RELPATH,
    MIGRATIONS,
    SCHEMA_VERSION,
    ArticleRow,
    DigestRow,
    FailureRow,
    NarrationRow,
    RunRow,
    _article,
    article_guid,
    catalog_path,
    slugify,
    utc_now,
)


class Catalog:
    """The open catalog of one site. A missing file is created; a damaged one is refused."""

    def __init__(self, path: Path, *, timeout: float = 30.0, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            try:
                self.db = sqlite3.connect(
                    f"{self.path.absolute().as_uri()}?mode=ro",
                    uri=True,
                    timeout=timeout,
                    isolation_level=None,
                    check_same_thread=False,
                )
                version = self.db.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.Error as exc:
                raise CatalogError(f"cannot read the catalog {self.path}: {exc}") from None
            if version != SCHEMA_VERSION:
                self.db.close()
                raise CatalogError(
                    f"the catalog {self.path} has schema version {version}, this vnreader "
                    f"{SCHEMA_VERSION}: run vnreader publish once to bring it up to date"
                )
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CatalogError(
                f"cannot create the catalog folder {self.path.parent}: {exc.strerror or exc}"
            ) from None
        try:
            # check_same_thread off: publish commits from narration threads, one at a time
            # under its own lock (a connection is never used by two threads at once).
            self.db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise CatalogError(f"cannot open the catalog {self.path}: {exc}") from None
        try:
            self._prepare(timeout)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise CatalogError(
                f"the catalog {self.path} is damaged ({exc}); run vnreader publish again "
                "with --rebuild-catalog to move it aside and rebuild it from the sources "
                "(audio already narrated is re-used)"
            ) from None
        except BaseException:
            self.db.close()
            raise

    def _prepare(self, timeout: float) -> None:
        db = self.db
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"the catalog {self.path} has schema version {version}, made by a newer "
                f"vnreader (this one knows version {SCHEMA_VERSION}); upgrade vnreader"
            )
        if version > 0:
            # Reads every page's structure: a truncated or overwritten file is found now,
            # not halfway through a run.
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {result}")
        db.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable in WAL mode except for the last commits on a power cut, which
        # the next run redoes (a lost commit only means that article is narrated again).
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @staticmethod
    def set_aside(path: Path) -> Path | None:
        """Rename a damaged catalog (and its WAL files) to ``NAME.damaged[-N]``; its new path."""
        path = Path(path)
        if not path.exists():
            return None
        n = 0
        while True:
            target = path.with_name(path.name + (".damaged" if n == 0 else f".damaged-{n}"))
            if not target.exists():
                break
            n += 1
        path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        return target

    # -- transactions ------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ----------------------------------------------------------------------------

    def article(self, source: str) -> ArticleRow | None:
        row = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a "
            "LEFT JOIN narrations n ON n.article_id = a.id WHERE a.source = ?",
            (source,),
        ).fetchone()
        return _article(row) if row else None

    def articles(self) -> list[ArticleRow]:
        """Every article, in a stable order (by id: the order they were first seen)."""
        rows = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a "
            "LEFT JOIN narrations n ON n.article_id = a.id ORDER BY a.id"
        ).fetchall()
        return [_article(r) for r in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def slug_taken(self, slug: str, *, source: str | None = None) -> bool:
        row = self.db.execute("SELECT source FROM articles WHERE slug = ?", (slug,)).fetchone()
        return row is not None and row[0] != source

    def unique_slug(self, base: str, *, source: str | None = None) -> str:
        """``base``, or ``base-2``, ``base-3`` … whichever no other article has."""
        slug, n = base, 1
        while self.slug_taken(slug, source=source):
            n += 1
            slug = f"{base}-{n}"
        return slug

    def set_page_hash(self, source: str, page_hash: str | None) -> None:
        with self.transaction() as db:
            db.execute("UPDATE articles SET page_hash = ? WHERE source = ?", (page_hash, source))

    def save(
        self,
        *,
        source: str,
        slug: str,
        content_hash: str,
        page_hash: str | None,
        title: str,
        published: str | None,
        category: str | None,
        author: str | None,
        lead: str | None,
        article_json: str,
        narration: NarrationRow,
        now: str | None = None,
    ) -> ArticleRow:
        """Insert or update an article with its narration, in one committed transaction.

        An existing article keeps its id, guid, slug and first_seen.
        """
        now = now or utc_now()
        with self.transaction() as db:
            row = db.execute("SELECT id FROM articles WHERE source = ?", (source,)).fetchone()
            fields = (content_hash, page_hash, title, published, category, author, lead)
            if row is None:
                cur = db.execute(
                    "INSERT INTO articles (source, guid, slug, content_hash, page_hash, title, "
                    "published, category, author, lead, article_json, first_seen, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (source, article_guid(source), slug, *fields, article_json, now, now),
                )
                article_id = cur.lastrowid
            else:
                article_id = row[0]
                db.execute(
                    "UPDATE articles SET content_hash = ?, page_hash = ?, title = ?, "
                    "published = ?, category = ?, author = ?, lead = ?, article_json = ?, "
                    "updated = ? WHERE id = ?",
                    (*fields, article_json, now, article_id),
                )
            n = narration
            db.execute(
                "INSERT INTO narrations (article_id, engine, voice, rate, file, bytes, "
                "duration_ms, content_hash, vtt, chapters, fallback) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET engine = excluded.engine, "
                "voice = excluded.voice, rate = excluded.rate, file = excluded.file, "
                "bytes = excluded.bytes, duration_ms = excluded.duration_ms, "
                "content_hash = excluded.content_hash, vtt = excluded.vtt, "
                "chapters = excluded.chapters, fallback = excluded.fallback",
                (
                    article_id,
                    n.engine,
                    n.voice,
                    n.rate,
                    n.file,
                    n.bytes,
                    n.duration_ms,
                    n.content_hash,
                    n.vtt,
                    n.chapters,
                    int(n.fallback),
                ),
            )
        saved = self.article(source)
        assert saved is not None
        return saved

    # -- digests -----------------------------------------------------------------------------

    def digest(self, day: str) -> DigestRow | None:
        row = self.db.execute(
            "SELECT day, guid, key, file, bytes, duration_ms, vtt, chapters FROM digests "
            "WHERE day = ?",
            (day,),
        ).fetchone()
        return DigestRow(*row) if row else None

    def digests(self) -> list[DigestRow]:
        rows = self.db.execute(
            "SELECT day, guid, key, file, bytes, duration_ms, vtt, chapters FROM digests "
            "ORDER BY day"
        ).fetchall()
        return [DigestRow(*r) for r in rows]

    def save_digest(self, row: DigestRow) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO digests (day, guid, key, file, bytes, duration_ms, vtt, chapters) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(day) DO UPDATE SET "
                "key = excluded.key, file = excluded.file, bytes = excluded.bytes, "
                "duration_ms = excluded.duration_ms, vtt = excluded.vtt, "
                "chapters = excluded.chapters",
                (
                    row.day,
                    row.guid,
                    row.key,
                    row.file,
                    row.bytes,
                    row.duration_ms,
                    row.vtt,
                    row.chapters,
                ),
            )

    def delete_digest(self, day: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM digests WHERE day = ?", (day,))

    def referenced_files(self) -> set[str]:
        """Every file name under ``audio/`` the catalog points at (withdrawn: none)."""
        names: set[str] = set()
        for query in (
            "SELECT n.file, n.vtt, n.chapters FROM narrations n JOIN articles a "
            "ON a.id = n.article_id WHERE a.source NOT IN (SELECT source FROM withdrawals)",
            "SELECT file, vtt, chapters FROM digests",
        ):
            for row in self.db.execute(query):
                names.update(row)
        return names

    # -- finding an article ----------------------------------------------------------------

    def find(self, name: str) -> ArticleRow | None:
        """The article called ``name``: its slug, read page (``…/read/SLUG.html``) or source."""
        row = self.article(name)
        if row is not None:
            return row
        slug = name.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
        found = self.db.execute("SELECT source FROM articles WHERE slug = ?", (slug,)).fetchone()
        return self.article(found[0]) if found else None

    def slug_of(self, source: str) -> str | None:
        row = self.db.execute("SELECT slug FROM articles WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    # -- withdrawn articles --------------------------------------------------------------------

    def withdraw(self, source: str, reason: str | None, *, now: str | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO withdrawals (source, at, reason) VALUES (?, ?, ?) "
                "ON CONFLICT(source) DO UPDATE SET reason = excluded.reason",
                (source, now or utc_now(), reason),
            )

    def restore(self, source: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM withdrawals WHERE source = ?", (source,))

    def withdrawals(self) -> dict[str, tuple[str, str | None]]:
        """Withdrawn sources → (when, reason)."""
        rows = self.db.execute("SELECT source, at, reason FROM withdrawals ORDER BY at")
        return {source: (at, reason) for source, at, reason in rows}

    # -- failures ------------------------------------------------------------------------------

    def record_failure(
        self, source: str, reason: str, waits: tuple[timedelta, ...], *, now: datetime | None = None
    ) -> None:
        """Count a failure of ``source``; it is retried after ``waits[attempts - 1]``."""
        now = now or datetime.now(UTC).replace(microsecond=0)
        with self.transaction() as db:
            row = db.execute("SELECT attempts FROM failures WHERE source = ?", (source,)).fetchone()
            attempts = (row[0] if row else 0) + 1
            wait = waits[min(attempts, len(waits)) - 1] if waits else timedelta(0)
            db.execute(
                "INSERT INTO failures (source, reason, first_failed, last_failed, attempts, "
                "retry_after) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET "
                "reason = excluded.reason, last_failed = excluded.last_failed, "
                "attempts = excluded.attempts, retry_after = excluded.retry_after",
                (
                    source,
                    reason,
                    now.isoformat(),
                    now.isoformat(),
                    attempts,
                    (now + wait).isoformat(),
                ),
            )

    def clear_failure(self, source: str) -> None:
        if self.db.execute("SELECT 1 FROM failures WHERE source = ?", (source,)).fetchone():
            with self.transaction() as db:
                db.execute("DELETE FROM failures WHERE source = ?", (source,))

    def failures(self) -> list[FailureRow]:
        rows = self.db.execute(
            "SELECT source, reason, first_failed, last_failed, attempts, retry_after "
            "FROM failures ORDER BY last_failed DESC, source"
        ).fetchall()
        return [FailureRow(*r) for r in rows]

    def retry_times(self) -> dict[str, datetime]:
        """Failed sources → the earliest time to try them again."""
        return {
            f.source: datetime.fromisoformat(f.retry_after)
            for f in self.failures()
            if f.retry_after
        }

    # -- runs ----------------------------------------------------------------------------------

    def start_run(self, *, now: str | None = None) -> int:
        with self.transaction() as db:
            cur = db.execute("INSERT INTO runs (started) VALUES (?)", (now or utc_now(),))
            # Keep the last 1,000 runs: status needs the last one, people the recent ones.
            db.execute("DELETE FROM runs WHERE id <= ?", (int(cur.lastrowid or 0) - 1000,))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, report: object, seconds: float) -> None:
        """Record how run ``run_id`` ended (``report``: a PublishReport)."""
        failed = len(getattr(report, "failed", ()))
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, seconds = ?, exit_code = ?, published = ?, "
                "updated = ?, unchanged = ?, failed = ?, summary = ? WHERE id = ?",
                (
                    utc_now(),
                    round(seconds, 3),
                    1 if failed else 0,
                    getattr(report, "published", 0),
                    getattr(report, "updated", 0),
                    getattr(report, "unchanged", 0),
                    failed,
                    report.summary() if hasattr(report, "summary") else None,
                    run_id,
                ),
            )

    def last_run(self) -> RunRow | None:
        row = self.db.execute(
            "SELECT id, started, finished, seconds, exit_code, published, updated, unchanged, "
            "failed, summary FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return RunRow(*row) if row else None

    def fallback_count(self) -> int:
        return int(
            self.db.execute("SELECT count(*) FROM narrations WHERE fallback != 0").fetchone()[0]
        )


__all__ = [
    "CATALOG_RELPATH",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArticleRow",
    "Catalog",
    "CatalogError",
    "DigestRow",
    "FailureRow",
    "NarrationRow",
    "RunRow",
    "article_guid",
    "catalog_path",
    "slugify",
]
