"""The command line: its output, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed_tan_hiep.txt"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "vnreader.cli", *args], input=stdin, capture_output=True, check=False
    )


def test_one_output_line_per_input_line_blank_lines_kept() -> None:
    result = run("normalize", stdin="Có 04 cá nhân\n\nNăm 2019\n".encode())
    assert result.returncode == 0
    assert result.stdout.decode().split("\n") == [
        "Có bốn cá nhân",
        "",
        "Năm hai nghìn không trăm mười chín",
        "",
    ]


def test_files_and_dialect() -> None:
    result = run("normalize", "--dialect", "south", str(SEED))
    assert result.returncode == 0
    assert len(result.stdout.decode().splitlines()) == len(SEED.read_text("utf-8").splitlines())
    assert "hai ngàn không trăm mười chín" in result.stdout.decode()


def test_explain_lists_spans(tmp_path: Path) -> None:
    result = run("normalize", "--explain", stdin="Khen thưởng 04 cá nhân\n".encode())
    rows = [r.split("\t") for r in result.stdout.decode().splitlines() if not r.startswith("#")]
    assert rows == [["-", "1", "12", "14", "cardinal", "04", "bốn"]]


def test_lexicon_applies_before_builtin_rules(tmp_path: Path) -> None:
    lex = tmp_path / "lex.tsv"
    lex.write_text("# mine\nTân Hiệp\tTân Hịp\n04\tbốn người\n", "utf-8")
    result = run("normalize", "--lexicon", str(lex), stdin="Huyện Tân Hiệp có 04\n".encode())
    assert result.stdout.decode() == "Huyện Tân Hịp có bốn người\n"


def test_check_reports_unreadable_tokens_and_exits_1(tmp_path: Path) -> None:
    lex = tmp_path / "lex.tsv"
    lex.write_text("Hà Nội\tHanoi city\n", "utf-8")
    result = run("normalize", "--check", "--lexicon", str(lex), stdin="Về Hà Nội\n".encode())
    assert result.returncode == 1
    assert result.stdout.decode() == "-:1: Hanoi city\n"


def test_check_lists_abbreviations_spelled_letter_by_letter() -> None:
    text = "Đội XKQĐ trực 24/24.\nCỡ chữAA\nTổ công tác đặc biệt (TCTĐB) họp.\nTCTĐB trực.\n"
    result = run("normalize", "--check", stdin=text.encode())
    assert result.returncode == 1
    # a defined abbreviation (on the line after its definition too) and a token glued to a
    # word are not listed
    assert result.stdout.decode() == "-:1: spelled letter by letter: XKQĐ\n"


def test_a_file_is_one_document() -> None:
    text = "Lực lượng xung kích (LLXK) ra quân.\nLLXK trực.\n"
    result = run("normalize", stdin=text.encode())
    assert result.stdout.decode().splitlines()[1] == "Lực lượng xung kích trực."


def test_check_clean_exits_0() -> None:
    result = run("normalize", "--check", stdin="Có 04 cá nhân\n".encode())
    assert result.returncode == 0 and result.stdout == b""


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["no-such-file.txt"], b"", "no-such-file.txt: no such file"),
        (["-"], b"", "standard input is empty"),
        (["-"], b"\xff\xfeC\x00\xf3\x00", "binary"),
        (["-"], "Huyện ".encode() + b"\xe9\n", "not UTF-8"),
        (["--lexicon", "missing.tsv", "-"], b"x\n", "lexicon file not found"),
        (["--dialect", "west", "-"], b"x\n", "west"),
        (["--explain", "--check", "-"], b"x\n", "cannot be used together"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], stdin: bytes, message: str) -> None:
    result = run("normalize", *args, stdin=stdin)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert result.stdout == b""


def test_binary_and_directory_inputs(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    for path, message in ((binary, "binary"), (tmp_path, "directory")):
        result = run("normalize", str(path))
        assert result.returncode == 2 and message in result.stderr.decode()


def test_malformed_lexicon(tmp_path: Path) -> None:
    lex = tmp_path / "lex.tsv"
    lex.write_text("only-one-column\n", "utf-8")
    result = run("normalize", "--lexicon", str(lex), stdin=b"x\n")
    assert result.returncode == 2 and "lex.tsv:1" in result.stderr.decode()


def test_no_arguments_prints_help() -> None:
    result = run()
    assert result.returncode == 0 and b"normalize" in result.stdout
