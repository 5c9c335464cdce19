"""vnreader doctor: every check passes on a good set-up, and each problem is named with a fix."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import namedtuple
from pathlib import Path

import pytest

from vnreader.cli import main
from vnreader.config import CONFIG_NAME, Settings, load_settings
from vnreader.publishing import doctor
from vnreader.publishing.doctor import Check, check_config, run_checks

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://tanhiep.example.gov.vn/podcast/"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
Usage = namedtuple("Usage", "total used free")


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def make_catalog(path: Path, articles: int = 2) -> None:
    """A small SQLite file shaped like the publish catalog (WAL, versioned, an articles table)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, source TEXT, body TEXT)")
    db.executemany(
        "INSERT INTO articles (source, body) VALUES (?, ?)",
        [(f"https://x.gov.vn/{i}", "nội dung " * 200) for i in range(articles)],
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


@pytest.fixture
def good(tmp_path: Path) -> tuple[Settings, Path]:
    out = tmp_path / "site"
    out.mkdir()
    return Settings().with_(base_url=PUBLIC, out_dir=out), out


def test_every_check_passes_on_a_good_setup(good: tuple[Settings, Path]) -> None:
    settings, out = good
    checks = run_checks(settings, out)
    names = [check.name for check in checks]
    assert names == [
        "espeak-ng",
        "ffmpeg",
        "output folder",
        "state folder",
        "disk space",
        "catalog",
        "base URL",
        "sources",
    ]
    assert all(check.ok for check in checks), [c.line() for c in checks if not c.ok]
    found = by_name(checks)
    assert "xin chào" in found["espeak-ng"].message
    assert "vi-VN-x-south" in found["espeak-ng"].message  # the south dialect's voice
    assert "libmp3lame" in found["ffmpeg"].message
    assert "writable" in found["output folder"].message
    assert "will be created on the first publish" in found["catalog"].message
    assert not found["base URL"].warning
    assert not list(out.iterdir())  # the write test left nothing behind


def test_an_intact_catalog_is_reported_with_its_size(good: tuple[Settings, Path]) -> None:
    settings, out = good
    path = doctor.catalog_file(out)
    make_catalog(path, articles=3)
    before = path.read_bytes()
    check = by_name(run_checks(settings, out))["catalog"]
    assert check.ok, check.message
    assert "is intact (schema 1, 3 articles)" in check.message
    assert path.read_bytes() == before  # opened read-only


def test_a_corrupt_catalog_is_a_failure_that_says_how_to_rebuild(
    good: tuple[Settings, Path],
) -> None:
    settings, out = good
    path = doctor.catalog_file(out)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not SQLite at all\n" * 200)
    check = by_name(run_checks(settings, out))["catalog"]
    assert not check.ok
    assert "is damaged" in check.message
    assert "--rebuild-catalog" in check.message


def test_a_catalog_with_overwritten_pages_is_damaged(good: tuple[Settings, Path]) -> None:
    _, out = good
    path = doctor.catalog_file(out)
    make_catalog(path, articles=200)
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 4 * page] = b"\xa5" * (2 * page)  # clobber table pages, keep the header
    path.write_bytes(bytes(data))
    check = doctor.check_catalog(out)
    assert not check.ok
    assert "is damaged" in check.message


