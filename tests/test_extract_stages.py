"""The extractor's shape: stage modules of bounded size that never import back the
orchestrator, and the dataclasses the stages hand over."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vnreader.extract.content import extract
from vnreader.extract.stages import result
from vnreader.extract.stages.blocks import Walker
from vnreader.extract.stages.cleanup import parse

EXTRACT = Path(__file__).resolve().parents[1] / "vnreader" / "extract"
STAGES = sorted((EXTRACT / "stages").glob("*.py"))


@pytest.mark.parametrize("path", [*STAGES, EXTRACT / "content.py"], ids=lambda p: p.name)
def test_no_extraction_module_over_600_lines(path: Path) -> None:
    assert len(path.read_text("utf-8").splitlines()) <= 600


@pytest.mark.parametrize("path", STAGES, ids=lambda p: p.name)
def test_a_stage_never_imports_the_orchestrator(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "vnreader.extract.content" not in imported
    assert not any(m.startswith(("vnreader.speech", "vnreader.publishing")) for m in imported)


def test_content_only_orchestrates() -> None:
    tree = ast.parse((EXTRACT / "content.py").read_text("utf-8"))
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert functions == ["extract", "_title_and_body", "_author"]


def test_walker_flags_are_keywords() -> None:
    doc = parse("<html><body><div>Một <b>dòng đậm</b> và chữ thường.</div></body></html>", "t")
    walker = Walker(None)
    with pytest.raises(TypeError):
        walker.visit(doc.find("body"), False, False)  # type: ignore[misc]
    walker.visit(doc.find("body"))
    walker.flush()
    assert [r.text for r in walker.out] == ["Một dòng đậm và chữ thường."]
    assert walker.out[0].bold is False


def test_finish_hands_back_a_dataclass_with_the_signature() -> None:
    html = (
        "<html><body><h1>Xã tổ chức ngày hội đại đoàn kết toàn dân tộc</h1><div>"
        "<p>Sáng 15/11, Ủy ban Mặt trận Tổ quốc xã tổ chức ngày hội đại đoàn kết tại "
        "nhà văn hóa ấp, với sự tham gia của đông đảo bà con trong ấp.</p>"
        "<p>Dịp này, xã trao 20 phần quà cho hộ nghèo, mỗi phần trị giá 500.000 đồng, "
        "và biểu dương 12 gia đình văn hóa tiêu biểu của năm.</p>"
        "<p>Tin, ảnh: Ngọc Hân</p></div></body></html>"
    )
    article = extract(html)
    assert article.author == "Ngọc Hân"
    assert [b.text[:8] for b in article.blocks] == ["Sáng 15/", "Dịp này,"]
    done = result.finish([], title=None, lead=None)
    assert done == result.Finished([], [], None, result.Signature())


def test_every_development_page_names_its_platform() -> None:
    # the benchmark's per-platform figures read platforms.tsv: a page missing there, or a
    # profile column that no longer matches the shipped profiles, would skew them
    from vnreader.extract.encoding import decode_html
    from vnreader.extract.profiles import find_profile

    pages = Path(__file__).resolve().parent / "fixtures" / "pages"
    rows = {}
    for line in (pages / "platforms.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, platform, covered = line.split("\t")
            rows[name] = (platform, covered)
    names = {p.stem for p in pages.glob("*.html")}
    assert set(rows) == names
    for name in sorted(names):
        raw = (pages / f"{name}.html").read_bytes()
        doc = parse(decode_html(raw, None, name=name), name)
        expected = "profile" if find_profile(doc, None) else "generic"
        assert rows[name][1] == expected, name
