"""The pronunciation fix loop: `vnreader lexicon add`, then the next publish re-narrates
exactly the articles that use the word, synthesizing only their changed sentences."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from tests.publish_portal import MiniPortal, served_portal  # noqa: F401 (the portal fixture)
from tests.test_cron import one_portal_config
from vnreader.cli import main
from vnreader.config import load_settings
from vnreader.normalizer import Normalizer
from vnreader.publishing.pipeline import site_state
from vnreader.speech.cache import ChunkCache
from vnreader.speech.narrate import default_voice, make_engine

SENTENCES = (
    "Ủy ban nhân dân xã tổ chức hội nghị tổng kết công tác năm tại hội trường.",
    "Bà con ấp Tân Hòa tham gia ngày hội đại đoàn kết toàn dân tộc rất đông vui.",
    "Đoàn thanh niên ra quân dọn vệ sinh kênh thủy lợi ở ấp Kinh Tư.",
    "Hội nông dân tập huấn kỹ thuật trồng lúa chất lượng cao cho hội viên.",
    "Trạm y tế xã tiêm vắc xin phòng bệnh cho trẻ em dưới năm tuổi.",
    "Công an xã tuyên truyền phòng chống tội phạm trong dịp cuối năm.",
)
TITLES = (
    "Hội nghị tổng kết công tác năm của ủy ban xã",
    "Ngày hội đại đoàn kết toàn dân tộc ở ấp Tân Hòa",
    "Ra quân dọn vệ sinh kênh thủy lợi ấp Kinh Tư",
    "Tập huấn kỹ thuật trồng lúa chất lượng cao",
    "Tiêm vắc xin phòng bệnh cho trẻ em",
    "Tuyên truyền phòng chống tội phạm cuối năm",
)


def test_a_word_added_renarrates_only_the_article_that_uses_it(
    portal: MiniPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i, (title, text) in enumerate(zip(TITLES, SENTENCES, strict=True)):
        portal.add(f"bai-{i}", title, text, when=f"2{i}/12/2019 08:00")
    config = one_portal_config(tmp_path, portal)
    out = tmp_path / "site"
    assert main(["publish", "--config", str(config), "--quiet"]) == 0
    feed = feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    guids = {e.id: e.enclosures[0].href for e in feed.entries}
    assert len(guids) == 6
    audio = {p.name: p.stat().st_mtime_ns for p in (out / "audio").iterdir()}

    # "Kinh Tư" is in exactly one article (its title and its sentence).
    assert main(["lexicon", "add", "Kinh Tư", "Kinh Bốn", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "lexicon.tsv" in err and "narrates again 1 published article" in err
    assert (tmp_path / "lexicon.tsv").read_text("utf-8").endswith("Kinh Tư\tKinh Bốn\n")
    assert main(["lexicon", "list", "--config", str(config), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["written"], e["spoken"]) for e in listed] == [("Kinh Tư", "Kinh Bốn")]

    assert main(["publish", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "0 published, 1 updated, 5 unchanged, 0 failed" in err
    feed = feedparser.parse((out / "feeds" / "podcast.xml").read_bytes())
    after = {e.id: e.enclosures[0].href for e in feed.entries}
    assert after.keys() == guids.keys()  # every guid kept
    changed = [g for g in after if after[g] != guids[g]]
    assert len(changed) == 1 and "ra-quan-don-ve-sinh" in after[changed[0]]
    # Only that article's files are new: the others' audio was not even rewritten.
    now = {p.name: p.stat().st_mtime_ns for p in (out / "audio").iterdir()}
    new = {n for n in now if n not in audio}
    assert new and all(n.startswith("ra-quan-don-ve-sinh") for n in new)
    assert all(now[n] == audio[n] for n in now if n in audio)

    # The new audio says the new reading: its sentence, spoken with the lexicon, is in the
    # chunk cache (what was synthesized), and the old reading's sentence was not re-made.
    settings = load_settings(config)
    spoken = Normalizer(dialect=settings.dialect, lexicon={"Kinh Tư": "Kinh Bốn"}).normalize(
        SENTENCES[2]
    )
    assert "Kinh Bốn" in spoken
    voice = default_voice("espeak", settings.dialect)
    engine = make_engine("espeak", dialect=settings.dialect, voice=voice)
    key = engine.cache_key(voice, settings.rate)
    cache = ChunkCache(site_state(out, settings).chunk_cache)
    assert cache.path_for(key, spoken).is_file()

    # Removing the word brings the old reading back, again for that article only.
    assert main(["lexicon", "remove", "Kinh Tư", "--config", str(config)]) == 0
    assert main(["publish", "--config", str(config)]) == 0
    assert "0 published, 1 updated, 5 unchanged" in capsys.readouterr().err
    assert main(["lexicon", "remove", "Kinh Tư", "--config", str(config)]) == 2
    assert main(["lexicon", "add", "A\tB", "C", "--config", str(config)]) == 2
