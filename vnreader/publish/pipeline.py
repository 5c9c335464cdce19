"""``vnreader publish``: sources → narrated articles → the site (feeds, pages, audio).

One run of one site, under the site's lock (:class:`~vnreader.publish.atomic.RunLock`, in
the state folder: :mod:`vnreader.publish.layout`):

1. The sources become a list of articles (:mod:`vnreader.publish.sources`): a file (or a
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
4. The site is regenerated from the catalog (:mod:`vnreader.publish.site`). Every file is
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

import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vnreader.config import Settings, Source
from vnreader.errors import InputError, VnreaderError
from vnreader.publish.atomic import RunLock, remove_temporaries
from vnreader.publish.catalog import ArticleRow, Catalog, CatalogError, NarrationRow, slugify
from vnreader.publish.layout import AUDIO_DIR, SiteState, is_inside, migrate_legacy_state
from vnreader.publish.site import Site, _ready_duration
from vnreader.publish.sources import Expander, Item

if TYPE_CHECKING:
    from vnreader.article import Article

__all__ = ["PortalResult", "PublishReport", "publish", "publish_portals", "restore", "withdraw"]

#: Bump when the audio vnreader makes for the same article and settings changes (assembly,
#: script rules): every article is then narrated again on the next run.
NARRATION_FORMAT = 1

#: After the n-th failure in a row, an article is tried again no sooner than this (the
#: first failure is retried on the very next run; the last wait repeats).
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

_log = logging.getLogger("vnreader.publish")

#: ``progress(done, total, label)``: articles handled so far, of how many, what now.
Progress = Callable[[int, int, str], None]


@dataclass
class PublishReport:
    """What one run did. ``failed`` holds (source, reason) for each article that failed."""

    published: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Articles skipped: failed before and still waiting for their retry time.
    waiting: int = 0
    #: Listed articles left out because they were withdrawn.
    withdrawn: int = 0
    #: Narrations synthesized this run (an MP3 found ready on disk is not counted).
    narrated: int = 0
    #: Daily digest episodes assembled this run.
    narrated_digests: int = 0
    #: Output files whose bytes changed, relative to the output folder.
    written: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> str:
        """``3 published, 1 updated, 12 unchanged, 1 failed: SOURCE: REASON``."""
        text = (
            f"{self.published} published, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed"
        )
        if self.waiting:
            text += f", {self.waiting} waiting to be retried"
        if self.withdrawn:
            text += f", {self.withdrawn} withdrawn"
        if self.failed:
            text += ": " + "; ".join(f"{src}: {why}" for src, why in self.failed)
        return text


@dataclass(frozen=True)
class _Job:
    """An article to narrate, with what the catalog needs once its audio is done."""

    source: str
    article: Article
    stem: str
    key: str
    slug: str
    is_new: bool
    content_hash: str
    page_hash: str | None
    article_json: str


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

    with RunLock(state.lock, wait=wait, on_wait=waiting, site=out_dir):
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


@dataclass
class PortalResult:
    """One portal's outcome in :func:`publish_portals`: its report, or why it could not run."""

    settings: Settings
    report: PublishReport | None = None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2 if self.report is None else 1
        return self.report.exit_code if self.report else 0


def publish_portals(
    portals: Sequence[Settings],
    *,
    out_dir: Path | None = None,
    wait: bool = True,
    log: logging.Logger | None = None,
    rebuild_catalog: bool = False,
    progress: Progress | None = None,
) -> list[PortalResult]:
    """Publish each portal from its configured sources, one after the other.

    One portal's failure (unreachable portal, damaged catalog, a lock held elsewhere) is
    recorded in its result and never stops the others. ``out_dir`` overrides the output
    folder (only for a single portal).
    """
    log = log or _log
    results: list[PortalResult] = []
    for settings in portals:
        target = out_dir if out_dir is not None else settings.out_dir
        if settings.name:
            log.info("portal %s: %s", settings.name, settings.portal_name)
        try:
            report = publish(
                [],
                target,
                settings,
                wait=wait,
                log=log,
                rebuild_catalog=rebuild_catalog,
                progress=progress,
            )
        except VnreaderError as exc:
            if len(portals) > 1:
                log.error("portal %s: %s", settings.name, exc)
            results.append(PortalResult(settings, error=str(exc)))
            continue
        results.append(PortalResult(settings, report=report))
    return results


