"""The sentence splitter: Vietnamese abbreviations with dots do not end sentences."""

from __future__ import annotations

import pytest

from vnreader.normalizer import split_sentences

CASES = [
    (
        "TP. Rạch Giá có 11 phường. Huyện có 21 xã.",
        ["TP. Rạch Giá có 11 phường.", "Huyện có 21 xã."],
    ),
    (
        "Làm việc tại TX. Hà Tiên. Sau đó về huyện.",
        ["Làm việc tại TX. Hà Tiên.", "Sau đó về huyện."],
    ),
    (
        "Có ThS. Nguyễn Văn An và PGS.TS. Lê Thị Bình dự.",
        ["Có ThS. Nguyễn Văn An và PGS.TS. Lê Thị Bình dự."],
    ),
    (
        "Ông Nguyễn V. An phát biểu. Hội nghị bế mạc.",
        ["Ông Nguyễn V. An phát biểu.", "Hội nghị bế mạc."],
    ),
    ("Các đ/c. Cao Hữu Đạt dự.", ["Các đ/c. Cao Hữu Đạt dự."]),
    ("Tập thể, cá nhân v.v. đều được khen.", ["Tập thể, cá nhân v.v. đều được khen."]),
    (
        "Phong cách Hồ Chí Minh.v.v..\nTại Hội nghị, 3 tập thể được khen./.",
        ["Phong cách Hồ Chí Minh.v.v..", "Tại Hội nghị, 3 tập thể được khen./."],
    ),
    ("Kết thúc./. Tin: Tiến Đức", ["Kết thúc./.", "Tin: Tiến Đức"]),
    ("Thu 1.234,5 triệu đồng. Chi 3.000 triệu.", ["Thu 1.234,5 triệu đồng.", "Chi 3.000 triệu."]),
    ("Vì sao? Vì dân! Đúng vậy…", ["Vì sao?", "Vì dân!", "Đúng vậy…"]),
    (
        "Ông nói: “Phải làm ngay.” Mọi người đồng ý.",
        ["Ông nói: “Phải làm ngay.”", "Mọi người đồng ý."],
    ),
    ("Đạt 65%. 3 xã chưa đạt.", ["Đạt 65%.", "3 xã chưa đạt."]),
    ("Chờ đợi... Rồi cũng xong.", ["Chờ đợi...", "Rồi cũng xong."]),
    ("Dòng một\nDòng hai\n\nDòng ba", ["Dòng một", "Dòng hai", "Dòng ba"]),
    ("  ", []),
    ("Không có dấu chấm cuối", ["Không có dấu chấm cuối"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    for s in sentences:
        assert text[s.start : s.end] == s.text
