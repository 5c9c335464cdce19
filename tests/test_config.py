"""vnreader.toml: typed settings, defaults, one-line errors, and the `vnreader init` template."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from vnreader.cli import main
from vnreader.config import (
    CONFIG_NAME,
    DEFAULT_BASE_URL,
    ConfigError,
    Settings,
    apple_categories,
    load_settings,
    template_text,
    write_template,
)
from vnreader.errors import VnreaderError


def write(directory: Path, text: str) -> Path:
    path = directory / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings == Settings()
    assert settings.base_url == DEFAULT_BASE_URL == "http://127.0.0.1:8000/"
    assert settings.is_local
    assert (settings.language, settings.engine, settings.dialect) == ("vi", "espeak", "south")
    assert (settings.rate, settings.max_items, settings.explicit) == (100, 100, False)
    assert settings.categories == ("News", "Government")
    assert settings.sources == ()
    assert settings.out_dir == Path("site")
    assert settings.voice is settings.lexicon is settings.artwork is settings.owner_email is None


def test_the_file_in_the_current_folder_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, 'portal_name = "Cổng TTĐT huyện Tân Hiệp"\n')
    monkeypatch.chdir(tmp_path)
    assert load_settings().portal_name == "Cổng TTĐT huyện Tân Hiệp"


def test_a_full_file_is_typed_and_normalized(tmp_path: Path) -> None:
    (tmp_path / "tu-dien.tsv").write_text("UBND\tủy ban nhân dân\n", encoding="utf-8")
    path = write(
        tmp_path,
        """