def withdraw(
    article: str,
    out_dir: Path,
    settings: Settings,
    *,
    reason: str | None = None,
    log: logging.Logger | None = None,
) -> ArticleRow | str:
    """Take ``article`` (slug, read page, or source URL) out of the site, and keep it out.

    Its feed items, pages and audio are removed now; later runs skip it while the portal
    still lists it, until :func:`restore`. Returns its row, or the source when the catalog
    does not have it yet (a URL withdrawn before it is ever published).
    """
    state = site_state(out_dir, settings)
    with RunLock(state.lock, site=out_dir):
        migrate_legacy_state(out_dir, state, log or _log)
        with Catalog(state.catalog) as catalog:
            row = catalog.find(article)
            if row is None and not article.startswith(("http://", "https://", "file:")):
                raise VnreaderError(_not_found(article, catalog))
            source = row.source if row is not None else article
            catalog.withdraw(source, reason)
    publish([], out_dir, settings, log=log, refresh=False)
    return row if row is not None else source


def restore(
    article: str, out_dir: Path, settings: Settings, *, log: logging.Logger | None = None
) -> str:
    """Bring a withdrawn article back (same guid); its audio is made again from the catalog."""
    state = site_state(out_dir, settings)
    with RunLock(state.lock, site=out_dir), Catalog(state.catalog) as catalog:
        withdrawn = catalog.withdrawals()
        row = catalog.find(article)
        source = row.source if row is not None else article
        if source not in withdrawn:
            if row is None and article not in withdrawn:
                raise VnreaderError(_not_found(article, catalog, withdrawn_only=True))
            raise VnreaderError(f"{article} is not withdrawn")
        catalog.restore(source)
    publish([], out_dir, settings, log=log, refresh=False)
    return source


