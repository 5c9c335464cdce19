"""``vnreader publish``: sources → narrated articles → the site (feeds, pages, audio).

One run of one site, under the site's lock (:class:`~vnreader.publishing.atomic.RunLock`, in
the state folder: :mod:`vnreader.publishing.layout`):

1. The sources become a list of articles (:mod:`vnreader.publishing.sources`): a file (or a
   folder of ``.html`` files), an article URL, a listing page (and its next pages) or an
   RSS/Atom feed; with no sources given, the settings' ``sources``. A source that cannot
   be read is a named failure; the others go on.
2. Each article is fetched through the conditional cache. A page whose bytes are those the
   catalog recorded is not even extracted. Otherwise it is extracted; when its *narration
   key* (the article's canonical JSON together with engine, voice, rate, dialect, portal
   name and lexicon) matches the catalog's and the MP3 is there with the recorded size,
   nothing is done. Else the article is narrated (the chunk cache re-uses every unchanged
   sentence) to ``OUT/audio/<slug>.<key>.mp3`` with its ``.vtt`` and ``.chapters.json``,
   and the catalog row is committed at once: a failure or a kill later loses nothing
   already done. A failing article is recorded with its reason and retried on the next
   run, then with a growing wait (:data:`RETRY_WAITS`); the run goes on.
   Withdrawn articles (``vnreader withdraw``) are skipped, however often they are listed.
3. Articles of the catalog the sources no longer list whose audio is missing or made with
   other settings (a restored article, a changed voice) are narrated again from the
   article kept in the catalog, without fetching.
4. The site is regenerated from the catalog (:mod:`vnreader.publishing.site`). Every file is
   written atomically and only when its bytes differ; audio files no catalog row points at
   any more are deleted last, once the feeds point at their replacements.

Why the key is in the MP3's name: an edited article gets a new file beside the old one,
so a run killed between narration and the feeds leaves the old feeds pointing at the old,
complete file with the exact length they state. The feeds never reference a file that is
missing or of another size, whenever the run stops.

Nothing written depends on the clock: dates come from the articles (an undated article
uses the time the catalog first saw it, stored once), order is by date then guid, so a
run with nothing new rewrites nothing.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.config import Settings, Source
from vnreader.errors import InputError, VnreaderError
from vnreader.extract.fetch import Page
from vnreader.extract.fetch import session as fetch_session
from vnreader.publishing.atomic import RunLock, remove_temporaries
from vnreader.publishing.catalog import Catalog, CatalogError, NarrationRow, slugify
from vnreader.publishing.changes import NarrationKeys, canonical_json, content_hash
from vnreader.publishing.jobs import Job, narrate_job, stale_jobs
from vnreader.publishing.layout import AUDIO_DIR, SiteState, is_inside, migrate_legacy_state
from vnreader.publishing.report import PublishReport
from vnreader.publishing.site import Site
from vnreader.publishing.sources import Expander, Item

if TYPE_CHECKING:
    pass

__all__ = ["PublishReport", "publish", "site_state"]

#: After the n-th failure in a row, an article is tried again no sooner than this (the
#: first failure is retried on the very next run; the last wait repeats).
#: Pages fetched at the same time during a run (at most two connections to a server).
FETCHES_AT_ONCE = 2

RETRY_WAITS = (
    timedelta(0),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)

LOCAL_NOTE = (
    "feeds use {base}: podcast apps need the public address (--base-url or base_url in "
    "vnreader.toml)"
)

_log = logging.getLogger("vnreader.publishing")

#: ``progress(done, total, label)``: articles handled so far, of how many, what now.
Progress = Callable[[int, int, str], None]


def site_state(out_dir: Path, settings: Settings) -> SiteState:
    """The state folder of the site ``settings`` publish into ``out_dir``."""
    return SiteState.for_site(out_dir, settings.state_dir, settings.name)


def publish(
    sources: Sequence[str | Source],
    out_dir: Path,
    settings: Settings,
    *,
    wait: bool = True,
    log: logging.Logger | None = None,
    rebuild_catalog: bool = False,
    progress: Progress | None = None,
    refresh: bool = True,
) -> PublishReport:
    """Publish ``sources`` (or ``settings.sources``) into ``out_dir``; see the module doc.

    ``wait=False`` fails at once (:class:`VnreaderError`) when another run holds the
    site. ``rebuild_catalog=True`` moves a damaged catalog aside and starts a new one.
    ``refresh=False`` reads no source: the catalog's articles are narrated where needed
    and the site written (what ``withdraw`` and ``restore`` do). Problems with the whole
    run (settings, lock, catalog, output folder) raise :class:`VnreaderError`; a failing
    article is in the report's ``failed``.
    """
    log = log or _log
    out_dir = Path(out_dir)
    given = [_as_source(s) for s in sources]
    missing = [s.location for s in given if not s.is_url and not Path(s.location).exists()]
    if given and len(missing) == len(given):
        # Nothing that could be published: bad input (exit 2), and nothing is written.
        raise InputError(f"{missing[0]}: no such file")
    state = site_state(out_dir, settings)
    if is_inside(state.root, out_dir):
        raise VnreaderError(
            f"the state folder {state.root} is inside the output folder {out_dir}, which is "
            "served: set state_dir in vnreader.toml to a folder beside it"
        )
    for folder, what in ((out_dir, "output"), (state.site_dir, "state")):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VnreaderError(
                f"cannot create the {what} folder {folder}: {exc.strerror or exc}"
            ) from None
        if not os.access(folder, os.W_OK):
            raise VnreaderError(f"cannot write into the {what} folder {folder} (read-only)")

    def waiting(holder: str) -> None:
        about = f" ({holder})" if holder else ""
        log.info("waiting for another vnreader publish on %s%s", out_dir, about)

    with RunLock(state.lock, wait=wait, on_wait=waiting, site=out_dir), fetch_session():
        migrate_legacy_state(out_dir, state, log)
        if rebuild_catalog:
            try:
                Catalog(state.catalog).close()
            except CatalogError:
                aside = Catalog.set_aside(state.catalog)
                log.warning("moved the damaged catalog aside to %s; rebuilding it", aside)
        with Catalog(state.catalog) as catalog:
            run = _Run(out_dir, settings, catalog, state, log, progress)
            started = time.monotonic()
            run_id = catalog.start_run()
            try:
                run.go(given, refresh=refresh)
            finally:
                catalog.finish_run(run_id, run.report, time.monotonic() - started)
            return run.report


def _as_source(source: str | Source) -> Source:
    if isinstance(source, Source):
        return source
    if source.startswith(("http://", "https://")):
        return Source(location=source)
    return Source(location=source)


class _Run:
    def __init__(
        self,
        out_dir: Path,
        settings: Settings,
        catalog: Catalog,
        state: SiteState,
        log: logging.Logger,
        progress: Progress | None = None,
    ):
        from vnreader.speech.narrate import default_voice

        self.out = out_dir
        self.settings = settings
        self.catalog = catalog
        self.state = state
        self.log = log
        self.progress = progress
        self.report = PublishReport()
        self.audio = out_dir / AUDIO_DIR
        self.http_cache = state.http_cache
        self.chunk_cache = state.chunk_cache
        self.voice = settings.voice or default_voice(settings.engine, settings.dialect)
        self.keys = NarrationKeys(settings, self.voice, self.audio)
        self.workers = max(1, min(4, os.cpu_count() or 1))
        self._reserved: set[str] = set()
        self._lock = threading.Lock()
        self._pages: Prefetcher | None = None  # the pages of this run, fetched ahead
        self._done = 0
        self._total = 0
        self.expander = Expander(
            http_cache=self.http_cache,
            known=lambda url: self.catalog.article(url) is not None,
            fail=self._fail,
            log=log,
        )

    # -- the run -------------------------------------------------------------------------

    def go(self, sources: Sequence[Source], *, refresh: bool = True) -> None:
        s = self.settings
        if s.is_local:
            self.log.warning(LOCAL_NOTE.format(base=s.base_url))
        self.audio.mkdir(parents=True, exist_ok=True)
        remove_temporaries(self.audio)
        withdrawn = set(self.catalog.withdrawals())
        items: list[Item] = []
        if refresh:
            configured = not sources
            wanted = list(sources) if sources else list(s.sources)
            if not wanted:
                self.log.warning(
                    "nothing to publish: no SOURCE given and no sources in vnreader.toml"
                )
            items = self.expander.expand(wanted, configured=configured)
        now = datetime.now(UTC)
        retry_at = self.catalog.retry_times()
        self._total = len(items)
        # Narrations run on worker threads: the speech engine serializes its own calls,
        # and each narration's ffmpeg passes run beside the others'. Fetching, extracting
        # and every catalog write stay on this thread (one SQLite connection), committing
        # each article as soon as its audio is complete.
        _warm_file_modes()
        slots = threading.BoundedSemaphore(2 * self.workers)  # narrations queued at most
        to_read = [
            item
            for item in items
            if item.key not in withdrawn and not (retry_at.get(item.key, now) > now)
        ]
        with (
            ThreadPoolExecutor(self.workers, thread_name_prefix="narrate") as pool,
            ThreadPoolExecutor(FETCHES_AT_ONCE, thread_name_prefix="fetch") as fetchers,
        ):
            self._pages = Prefetcher(self.expander.fetch, to_read, fetchers)
            seen: set[str] = set()
            for item in items:
                seen.add(item.key)
                if item.key in withdrawn:
                    self.report.withdrawn += 1
                    self._step(item.key)
                    continue
                due = retry_at.get(item.key)
                if due is not None and due > now:
                    self.report.waiting += 1
                    self.log.info("waiting until %s to retry %s", due.isoformat(), item.key)
                    self._step(item.key)
                    continue
                try:
                    job = self._article(item)
                except VnreaderError as exc:
                    with self._lock:
                        self._fail(item.key, str(exc))
                    self._step(item.key)
                    continue
                except Exception as exc:  # a page that trips a bug: name it, go on
                    self.log.exception("reading %s failed", item.key)
                    with self._lock:
                        self._fail(item.key, f"internal error: {exc!r}")
                    self._step(item.key)
                    continue
                if job is None:
                    with self._lock:
                        self.catalog.clear_failure(item.key)
                    self._step(item.key)
                    continue
                self._submit(pool, slots, job)
            for job in stale_jobs(self.catalog, self.keys, seen | withdrawn):
                self._total += 1
                self._submit(pool, slots, job)
            # Every slot back means every narration ended AND its commit callback too
            # (a future counts as done before its callbacks have run).
            for _ in range(2 * self.workers):
                slots.acquire()
            Site(
                out=self.out,
                settings=s,
                catalog=self.catalog,
                state=self.state,
                report=self.report,
                log=self.log,
                fail=self._fail,
                pool=pool,
                withdrawn=withdrawn,
                fetch_image=functools.partial(self.expander.fetch_image, sources=s.sources),
            ).build()

    def _submit(
        self, pool: ThreadPoolExecutor, slots: threading.BoundedSemaphore, job: Job
    ) -> None:
        slots.acquire()
        if self.progress is not None:
            self.progress(self._done, self._total, f"narrating: {job.article.title}")
        future = pool.submit(
            narrate_job,
            job,
            settings=self.settings,
            voice=self.voice,
            audio=self.audio,
            chunk_cache=self.chunk_cache,
            log=self.log,
        )
        future.add_done_callback(functools.partial(self._narrated, job, slots))

    def _step(self, label: str) -> None:
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._total, label)

    def _narrated(
        self,
        job: Job,
        slots: threading.BoundedSemaphore,
        future: Future[tuple[NarrationRow, bool]],
    ) -> None:
        """On the worker thread, as soon as a narration ends: commit it to the catalog.

        Committing here, not when the main thread gets round to it, means an article is
        recorded the moment its audio is complete, even while the main thread waits on a
        slow page; the lock keeps the one SQLite connection to one thread at a time.
        """
        try:
            with self._lock:
                self._reserved.discard(job.slug)
                try:
                    narration, made = future.result()
                except VnreaderError as exc:
                    self._fail(job.source, str(exc))
                    return
                except Exception as exc:  # a bug: name it, keep the other articles going
                    self.log.exception("narration of %s failed", job.source)
                    self._fail(job.source, f"internal error: {exc!r}")
                    return
                self.report.narrated += made
                try:
                    self._commit(job, narration)
                    self.catalog.clear_failure(job.source)
                except VnreaderError as exc:
                    self._fail(job.source, str(exc))
        finally:
            self._step(job.source)
            slots.release()

    def _fail(self, source: str, reason: str) -> None:
        """Name a failure in the log and the report, and record when to try it again."""
        reason = " ".join(reason.split())
        if reason.startswith(source):  # "URL answered 404" → "URL: answered 404", not twice
            reason = reason[len(source) :].lstrip(": ") or reason
        self.log.error("failed: %s: %s", source, reason)
        self.report.failed.append((source, reason))
        self.catalog.record_failure(source, reason, RETRY_WAITS)

    def _article(self, source: Item) -> Job | None:
        """What to narrate for ``source``, or None when it is unchanged (counted here)."""
        from vnreader.extract import extract_bytes

        # The lock only around catalog use: a commit from a narration thread must not
        # wait for a slow page.
        with self._lock:
            row = self.catalog.article(source.key)
        raw, url, content_type = self._read(source)
        page_hash = hashlib.sha256(raw).hexdigest()
        if row is not None and row.page_hash == page_hash and self.keys.is_current(row):
            # The very page the catalog has, already narrated with these settings.
            self.report.unchanged += 1
            self.log.debug("unchanged: %s", source.key)
            return None
        if not raw.strip():
            raise VnreaderError("the page is empty")
        article = extract_bytes(raw, url=url, content_type=content_type)
        article_json = canonical_json(article)
        digest = content_hash(article_json)
        if (
            row is not None
            and row.content_hash == digest
            and row.narration is not None
            and self.keys.is_current(row)
        ):
            # The page changed around the article (a counter, a sidebar): keep everything.
            with self._lock:
                self.catalog.set_page_hash(source.key, page_hash)
            self.report.unchanged += 1
            self.log.debug("unchanged article, page differs: %s", source.key)
            return None
        key = self.keys.key(digest, article_json)
        with self._lock:
            slug = row.slug if row else self._new_slug(article.title)
        return Job(
            source=source.key,
            article=article,
            stem=f"{slug}.{key[:10]}",
            key=key,
            slug=slug,
            is_new=row is None,
            content_hash=digest,
            page_hash=page_hash,
            article_json=article_json,
        )

    def _new_slug(self, title: str) -> str:
        """A slug no article has, nor one of this run's narrations still in progress."""
        base = slugify(title)
        slug, n = base, 1
        while slug in self._reserved or self.catalog.slug_taken(slug):
            n += 1
            slug = f"{base}-{n}"
        self._reserved.add(slug)
        return slug

    def _commit(self, job: Job, narration: NarrationRow) -> None:
        article = job.article
        self.catalog.save(
            source=job.source,
            slug=job.slug,
            content_hash=job.content_hash,
            page_hash=job.page_hash,
            title=article.title,
            published=article.published.isoformat() if article.published else None,
            category=article.category,
            author=article.author,
            lead=article.lead,
            article_json=job.article_json,
            narration=narration,
        )
        if job.is_new:
            self.report.published += 1
            self.log.info("published: %s → %s/%s", job.source, AUDIO_DIR, narration.file)
        else:
            self.report.updated += 1
            self.log.info("updated: %s → %s/%s", job.source, AUDIO_DIR, narration.file)

    def _read(self, source: Item) -> tuple[bytes, str | None, str | None]:
        if source.path is not None:
            from vnreader.errors import InputError

            try:
                return source.path.read_bytes(), None, None
            except OSError as exc:
                raise InputError(f"cannot read {source.path}: {exc.strerror or exc}") from None
        assert source.url is not None
        if source.page is not None:
            page = source.page
        elif self._pages is not None:
            page = self._pages.get(source)
        else:
            page = self.expander.fetch(source.url, source.source)
        return page.body, page.url, page.content_type