def test_a_catalog_from_a_newer_vnreader_says_upgrade(
    good: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out = good
    make_catalog(doctor.catalog_file(out))
    monkeypatch.setattr(doctor, "SCHEMA_VERSION", 0)
    check = doctor.check_catalog(out)
    assert not check.ok
    assert "upgrade vnreader" in check.message


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.write_text("oops", encoding="utf-8")
    check = by_name(run_checks(Settings(), out))["output folder"]
    assert not check.ok
    assert "is a file, not a folder" in check.message
    assert "choose another out_dir" in check.message


def test_missing_output_folder_will_be_created(tmp_path: Path) -> None:
    check = doctor.check_output_folder(tmp_path / "a" / "b" / "site")
    assert check.ok
    assert "will be created on the first publish" in check.message
    assert not (tmp_path / "a").exists()  # doctor changes nothing
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    check = doctor.check_output_folder(blocked / "site")
    assert not check.ok
    assert "cannot be created" in check.message


@pytest.mark.skipif(IS_ROOT, reason="root may write in read-only folders")
def test_read_only_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        check = doctor.check_output_folder(out)
        missing = doctor.check_output_folder(out / "inner")
    finally:
        out.chmod(stat.S_IRWXU)
    assert not check.ok
    assert "cannot write in" in check.message and "write access" in check.message
    assert not missing.ok
    assert "cannot be created" in missing.message


def test_read_only_output_folder_by_a_failing_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same failure as above, also when the tests run as root."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(doctor.tempfile, "mkstemp", refuse)
    check = doctor.check_output_folder(tmp_path)
    assert not check.ok
    assert "cannot write in" in check.message and "Permission denied" in check.message


def test_disk_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda _: Usage(10**12, 0, 50 * 1024**2))
    check = doctor.check_disk_space(tmp_path)
    assert not check.ok
    assert "only 50.0 MB free" in check.message
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda _: Usage(10**12, 0, 500 * 1024**2))
    check = doctor.check_disk_space(tmp_path)
    assert check.ok and check.warning


def test_local_base_url_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    check = by_name(run_checks(Settings(), tmp_path))["base URL"]
    assert check.ok and check.warning
    assert check.line().startswith("! base URL: http://127.0.0.1:8000/")
    assert "podcast apps need the public address" in check.message
    plain = doctor.check_base_url(Settings().with_(base_url="http://x.gov.vn/"))
    assert plain.ok and plain.warning and "https" in plain.message


def test_broken_espeak_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vnreader.errors import VnreaderError
    from vnreader.speech.engines import espeak

    def broken(*args: object, **kwargs: object) -> None:
        raise VnreaderError("espeak-ng data folder not found")

    monkeypatch.setattr(espeak, "available", lambda: False)
    monkeypatch.setattr(espeak, "initialize", broken)
    check = doctor.check_espeak(Settings())
    assert not check.ok
    assert "espeak-ng data folder not found" in check.message
    assert "reinstall" in check.message


def fake_ffmpeg(tmp_path: Path, script: str) -> str:
    exe = tmp_path / "ffmpeg"
    exe.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    exe.chmod(0o755)
    return str(exe)


def test_ffmpeg_without_mp3_encoder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vnreader.speech import audio

    exe = fake_ffmpeg(tmp_path, 'echo "ffmpeg version 6.0 Copyright (c) x"\n')
    monkeypatch.setattr(audio, "ffmpeg_exe", lambda: exe)
    check = doctor.check_ffmpeg()
    assert not check.ok
    assert "no MP3 encoder (libmp3lame)" in check.message


def test_ffmpeg_that_does_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vnreader.speech import audio

    failing = fake_ffmpeg(tmp_path, "exit 1\n")
    monkeypatch.setattr(audio, "ffmpeg_exe", lambda: failing)
    check = doctor.check_ffmpeg()
    assert not check.ok and "reinstall imageio-ffmpeg" in check.message
    monkeypatch.setattr(audio, "ffmpeg_exe", lambda: str(tmp_path / "gone"))
    check = doctor.check_ffmpeg()
    assert not check.ok and "does not run" in check.message


