"""The settings file: read (one site, or ``[portals.NAME]`` tables) and written by ``init``."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vnreader.config.settings import (
    DEFAULT_LEXICON,
    FILE_KEYS,
    Config,
    Settings,
    portal_lexicon_name,
    unknown_message,
)
from vnreader.config.values import CONFIG_NAME, check, optional_path, type_name
from vnreader.errors import ConfigError
from vnreader.packagedata import read_text
from vnreader.textio import read_input


def load_settings(path: Path | str | None = None, *, portal: str | None = None) -> Settings:
    """The settings of the one site of ``path`` (or of ``[portals.<portal>]``).

    ``path`` None: ./vnreader.toml when it exists, else every default. A file with several
    portals needs ``portal``. Raises :class:`ConfigError` naming the file and the key.
    """
    config = load_config(path)
    chosen = config.portal(portal)
    if len(chosen) > 1:
        names = ", ".join(str(s.name) for s in chosen)
        raise ConfigError(f"{config.path}: has several portals ({names}); choose one with --portal")
    return chosen[0]


def load_config(path: Path | str | None = None) -> Config:
    """Read a settings file (None: ./vnreader.toml when it exists, else every default)."""
    if path is None:
        candidate = Path(CONFIG_NAME)
        if not candidate.is_file():
            return Config(path=None, portals=(Settings(),))
        path = candidate
    path = Path(path)
    where = str(path)
    raw = read_input(
        path, expected="a settings file", error=ConfigError, hint=" (run 'vnreader init')"
    )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)": already one line.
        reason = str(exc)
        if reason.startswith("Cannot overwrite a value"):
            reason = reason.replace("Cannot overwrite a value", "a setting is given twice", 1)
        raise ConfigError(f"{where}: not valid TOML: {reason}") from None
    base_dir = path.resolve().parent
    return Config(path=path, portals=_portals(data, base_dir=base_dir, where=where))


def _portals(data: Mapping[str, Any], *, base_dir: Path, where: str) -> tuple[Settings, ...]:
    data = dict(data)
    tables = data.pop("portals", None)
    state_dir = _state_dir(data.pop("state_dir", None), base_dir, where)
    if "lexicon" not in data and (base_dir / DEFAULT_LEXICON).is_file():
        data["lexicon"] = DEFAULT_LEXICON
    if tables is None:
        settings = _from_mapping(data, base_dir=base_dir, where=where)
        _check_state_dir(state_dir, settings, where)
        return (dataclasses.replace(settings, state_dir=state_dir),)
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(
            f"{where}: portals: must be tables [portals.NAME], one per portal, "
            "e.g. [portals.tan-hiep]"
        )
    defaults = _from_mapping(data, base_dir=base_dir, where=where)
    portals: list[Settings] = []
    for name, table in tables.items():
        at = f"{where}: [portals.{name}]"
        if not _PORTAL_NAME.match(name):
            raise ConfigError(f"{at}: a portal's name is letters, digits, '-' and '_' only")
        if not isinstance(table, dict):
            raise ConfigError(f"{at}: must be a table of settings, not {type_name(table)}")
        values = {**data, **table}
        if "out_dir" not in table:
            values["out_dir"] = str(defaults.out_dir / name)
        if "base_url" not in table:
            values["base_url"] = defaults.base_url + name + "/"
        settings = _from_mapping(values, base_dir=base_dir, where=at)
        _check_state_dir(state_dir, settings, at)
        own = base_dir / portal_lexicon_name(name)
        portals.append(
            dataclasses.replace(
                settings,
                state_dir=state_dir,
                name=name,
                portal_lexicon=own if own.is_file() else None,
            )
        )
    _check_folders(portals, state_dir, where)
    return tuple(portals)


def _state_dir(value: Any, base_dir: Path, where: str) -> Path:
    if value is None:
        return base_dir / ".vnreader"
    try:
        path = optional_path(value, base_dir, must_exist=False, what="folder")
    except ValueError as exc:
        raise ConfigError(f"{where}: state_dir: {exc}") from None
    if path is None:
        raise ConfigError(f"{where}: state_dir: must name a folder, e.g. '.vnreader'")
    return path


def _check_state_dir(state_dir: Path, settings: Settings, where: str) -> None:
    if state_dir.resolve().is_relative_to(settings.out_dir.resolve()):
        raise ConfigError(
            f"{where}: state_dir: {state_dir} is inside the output folder "
            f"{settings.out_dir}, which is served: put it beside, not inside"
        )


def _check_folders(portals: list[Settings], state_dir: Path, where: str) -> None:
    """Two portals never share an output folder, nor one inside another's."""
    for i, a in enumerate(portals):
        for b in portals[i + 1 :]:
            pa, pb = a.out_dir.resolve(), b.out_dir.resolve()
            if pa == pb or pa.is_relative_to(pb) or pb.is_relative_to(pa):
                raise ConfigError(
                    f"{where}: [portals.{a.name}] and [portals.{b.name}] share the output "
                    f"folder {pa if pa == pb else min(pa, pb, key=lambda p: len(p.parts))}; "
                    "give each portal its own out_dir"
                )


_PORTAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _from_mapping(data: Mapping[str, Any], *, base_dir: Path, where: str) -> Settings:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in FILE_KEYS:
            if isinstance(value, dict):
                raise ConfigError(
                    f"{where}: unknown section [{key}] (settings are top-level keys, "
                    "portals are [portals.NAME] tables)"
                )
            raise ConfigError(unknown_message(where, key))
        values[key] = check(key, value, base_dir=base_dir, where=where)
    settings_engine = values.get("engine", Settings.engine)
    if values.get("voice") and settings_engine == "espeak":
        _check_espeak_voice(values["voice"], where)
    if "out_dir" not in values:
        # The default "site" folder lies beside the file, like every other relative path.
        values["out_dir"] = base_dir / Settings.out_dir
    return Settings(**values)


def _check_espeak_voice(voice: str, where: str) -> None:
    from vnreader.speech.engines.espeak import VOICE_ALIASES, VOICES

    if voice.strip().lower() not in VOICE_ALIASES:
        offered = ", ".join(["north", "south", "central", *VOICES])
        raise ConfigError(f"{where}: voice: {voice!r} is not an espeak voice; choose {offered}")


def write_template(directory: Path | str, *, force: bool = False) -> Path:
    """Write a commented ``vnreader.toml`` into ``directory`` (created if needed).

    Refuses to replace an existing file unless ``force``. Returns the file's path.
    """
    directory = Path(directory)
    path = directory / CONFIG_NAME
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists (use --force to replace it)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{CONFIG_NAME}.tmp")
        tmp.write_text(template_text(), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def template_text() -> str:
    """The commented settings file: every key, with its default value."""
    return read_text("vnreader.publishing", "data", CONFIG_NAME)
