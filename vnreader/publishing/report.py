"""What a publish run did (:class:`PublishReport`), and counting in words."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PublishReport", "count"]


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


def count(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``: log lines count in correct English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