def test_gtts_is_probed_only_when_it_is_the_engine(tmp_path: Path) -> None:
    def must_not_run(tld: str) -> str | None:
        raise AssertionError("no network for espeak")

    names = [c.name for c in run_checks(Settings(), tmp_path, gtts_probe=must_not_run)]
    assert "Google voice (gTTS)" not in names

    gtts = Settings().with_(engine="gtts", gtts_tld="com.vn")
    asked: list[str] = []

    def unreachable(tld: str) -> str | None:
        asked.append(tld)
        return f"https://translate.google.{tld}/ is not reachable (ConnectError)"

    check = by_name(run_checks(gtts, tmp_path, gtts_probe=unreachable))["Google voice (gTTS)"]
    assert asked == ["com.vn"]
    assert not check.ok
    assert 'engine = "espeak"' in check.message
    check = by_name(run_checks(gtts, tmp_path, gtts_probe=lambda tld: None))["Google voice (gTTS)"]
    assert check.ok and "sent to Google" in check.message


def test_artwork_must_be_a_square_of_1400_to_3000_pixels(tmp_path: Path) -> None:
    from PIL import Image

    small = tmp_path / "small.png"
    Image.new("RGB", (300, 200), "white").save(small)
    check = doctor.check_artwork(small)
    assert not check.ok
    assert "not square" in check.message and "1400 to 3000" in check.message
    right = tmp_path / "cover.png"
    Image.new("RGB", (1400, 1400), "white").save(right)
    assert doctor.check_artwork(right).ok
    fake = tmp_path / "fake.png"
    fake.write_text("not an image", encoding="utf-8")
    assert not doctor.check_artwork(fake).ok


def test_lexicon_is_loaded(tmp_path: Path) -> None:
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_text("UBND\tủy ban nhân dân\nHĐND\thội đồng nhân dân\n", encoding="utf-8")
    check = by_name(run_checks(Settings().with_(lexicon=lexicon), tmp_path))["lexicon"]
    assert check.ok and "2 entries" in check.message


def test_check_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings, check = check_config(None)
    assert settings == [Settings()]
    assert check.ok and check.warning and "vnreader init" in check.message
    broken = tmp_path / CONFIG_NAME
    broken.write_text('dialect = "central"\n', encoding="utf-8")
    settings, check = check_config(None)
    assert settings == [Settings()]  # the other checks go on with the defaults
    assert not check.ok
    assert "dialect: 'central' is not a dialect" in check.message


# --- the command --------------------------------------------------------------------------


def test_cli_all_good_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    out.mkdir()
    config = tmp_path / "site.toml"
    page = tmp_path / "bai.html"
    page.write_bytes((ROOT / "tests" / "fixtures" / "pages" / "tanhiep_seed.html").read_bytes())
    config.write_text(
        f'base_url = "{PUBLIC}"\nout_dir = "site"\nsources = ["bai.html"]\n', encoding="utf-8"
    )
    code = main(["doctor", "--config", str(config)])
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert code == 0, captured.out
    assert lines[0] == f"✓ settings: {config} is valid"
    assert all(line.startswith("✓ ") for line in lines), lines
    assert any(f"output folder: {out} is writable" in line for line in lines)


