"""Abbreviations defined in the text: the document API, explain(), the narration script."""

from __future__ import annotations

from vnreader.normalizer import Normalizer
from vnreader.normalizer.definitions import find_definitions

N = Normalizer()


def test_definition_carries_to_later_parts_of_a_document() -> None:
    doc = N.document()
    first = doc.normalize("Trung tâm Điều phối hỗ trợ khởi nghiệp (TTĐPHTKN) khai trương.")
    later = doc.normalize("Năm nay TTĐPHTKN tiếp nhận 500 hồ sơ.")
    assert "(Trung tâm Điều phối hỗ trợ khởi nghiệp)" in first
    assert later == "Năm nay Trung tâm Điều phối hỗ trợ khởi nghiệp tiếp nhận năm trăm hồ sơ."
    assert doc.definitions == {"TTĐPHTKN": "Trung tâm Điều phối hỗ trợ khởi nghiệp"}


def test_without_a_document_a_later_part_knows_nothing() -> None:
    N.normalize("Trung tâm Điều phối hỗ trợ khởi nghiệp (TTĐPHTKN) khai trương.")
    assert "Trung tâm" not in N.normalize("Năm nay TTĐPHTKN tiếp nhận hồ sơ.")


def test_normalize_document_on_parts_and_on_a_whole_text() -> None:
    parts = ["Phiếu lấy ý kiến (PLYK) được phát.", "PLYK về đất đai chiếm đa số."]
    assert N.normalize_document(parts)[1] == "Phiếu lấy ý kiến về đất đai chiếm đa số."
    whole = N.normalize_document(" ".join(parts))
    assert whole.endswith("Phiếu lấy ý kiến về đất đai chiếm đa số.")


def test_a_mention_before_the_definition_is_not_changed() -> None:
    doc = N.document()
    assert "Trung tâm" not in doc.normalize("TTKĐ họp sáng nay.")
    doc.normalize("Trung tâm kiểm định (TTKĐ) được thành lập.")
    assert doc.normalize("TTKĐ họp.") == "Trung tâm kiểm định họp."


def test_explain_names_the_definition() -> None:
    doc = N.document()
    doc.normalize("Lực lượng xung kích (LLXK) ra quân.")
    (rep,) = [r for r in doc.explain("LLXK trực 24/24.") if r.written == "LLXK"]
    assert rep.cls == "definitions"
    assert rep.spoken == "Lực lượng xung kích"
    assert "Lực lượng xung kích (LLXK)" in rep.note
    text = "Tổ công tác đặc biệt (TCTĐB) bắt giữ. TCTĐB truy xét."
    spoken, reps = N.normalize_with_spans(text)
    defs = [r for r in reps if r.cls == "definitions"]
    assert [r.written for r in defs] == ["TCTĐB", "TCTĐB"]
    for r in defs:  # spans index the written text and the spoken output
        assert text[r.start : r.end] == r.written
        assert spoken[r.out_start : r.out_end] == r.spoken


def test_letters_must_be_the_initials() -> None:
    assert find_definitions("Chỉ số năng lực cạnh tranh (PCI) tăng.") == []
    assert find_definitions("Tổ chức Y tế Thế giới (WHO)") == []
    (d,) = find_definitions("lĩnh vực khoa học, công nghệ và đổi mới sáng tạo (KH,CN&ĐMST)")
    assert d.abbr == "KHCNĐMST"
    assert d.reading == "khoa học, công nghệ và đổi mới sáng tạo"
    (d,) = find_definitions("TTCC (trật tự công cộng)")
    assert d.reading == "trật tự công cộng"
    # Đ is not D; a word left out must not start the name
    assert find_definitions("Dự án mở rộng (ĐAMR)") == []
    assert find_definitions("và trật tự (VTT)") == []


def test_the_narration_script_reads_an_article_as_one_document() -> None:
    from vnreader.article import Article, Block
    from vnreader.speech.script import build_script

    article = Article(
        title="Ra mắt Trung tâm Điều phối hỗ trợ khởi nghiệp (TTĐPHTKN)",
        blocks=(Block("paragraph", "Sáng nay TTĐPHTKN đã tiếp nhận 120 hồ sơ."),),
        url="https://example.gov.vn/a",
    )
    script = build_script(article, normalizer=N)
    spoken = [u.spoken for seg in script.segments for u in seg.utterances]
    assert "Sáng nay Trung tâm Điều phối hỗ trợ khởi nghiệp đã tiếp nhận" in spoken[-1]