portal_name = "Cổng thông tin điện tử huyện Tân Hiệp"
base_url = "https://tanhiep.example.gov.vn/podcast"
language = "vi-VN"
owner_name = "Văn phòng UBND huyện"
owner_email = "vanphong@tanhiep.example.gov.vn"
categories = ["news", "news > daily  news", "Government", "Politics"]
explicit = false
engine = "gtts"
voice = "anything-gtts-ignores"
rate = 90
dialect = "north"
lexicon = "tu-dien.tsv"
sources = ["https://tanhiep.example.gov.vn/tin-tuc", "https://tanhiep.example.gov.vn/rss"]
max_items = 30
out_dir = "public"
gtts_tld = "com.vn"
""",
    )
    s = load_settings(path)
    assert s.base_url == "https://tanhiep.example.gov.vn/podcast/"  # slash added
    assert not s.is_local
    assert s.categories == ("News", "News/Daily News", "Government", "Politics")  # Apple's spelling
    assert s.lexicon == tmp_path / "tu-dien.tsv"  # relative to the file, not the cwd
    assert s.out_dir == tmp_path / "public"
    assert s.sources[1].location == "https://tanhiep.example.gov.vn/rss"
    assert (s.engine, s.rate, s.dialect, s.max_items, s.gtts_tld) == (
        "gtts",
        90,
        "north",
        30,
        "com.vn",
    )


def test_relative_paths_do_not_depend_on_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site-config"
    site.mkdir()
    (site / "lex.tsv").write_text("a\tb\n", encoding="utf-8")
    path = write(site, 'lexicon = "lex.tsv"\n')
    monkeypatch.chdir("/")  # like cron
    settings = load_settings(path)
    assert settings.lexicon == site.resolve() / "lex.tsv"
    assert settings.out_dir == site.resolve() / "site"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foo = 1", "unknown setting 'foo'"),
        ('portal_nam = "x"', "unknown setting 'portal_nam' (did you mean 'portal_name'?)"),
        ("dialekt = 'north'", "did you mean 'dialect'?"),
        ("[portal]\nname = 'x'", "unknown section [portal]"),
        ("portal_name = 5", "portal_name: must be text in quotes, not a number"),
        ('portal_name = "  "', "portal_name: must not be empty"),
        ('base_url = "ftp://example.gov.vn/"', "base_url: 'ftp://example.gov.vn/' must be an http"),
        ('base_url = "example.gov.vn/podcast/"', "base_url: 'example.gov.vn/podcast/' must be"),
        ('base_url = "https:///podcast/"', "must be an http:// or https:// address"),
        ('base_url = "https://x.vn/?a=1"', "must not have a ?query"),
        ('language = "Tiếng Việt"', "language: 'Tiếng Việt' is not a language code"),
        ('owner_email = "vanphong"', "owner_email: 'vanphong' is not an e-mail address"),
        ('owner_email = "a@b"', "owner_email: 'a@b' is not an e-mail address"),
        ('owner_email = "a b@c.vn"', "is not an e-mail address"),
        ('categories = ["Nws"]', "categories: 'Nws' is not an Apple Podcasts category (did you"),
        ('categories = ["News & Politics"]', "is not an Apple Podcasts category"),
        ('categories = ["Arts/Daily News"]', "'Arts/Daily News' is not an Apple Podcasts"),
        ("categories = 3", "categories: must be a list"),
        ('categories = ["News", ""]', "every entry must be non-empty text"),
        ('explicit = "no"', "explicit: must be true or false (no quotes), not 'no'"),
        ('engine = "vbee"', "engine: 'vbee' is not an engine; choose one of espeak"),
        ('dialect = "central"', "dialect: 'central' is not a dialect; choose 'north' or 'south'"),
        ('voice = "en"', "voice: 'en' is not an espeak voice"),
        ("rate = 300", "rate: 300 is out of range (50-200, 100 = normal speed)"),
        ("rate = 10", "rate: 10 is out of range"),
        ("rate = 1.5", "rate: must be a whole number of percent, not 1.5"),
        ('rate = "fast"', "rate: must be a whole number of percent"),
        ("rate = true", "rate: must be a whole number of percent"),
        ("max_items = 0", "max_items: 0 is out of range"),
        ('lexicon = "khong-co.tsv"', "lexicon: lexicon file "),
        ('artwork = "khong-co.png"', "artwork: artwork file "),
        ('sources = ["ftp://example.gov.vn/rss"]', "sources: 'ftp://example.gov.vn/rss' must be"),
        ('out_dir = ""', "out_dir: must name a folder"),
        ('gtts_tld = "com/evil"', "gtts_tld: 'com/evil' is not a domain ending"),
        ('portal_name = "x"\nrate = ', "not valid TOML: Invalid value (at line 2, column 8)"),
        ('portal_name = "x"\nportal_name = "y"', "a setting is given twice (at line 2"),
        ('portal_name = "x', "not valid TOML"),
    ],
)
def test_every_bad_value_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert isinstance(info.value, VnreaderError)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_unreadable_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no such file .*vnreader init"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is a directory, expected a settings file"):
        load_settings(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('portal_name = "Tân Hiệp"'.encode("utf-16"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(latin)


def test_a_category_list_is_checked_against_apples_current_list() -> None:
    known = apple_categories()
    if not known:
        pytest.skip("apple_categories.tsv not shipped yet")
    assert known["government"] == "Government"
    assert "news & politics" not in known  # feedgen's pre-2019 list is not Apple's
    assert known["news/daily news"] == "News/Daily News"


def test_optional_values_may_be_empty(tmp_path: Path) -> None:
    path = write(tmp_path, 'owner_email = ""\nvoice = ""\nlexicon = ""\nartwork = ""\n')
    s = load_settings(path)
    assert s.owner_email is s.voice is s.lexicon is s.artwork is None


def test_one_source_without_brackets_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'sources = "https://x.gov.vn/rss"\n')
    with pytest.raises(ConfigError, match=r"sources: must be a list in \[brackets\]"):
        load_settings(path)


def test_with_checks_and_normalizes_like_the_file() -> None:
    s = Settings().with_(base_url="https://x.gov.vn/podcast", rate=120)
    assert (s.base_url, s.rate) == ("https://x.gov.vn/podcast/", 120)
    assert Settings().base_url == DEFAULT_BASE_URL  # frozen: the original is unchanged
    with pytest.raises(ConfigError, match="base_url: 'x' must be an http"):
        Settings().with_(base_url="x")
    with pytest.raises(ConfigError, match="unknown setting 'base'"):
        Settings().with_(base="https://x.gov.vn/")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.rate = 50  # type: ignore[misc]


# --- the template and `vnreader init` -----------------------------------------------------


def test_the_template_loads_back_to_the_defaults(tmp_path: Path) -> None:
    path = write_template(tmp_path)
    assert path == tmp_path / CONFIG_NAME
    assert load_settings(path) == Settings().with_(
        out_dir=tmp_path / "site", state_dir=tmp_path / ".vnreader"
    )


def test_the_template_explains_every_setting_with_an_example() -> None:
    text = template_text()
    lines = text.splitlines()
    for field in dataclasses.fields(Settings):
        if field.name in ("name", "portal_lexicon"):  # set by [portals.NAME], not keys
            continue
        # Set (with its default) or shown commented out as an example.
        at = [
            i
            for i, line in enumerate(lines)
            if line.startswith(f"{field.name} =") or f"Example: {field.name} =" in line
        ]
        assert at, field.name
        above = lines[max(0, at[0] - 8) : at[0] + 1]
        assert any(line.startswith("#") for line in above), f"{field.name} has no comment"
    # Each block of comments gives an example, in portal terms.
    assert text.count("Example") >= 12
    assert "tin-tuc" in text and "rss" in text.lower()


def test_init_writes_refuses_to_overwrite_and_force_replaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new-site"
    assert main(["init", str(target)]) == 0
    path = target / CONFIG_NAME
    assert path.read_text(encoding="utf-8") == template_text()
    assert "vnreader doctor" in capsys.readouterr().err

    path.write_text('portal_name = "Của tôi"\n', encoding="utf-8")
    assert main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"vnreader: error: {path} already exists (use --force to replace it)\n"
    assert path.read_text(encoding="utf-8") == 'portal_name = "Của tôi"\n'  # untouched

    assert main(["init", "--force", str(target)]) == 0
    assert load_settings(path) == Settings().with_(
        out_dir=target.resolve() / "site", state_dir=target.resolve() / ".vnreader"
    )
    assert not list(target.glob(".*.tmp"))


def test_init_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert (tmp_path / CONFIG_NAME).is_file()
    assert load_settings().portal_name == Settings().portal_name


def test_write_template_raises_when_it_exists(tmp_path: Path) -> None:
    write_template(tmp_path)
    with pytest.raises(ConfigError, match="already exists"):
        write_template(tmp_path)
    write_template(tmp_path, force=True)