def test_cli_broken_config_exits_1_and_still_checks_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / CONFIG_NAME
    config.write_text("rate = 500\n", encoding="utf-8")
    code = main(["doctor", "--config", str(config), "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1
    first, *rest = captured.out.splitlines()
    assert first.startswith("✗ settings: ")
    assert "rate: 500 is out of range" in first
    assert any(line.startswith("✓ ffmpeg") for line in rest)
    assert captured.err == "vnreader: fix: settings\n"


def test_cli_output_folder_problem_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    out.write_text("", encoding="utf-8")
    code = main(["doctor", "--config", str(tmp_path / "none.toml"), "--out", str(out)])
    assert code == 1  # a missing --config file is a failed settings check, not a crash
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✗ settings: ") and "no such file" in lines[0]
    assert any(line.startswith("✗ output folder: ") for line in lines)


def test_cli_corrupt_catalog_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = doctor.catalog_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\0" * 8192)
    code = main(["doctor", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ catalog: " in out


def test_doctor_tries_each_source_and_warns_without_any(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.publish_portal import MiniPortal

    portal = MiniPortal()
    try:
        portal.add("tin-mot", "Hội nghị sơ kết công tác cải cách hành chính", "Nội dung.")
        config = tmp_path / "vnreader.toml"
        config.write_text(
            f'base_url = "{PUBLIC}"\nsources = ["{portal.rss_url}", '
            f'"{portal.base_url}/khong-co"]\n',
            encoding="utf-8",
        )
        assert main(["doctor", "--config", str(config)]) == 1
        out = capsys.readouterr().out
        assert f"✓ source {portal.rss_url}: 1 article found" in out
        assert f"✗ source {portal.base_url}/khong-co: " in out and "404" in out
        assert not (tmp_path / "site").exists()  # a dry run: nothing published
    finally:
        portal.stop()
    config.write_text(f'base_url = "{PUBLIC}"\nsources = []\n', encoding="utf-8")
    main(["doctor", "--config", str(config)])
    assert "! sources: no sources in vnreader.toml" in capsys.readouterr().out


def _read_only_bind(folder: Path) -> bool:
    """Make ``folder`` read-only with a bind mount (root only); whether it worked."""
    import subprocess

    if os.geteuid() != 0:
        return False
    first = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if first.returncode != 0:
        return False
    again = subprocess.run(
        ["mount", "-o", "remount,bind,ro", str(folder), str(folder)], capture_output=True
    )
    if again.returncode != 0:
        subprocess.run(["umount", str(folder)], capture_output=True)
        return False
    return True


def test_an_intact_catalog_in_a_read_only_folder_is_read_only_not_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    from vnreader.publishing.catalog import Catalog
    from vnreader.publishing.pipeline import site_state

    config = tmp_path / "vnreader.toml"
    config.write_text(f'base_url = "{PUBLIC}"\n', encoding="utf-8")
    settings = load_settings(config)
    state = site_state(settings.out_dir, settings)
    Catalog(state.catalog).close()  # an intact, empty catalog in WAL mode
    if not _read_only_bind(state.site_dir):
        pytest.skip("needs root and bind mounts to make a read-only folder")
    try:
        assert main(["doctor", "--config", str(config)]) == 1
        out = capsys.readouterr().out
        (line,) = [line for line in out.splitlines() if "catalog:" in line]
        assert "is intact" in line and "read-only" in line and "damaged" not in line
        assert line.startswith("✗ ")
    finally:
        subprocess.run(["umount", str(state.site_dir)], capture_output=True)


def test_a_piper_voice_is_checked_when_piper_speaks(
    good: tuple[Settings, Path], tmp_path: Path
) -> None:
    from tests.tinypiper import write_voice

    settings, out = good
    model = write_voice(tmp_path / "voices")
    checks = by_name(run_checks(settings.with_(engine="piper", voice=str(model)), out))
    assert checks["piper voice"].ok, checks["piper voice"].message
    assert str(model) in checks["piper voice"].message
    # As the fallback of another engine too; and not at all when piper is not used.
    behind = settings.with_(engine="espeak", fallback="piper", voice=None)
    assert "piper voice" in by_name(run_checks(behind, out))
    assert "piper voice" not in by_name(run_checks(settings, out))


def test_a_piper_voice_that_is_not_installed_names_the_command(
    good: tuple[Settings, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, out = good
    monkeypatch.setenv("VNREADER_DATA_DIR", str(tmp_path / "empty-data"))
    check = by_name(run_checks(settings.with_(engine="piper"), out))["piper voice"]
    assert not check.ok
    assert "vnreader voices install vi_VN-vais1000-medium" in check.message
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    Path(f"{broken}.json").write_text("{}", encoding="utf-8")
    check = by_name(run_checks(settings.with_(engine="piper", voice=str(broken)), out))
    assert not check["piper voice"].ok
    assert "not a piper voice settings file" in check["piper voice"].message
