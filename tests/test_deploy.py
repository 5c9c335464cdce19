"""examples/deploy/: each scheduler's file runs a real vnreader command, and it works.

For the crontab line, the systemd service and the Kubernetes CronJob, the command is read
out of the file (the cron command field, ExecStart, the container's command + args), the
example's paths are swapped for this test's (the installed ``vnreader`` script, a
``vnreader.toml`` with two portals on 127.0.0.1, a log file), and the command is run as
the scheduler would: cron's ``/bin/sh -c`` with the file's PATH, systemd's argv in its
WorkingDirectory, the container's argv. Each run must exit 0, say nothing (``--quiet``:
cron mails whatever is printed) and leave both sites published: feeds listing each portal's
articles, every enclosure there with its stated size, and nothing hidden in the served
folders. The files' other promises are checked against the example ``vnreader.toml``: the
service may write its output and state folders and is niced, the timer catches up missed
runs, the CronJob never overlaps and mounts a PersistentVolumeClaim at both folders.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.publish_portal import MiniPortal
from vnreader.config import load_config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "examples" / "deploy"

#: The example's paths, as README.md there describes them.
EXAMPLE_VNREADER = "/opt/vnreader/venv/bin/vnreader"
EXAMPLE_CONFIG = "/etc/vnreader/vnreader.toml"
EXAMPLE_LOG = "/var/log/vnreader/publish.log"


def installed_vnreader() -> str:
    """The ``vnreader`` console script of the environment running the tests."""
    script = Path(sys.executable).with_name("vnreader")
    if not script.is_file():
        found = shutil.which("vnreader")
        assert found, "the vnreader console script is not installed (pip install -e .)"
        return found
    return str(script)


def _portal(place: str) -> MiniPortal:
    server = MiniPortal()
    server.add(
        "hop-dan",
        f"{place} họp dân về đường giao thông",
        f"Sáng nay, {place} tổ chức họp dân để lấy ý kiến về kế hoạch làm đường giao "
        "thông nông thôn trong năm tới.",
    )
    server.add(
        "tiep-dan",
        f"{place} tiếp công dân định kỳ",
        f"Chiều nay, lãnh đạo {place} tiếp công dân định kỳ tại trụ sở và trả lời các "
        "kiến nghị về đất đai.",
    )
    return server


@pytest.fixture
def portals() -> Iterator[dict[str, MiniPortal]]:
    """Two portals on 127.0.0.1, as the example's province and commune: name → server."""
    servers = {"tinh": _portal("Tỉnh Kiên Giang"), "xa-thanh-dong": _portal("xã Thạnh Đông")}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


BASE = "https://podcast.example.gov.vn/"