class Prefetcher:
    """Fetches the next pages of a run on :data:`FETCHES_AT_ONCE` threads, a few ahead
    of the page being read, in the order they will be asked for.

    An unchanged re-run is a long series of conditional requests, each one a round trip;
    two at a time keep the portal's server and this machine busy at once (the HTTP/1.1
    advice of at most two connections to a server keeps it polite). A fetch that fails
    raises its error when its page is asked for, as an unprefetched one would.
    """

    def __init__(
        self,
        fetch: Callable[[str, Source | None], Page],
        items: Sequence[Item],
        pool: ThreadPoolExecutor,
        ahead: int = 8,
    ) -> None:
        self._fetch = fetch
        self._pool = pool
        self._ahead = ahead
        self._waiting = collections.deque(
            item for item in items if item.url is not None and item.page is None
        )
        self._started: dict[str, Future[Page]] = {}

    def get(self, item: Item) -> Page:
        assert item.url is not None
        self._fill()
        started = self._started.pop(item.key, None)
        self._fill()
        if started is None:  # not foreseen: fetched now
            return self._fetch(item.url, item.source)
        return started.result()

    def _fill(self) -> None:
        while self._waiting and len(self._started) < self._ahead:
            item = self._waiting.popleft()
            assert item.url is not None
            self._started[item.key] = self._pool.submit(self._fetch, item.url, item.source)


# -- helpers -------------------------------------------------------------------------------


def _warm_file_modes() -> None:
    """Read the umask once, here, before worker threads: reading it means setting it."""
    from vnreader.filemode import file_mode

    file_mode()