def _not_found(article: str, catalog: Catalog, *, withdrawn_only: bool = False) -> str:
    import difflib

    if withdrawn_only:
        names = [catalog.slug_of(s) or s for s in catalog.withdrawals()]
    else:
        names = [row.slug for row in catalog.articles()]
    close = difflib.get_close_matches(article, names, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    what = "withdrawn article" if withdrawn_only else "article"
    return f"no {what} {article!r} in this site{hint}"


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
        self._settings_key = self._narration_settings()
        self.workers = max(1, min(4, os.cpu_count() or 1))
        self._reserved: set[str] = set()
        self._lock = threading.Lock()
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
        with ThreadPoolExecutor(self.workers, thread_name_prefix="narrate") as pool:
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
            for job in self._stale(seen | withdrawn):
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
            ).build()

    def _submit(
        self, pool: ThreadPoolExecutor, slots: threading.BoundedSemaphore, job: _Job
    ) -> None:
        slots.acquire()
        if self.progress is not None:
            self.progress(self._done, self._total, f"narrating: {job.article.title}")
        future = pool.submit(self._narrate, job.article, job.stem, job.key)
        future.add_done_callback(functools.partial(self._narrated, job, slots))

    def _step(self, label: str) -> None:
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._total, label)

    def _stale(self, skip: set[str]) -> list[_Job]:
        """Catalog articles not read this run whose audio is missing or out of date."""
        from vnreader.article import Article

        jobs = []
        for row in self.catalog.articles():
            if row.source in skip or self._narration_ok(row):
                continue
            article = Article.from_dict(json.loads(row.article_json))
            key = self._key(row.content_hash)
            jobs.append(
                _Job(
                    source=row.source,
                    article=article,
                    stem=f"{row.slug}.{key[:10]}",
                    key=key,
                    slug=row.slug,
                    is_new=False,
                    content_hash=row.content_hash,
                    page_hash=row.page_hash,
                    article_json=row.article_json,
                )
            )
        return jobs

    def _narrated(
        self,
        job: _Job,
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

    def _article(self, source: Item) -> _Job | None:
        """What to narrate for ``source``, or None when it is unchanged (counted here)."""
        from vnreader.extract import extract_bytes

        # The lock only around catalog use: a commit from a narration thread must not
        # wait for a slow page.
        with self._lock:
            row = self.catalog.article(source.key)
        raw, url, content_type = self._read(source)
        page_hash = hashlib.sha256(raw).hexdigest()
        if row is not None and row.page_hash == page_hash and self._narration_ok(row):
            # The very page the catalog has, already narrated with these settings.
            self.report.unchanged += 1
            self.log.debug("unchanged: %s", source.key)
            return None
        if not raw.strip():
            raise VnreaderError("the page is empty")
        article = extract_bytes(raw, url=url, content_type=content_type)
        article_json = _canonical_json(article)
        content_hash = hashlib.sha256(article_json.encode("utf-8")).hexdigest()
        if (
            row is not None
            and row.content_hash == content_hash
            and row.narration is not None
            and self._narration_ok(row)
        ):
            # The page changed around the article (a counter, a sidebar): keep everything.
            with self._lock:
                self.catalog.set_page_hash(source.key, page_hash)
            self.report.unchanged += 1
            self.log.debug("unchanged article, page differs: %s", source.key)
            return None
        key = self._key(content_hash)
        with self._lock:
            slug = row.slug if row else self._new_slug(article.title)
        return _Job(
            source=source.key,
            article=article,
            stem=f"{slug}.{key[:10]}",
            key=key,
            slug=slug,
            is_new=row is None,
            content_hash=content_hash,
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

    def _commit(self, job: _Job, narration: NarrationRow) -> None:
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
        page = source.page or self.expander.fetch(source.url, source.source)
        return page.body, page.url, page.content_type

    def _narration_settings(self) -> str:
        s = self.settings
        lexicon = None
        if s.lexicon is not None:
            try:
                lexicon = hashlib.sha256(Path(s.lexicon).read_bytes()).hexdigest()
            except OSError as exc:
                raise VnreaderError(
                    f"cannot read the lexicon {s.lexicon}: {exc.strerror or exc}"
                ) from None
        return json.dumps(
            [NARRATION_FORMAT, s.engine, self.voice, s.rate, s.dialect, s.portal_name, lexicon],
            ensure_ascii=False,
        )

    def _lexicon_arg(self, narrate: object) -> dict[str, Path]:
        """``lexicon=`` for narrate() when the settings name a lexicon file."""
        lexicon = self.settings.lexicon
        return {} if lexicon is None else {"lexicon": Path(lexicon)}

    def _key(self, content_hash: str) -> str:
        """The narration key: the article's content and every setting that changes audio."""
        return hashlib.sha256(f"{self._settings_key}\n{content_hash}".encode()).hexdigest()

    def _narration_ok(self, row: ArticleRow) -> bool:
        n = row.narration
        if n is None or n.content_hash != self._key(row.content_hash):
            return False
        try:
            return (self.audio / n.file).stat().st_size == n.bytes and all(
                (self.audio / name).is_file() for name in (n.vtt, n.chapters)
            )
        except OSError:
            return False

    def _narrate(self, article: Article, stem: str, key: str) -> tuple[NarrationRow, bool]:
        """Runs on a worker thread: touches files only, never the catalog or the report."""
        from vnreader.speech.narrate import narrate

        s = self.settings
        mp3 = self.audio / f"{stem}.mp3"
        vtt = mp3.with_suffix(".vtt")
        chapters = mp3.with_suffix(".chapters.json")
        duration_ms = _ready_duration(mp3, vtt, chapters)
        if duration_ms is None:
            result = narrate(
                article,
                mp3,
                engine=s.engine,
                voice=self.voice,
                rate=s.rate,
                dialect=s.dialect,
                cache_dir=self.chunk_cache,
                portal_name=s.portal_name,
                gtts_tld=s.gtts_tld,
                **self._lexicon_arg(narrate),
            )
            duration_ms = result.duration_ms
            made = True
        else:
            made = False
            # A run killed after narrating but before committing, or a rebuilt catalog:
            # the files under this key are this very narration.
            self.log.info("re-using %s/%s", AUDIO_DIR, mp3.name)
        return (
            NarrationRow(
                engine=s.engine,
                voice=self.voice,
                rate=s.rate,
                file=mp3.name,
                bytes=mp3.stat().st_size,
                duration_ms=int(duration_ms),
                content_hash=key,
                vtt=vtt.name,
                chapters=chapters.name,
            ),
            made,
        )


# -- helpers -------------------------------------------------------------------------------


def _warm_file_modes() -> None:
    """Read the umask once, here, before worker threads: reading it means setting it."""
    from vnreader.publish import atomic
    from vnreader.speech import assemble

    atomic._file_mode()
    assemble._file_mode()


def _canonical_json(article: Article) -> str:
    """The article as canonical JSON: what its content hash is taken of."""
    return json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