def write_config(folder: Path, portals: dict[str, MiniPortal]) -> tuple[Path, list[Path]]:
    """A vnreader.toml shaped like the example's, its portals on 127.0.0.1; their sites."""
    config = folder / "etc" / "vnreader.toml"
    config.parent.mkdir(parents=True)
    lines = [
        f'out_dir = "{folder / "www"}"',
        f'state_dir = "{folder / "state"}"',
        f'base_url = "{BASE}"',
    ]
    for name, server in portals.items():
        lines += [
            f"[portals.{name}]",
            f'portal_name = "Cổng thông tin điện tử {name}"',
            f'sources = ["{server.rss_url}"]',
        ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, [folder / "www" / name for name in portals]


def swap(command: str, replacements: dict[str, str]) -> str:
    """``command`` with each example path replaced; every one must be in it."""
    for old, new in replacements.items():
        assert old in command, f"{old} is not in {command!r}"
        command = command.replace(old, new)
    return command


def check_published(sites: list[Path], done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == "", (done.stdout, done.stderr)  # --quiet
    for site in sites:
        feed = site / "feeds" / "podcast.xml"
        assert feed.is_file(), f"{feed} was not published"
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo
        assert len(parsed.entries) == 2
        for entry in parsed.entries:
            (enclosure,) = entry.enclosures
            audio = site / enclosure.href.removeprefix(f"{BASE}{site.name}/")
            assert audio.stat().st_size == int(enclosure.length)
        hidden = [p for p in site.rglob(".*")] + list(site.rglob("*.sqlite*"))
        assert hidden == [], hidden


def clean_env(home: Path, path: str) -> dict[str, str]:
    """A scheduler's bare environment: no virtualenv, no PYTHONPATH."""
    return {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8"}


# --- crontab ---------------------------------------------------------------------------------


def cron_entries(text: str) -> tuple[dict[str, str], list[tuple[list[str], str, str]]]:
    """/etc/cron.d syntax: NAME=value lines, and (five time fields, user, command) lines."""
    variables: dict[str, str] = {}
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assignment = re.match(r"^([A-Z_]+)=(.*)$", line)
        if assignment:
            variables[assignment[1]] = assignment[2]
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, f"not 'm h dom mon dow user command': {line!r}"
        entries.append((fields[:5], fields[5], fields[6]))
    return variables, entries


def test_crontab_line_runs_and_publishes(tmp_path: Path, portals: dict[str, MiniPortal]) -> None:
    variables, entries = cron_entries((DEPLOY / "vnreader.cron").read_text(encoding="utf-8"))
    ((when, user, command),) = entries
    assert user == "vnreader"
    assert when == ["*/30", "*", "*", "*", "*"]
    assert "%" not in command  # cron would turn it into a newline
    config, sites = write_config(tmp_path, portals)
    log = tmp_path / "publish.log"
    command = swap(
        command,
        {
            EXAMPLE_VNREADER: shlex.quote(installed_vnreader()),
            EXAMPLE_CONFIG: shlex.quote(str(config)),
            EXAMPLE_LOG: shlex.quote(str(log)),
        },
    )
    done = subprocess.run(
        [variables.get("SHELL", "/bin/sh"), "-c", command],
        cwd=tmp_path,  # cron starts in the user's home folder
        env=clean_env(tmp_path, variables["PATH"]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    check_published(sites, done)
    logged = log.read_text(encoding="utf-8")  # --log-file: the whole run, with times
    for portal in portals.values():
        for path in portal.articles:
            line = rf"^\S+ \S+ \[\d+\] INFO published: {portal.base_url}{path} "
            assert re.search(line, logged, re.M), logged


# --- systemd -----------------------------------------------------------------------------------


def unit_sections(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file: section → key → values (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        header = re.match(r"^\[(\w+)\]$", line)
        if header:
            current = sections.setdefault(header[1], {})
            continue
        assert current is not None and "=" in line, line
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


#: (service, timer, instance): the unit for every portal of the file, and the template
#: unit for one portal per instance (``vnreader-publish@NAME``, ``--portal %i``).
UNITS = [
    ("vnreader-publish.service", "vnreader-publish.timer", None),
    ("vnreader-publish@.service", "vnreader-publish@.timer", "xa-thanh-dong"),
]


def expand(value: str, instance: str | None) -> str:
    """systemd's %i (the instance name) and %% specifiers; any other one is refused."""
    assert not re.search(r"%[^i%]", value), f"unexpected specifier in {value!r}"
    if instance is None:
        assert "%i" not in value
        return value.replace("%%", "%")
    return value.replace("%i", instance).replace("%%", "%")


@pytest.mark.parametrize(("service_name", "timer_name", "instance"), UNITS)
def test_systemd_service_runs_and_publishes(
    tmp_path: Path,
    portals: dict[str, MiniPortal],
    service_name: str,
    timer_name: str,
    instance: str | None,
) -> None:
    service = unit_sections((DEPLOY / service_name).read_text(encoding="utf-8"))["Service"]
    assert service["Type"] == ["oneshot"]
    (exec_start,) = service["ExecStart"]
    config, sites = write_config(tmp_path, portals)
    command = swap(
        exec_start, {EXAMPLE_VNREADER: installed_vnreader(), EXAMPLE_CONFIG: str(config)}
    )
    argv = shlex.split(expand(command, instance))
    assert argv[0] == installed_vnreader()  # systemd wants an absolute path, no shell
    done = subprocess.run(
        argv,
        cwd=tmp_path,  # for WorkingDirectory=
        env=clean_env(tmp_path, "/usr/bin:/bin"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if instance is None:
        check_published(sites, done)
    else:  # that portal only
        (site,) = [s for s in sites if s.name == instance]
        check_published([site], done)
        assert [s for s in sites if s.exists()] == [site]


@pytest.mark.parametrize(("service_name", "timer_name", "instance"), UNITS)
def test_systemd_units_promise_what_the_readme_says(
    service_name: str, timer_name: str, instance: str | None
) -> None:
    service = unit_sections((DEPLOY / service_name).read_text(encoding="utf-8"))
    timer = unit_sections((DEPLOY / timer_name).read_text(encoding="utf-8"))
    body = service["Service"]
    assert body["User"] == ["vnreader"]  # a dedicated user, never root
    assert int(body["Nice"][0]) > 0
    assert body["ProtectSystem"] == ["strict"]
    writable = [Path(p.lstrip("-")) for value in body["ReadWritePaths"] for p in value.split()]
    example = load_config(DEPLOY / "vnreader.toml")
    folders = [s.out_dir for s in example.portals] + [example.portals[0].state_dir]
    for folder in folders:
        assert folder is not None
        assert any(folder.is_relative_to(w) for w in writable), f"{folder} is read-only"
    assert timer["Timer"]["Persistent"] == ["true"]
    target = service_name.replace("@.", "@%i.")  # the template's timer starts its instance
    assert timer["Timer"]["Unit"] == [target]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    if instance is not None:
        assert [s.name for s in example.portal(instance)] == [instance]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize(("service_name", "timer_name", "instance"), UNITS)
def test_systemd_analyze_accepts_the_units(
    tmp_path: Path, service_name: str, timer_name: str, instance: str | None
) -> None:
    # verify checks that ExecStart exists: point it at the installed script.
    text = (DEPLOY / service_name).read_text(encoding="utf-8")
    (tmp_path / service_name).write_text(
        text.replace(EXAMPLE_VNREADER, installed_vnreader()), encoding="utf-8"
    )
    shutil.copy(DEPLOY / timer_name, tmp_path / timer_name)
    names = [service_name, timer_name]
    if instance is not None:  # a template is verified through an instance of it
        names = [n.replace("@.", f"@{instance}.") for n in names]
    done = subprocess.run(
        ["systemd-analyze", "verify", *[f"./{n}" for n in names]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # A bad line (e.g. "Failed to parse nice priority") is reported on stderr, exit 0.
    assert done.returncode == 0 and done.stderr == "", done.stderr
    timer = unit_sections((DEPLOY / timer_name).read_text(encoding="utf-8"))["Timer"]
    checked = subprocess.run(
        ["systemd-analyze", "calendar", timer["OnCalendar"][0]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr


# --- Kubernetes ------------------------------------------------------------------------------


def cronjob_documents() -> tuple[dict[str, Any], dict[str, Any]]:
    import yaml  # PyYAML, in the test extra: Kubernetes reads the file as YAML does

    text = (DEPLOY / "cronjob.yaml").read_text(encoding="utf-8")
    documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    by_kind = {doc["kind"]: doc for doc in documents}
    assert sorted(by_kind) == ["CronJob", "PersistentVolumeClaim"]
    return by_kind["CronJob"], by_kind["PersistentVolumeClaim"]


def test_kubernetes_cronjob_runs_and_publishes(
    tmp_path: Path, portals: dict[str, MiniPortal]
) -> None:
    cronjob, _ = cronjob_documents()
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    argv = [*container["command"], *container["args"]]
    assert argv[0] == "vnreader"  # on the image's PATH
    config, sites = write_config(tmp_path, portals)
    assert argv.count(EXAMPLE_CONFIG) == 1
    argv = [str(config) if a == EXAMPLE_CONFIG else a for a in argv]
    bin_dir = str(Path(installed_vnreader()).parent)
    done = subprocess.run(
        argv,
        cwd=tmp_path,
        env=clean_env(tmp_path, f"{bin_dir}:/usr/bin:/bin"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    check_published(sites, done)


def test_kubernetes_cronjob_never_overlaps_and_keeps_its_state() -> None:
    cronjob, claim = cronjob_documents()
    spec = cronjob["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert len(spec["schedule"].split()) == 5
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["securityContext"]["runAsNonRoot"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    (container,) = pod["containers"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    # The config file the command reads is the mounted ConfigMap.
    config_arg = container["args"][container["args"].index("--config") + 1]
    config_mount = mounts[str(Path(config_arg).parent)]
    assert "configMap" in volumes[config_mount["name"]]
    # Output and state folders of the example vnreader.toml are on the claim.
    example = load_config(DEPLOY / "vnreader.toml")
    folders = [s.out_dir for s in example.portals] + [example.portals[0].state_dir]
    for folder in folders:
        assert folder is not None
        holders = [m for path, m in mounts.items() if folder.is_relative_to(path)]
        assert holders, f"{folder} is not mounted"
        volume = volumes[holders[0]["name"]]
        assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
        assert not holders[0].get("readOnly", False)


def test_example_config_is_valid_and_shared_by_all_three() -> None:
    example = load_config(DEPLOY / "vnreader.toml")
    assert len(example.portals) >= 2
    state = {s.state_dir for s in example.portals}
    assert len(state) == 1
    for settings in example.portals:
        assert settings.sources, settings.name
        assert not settings.is_local
    names = ["vnreader.cron", "cronjob.yaml", "README.md", *(u[0] for u in UNITS)]
    for name in names:
        assert EXAMPLE_CONFIG in (DEPLOY / name).read_text(encoding="utf-8"), name
