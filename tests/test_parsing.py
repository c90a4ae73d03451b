"""The pure parser on the real seed files, bad bytes, and arbitrary text (no Django needed)."""

import collections
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.parsing import ParseError, parse_bytes, parse_text
from articles.parsing.bylines import parse_byline
from articles.parsing.districts import Gazetteer, tag_districts

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def parsed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return parse_bytes(path.read_bytes())


def articles(result):
    return [a for page in result.pages for a in page.articles]


def by_headline(result, headline):
    matches = [a for a in articles(result) if a.headline == headline]
    assert matches, f"no article headed {headline!r}; found {[a.headline for a in articles(result)]}"
    return matches[0]


def people(article):
    return {(c.name, c.role) for c in article.contributors}


def output_chars(result) -> collections.Counter:
    parts = []
    for page in result.pages:
        parts += [page.header_raw, *page.extra_lines]
        for a in page.articles:
            parts += [a.kicker, a.headline, a.subheadline, *a.paragraphs, *a.captions, *a.pull_quotes, a.byline_raw]
    return collections.Counter("".join("".join(parts).split()))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_no_character_is_lost_or_invented(prefix):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    source = collections.Counter("".join(path.read_text(encoding="utf-8").split()))
    assert output_chars(parse_bytes(path.read_bytes())) == source


def test_front_page_masthead_gives_exact_date_number_and_pages():
    result = parsed("004")
    issue = result.issue_date
    assert issue.date == dt.date(2023, 2, 9)
    assert (issue.issue_number, issue.page_count, issue.inferred, issue.confidence) == (23211, 8, False, 1.0)
    assert any("正月十九" in note for note in issue.notes)
    assert result.pages[0].is_front_page


@pytest.mark.parametrize(
    "prefix, expected",
    [("000", dt.date(2025, 2, 6)), ("001", dt.date(2023, 12, 29)), ("002", dt.date(2022, 9, 29)), ("003", dt.date(2020, 7, 30))],
)
def test_dates_without_masthead_are_inferred_within_days(prefix, expected):
    issue = parsed(prefix).issue_date
    assert issue.inferred is True
    assert abs((issue.date - expected).days) <= 10
    assert 0 < issue.confidence < 1
    assert issue.evidence and all(e.line > 0 for e in issue.evidence)


def test_headlines_found_in_each_file():
    expected = {
        "000": ["渌口区今年十大民生实事项目出炉", "炎陵“春风”送岗 职等你来", "醴陵去年社会消费品零售总额增长6.2%", "株洲如何下好土地利用“先手棋”", "燃气安全宣讲进社区"],
        "001": ["筑牢发展底线 铸就平安学林", "让中医药文化走进千家万户", "民主评议 让低保更“透明”", "“老检叨工作室”挂牌成立"],
        "002": ["渌口区：“三个聚焦”抓项目", "重阳敬桑榆", "项目为王 实干为先", "落实禁火令 金山街道在行动", "神农城顺利通过4A景区复检验收"],
        "003": ["加快迈进县域经济 千亿时代", "奋力书写高质量全面建成小康社会的芦淞答卷", "我为株洲“美个颜”"],
        "004": ["今年重点建设项目,549个!", "曹慧泉会见南庚戌一行", "4个省重点项目获省政府表彰", "参保人员信息授权查询使用"],
    }
    for prefix, headlines in expected.items():
        result = parsed(prefix)
        for headline in headlines:
            by_headline(result, headline)


def test_kicker_and_subheadline_are_split_from_the_headline():
    learning = by_headline(parsed("001"), "筑牢发展底线 铸就平安学林")
    assert learning.kicker == "石峰区学林街道严格落实安全生产责任制——"
    assert by_headline(parsed("001"), "让中医药文化走进千家万户").kicker == "石峰区"
    light = by_headline(parsed("004"), '湘江风光带河西段实施"微亮化"改造')
    assert light.subheadline.startswith("预计4月完工")
    front = by_headline(parsed("001"), "以奋斗之姿推动经济高质量发展")
    assert front.kicker == "向两会报告 株洲高新区:"


def test_bylines_in_their_many_shapes():
    assert {("邹怡敏", "reporter"), ("傅博芸", "correspondent"), ("刘艺峰", "correspondent")} <= people(by_headline(parsed("000"), "渌口区今年十大民生实事项目出炉"))
    assert ("陈洲平", "reporter") in people(by_headline(parsed("002"), "居然之家茶陵店开业运营"))
    assert ("马国安", "correspondent") in people(by_headline(parsed("004"), "今年重点建设项目,549个!"))
    assert people(by_headline(parsed("002"), "项目为王 实干为先")) == {("尹二荣", "writer"), ("邹怡敏", "writer")}
    assert people(by_headline(parsed("002"), "重阳敬桑榆")) == {("刘毅", "photographer"), ("曲宏", "photographer"), ("易溪", "photographer")}
    assert ("刘苏宁", "compiler") in people(by_headline(parsed("003"), "株洲“马上就办 真抓实干”"))
    assert ("丁志鹏", "photographer") in people(by_headline(parsed("002"), "落实禁火令 金山街道在行动"))


def test_byline_parser_units():
    names, confident = parse_byline("株洲日报讯(全媒体记 者/廖喜张 通讯员/刘朔 马 国安)")
    assert [(c.name, c.role) for c in names] == [("廖喜张", "reporter"), ("刘朔", "correspondent"), ("马国安", "correspondent")]
    assert confident
    names, _ = parse_byline("株洲日报社新媒体通讯员 孙花 记者 罗春娇")
    assert [(c.name, c.role) for c in names] == [("孙花", "correspondent"), ("罗春娇", "reporter")]


def test_page_sections_and_staff():
    page = parsed("002").pages[1]
    assert page.section_label == "同城·新媒"
    assert {(c.name, c.role) for c in page.staff} == {("刘琪琪", "editor"), ("许辛", "art_editor"), ("张武", "proofreader")}
    assert parsed("000").pages[1].section_label == "城市·观察"
    assert parsed("001").pages[1].section_label == "综合·城区"


def test_captions_pull_quotes_and_rejoined_lines():
    first = by_headline(parsed("000"), "渌口区今年十大民生实事项目出炉")
    assert any("对全区村民建房情况及时录入" in p for p in first.paragraphs)
    assert any("今年该区将继续实施" in p for p in first.paragraphs)
    alumni = by_headline(parsed("000"), "让“校友资源”撬动“发展资源” 渌口区五中爱心联合会成立")
    assert alumni.captions and alumni.captions[0].startswith("渌口区五中校友回湘")
    opinion = by_headline(parsed("003"), "加快迈进县域经济 千亿时代")
    assert opinion.pull_quotes == ["【大力推进产业扶贫、消费扶贫、社会扶贫,切实巩固脱贫成果。】"]
    assert opinion.paragraphs[-1] == "(作者系醴陵市委书记)"


def test_interleaved_columns_are_kept_and_flagged_not_glued():
    result = parsed("004")
    flagged = [a for a in articles(result) if "garbled" in a.review_reasons]
    assert flagged, "the interleaved region must be flagged"
    assert any("金海" in "".join(a.paragraphs) for a in flagged)
    clean = by_headline(result, "大力推进养老服务发展 加快打造北斗产业高地")
    assert "garbled" not in clean.review_reasons
    assert not any(p in ("金海", "福回") for p in clean.paragraphs)
    assert any("何寄华一行还走访了民盟株洲市委机关" in p for p in clean.paragraphs)
    lost = [a for a in articles(result) if "missing_headline" in a.review_reasons and a.contributors]
    assert any(("王海艳", "correspondent") in people(a) for a in lost)


def test_unflagged_articles_have_headlines_and_bylines():
    for prefix in ["000", "001", "002", "003", "004"]:
        for article in articles(parsed(prefix)):
            if not article.review_reasons:
                assert article.headline and article.contributors and article.paragraphs


@pytest.mark.parametrize(
    "prefix, headline, district",
    [
        ("000", "渌口区今年十大民生实事项目出炉", "渌口区"),
        ("000", "炎陵“春风”送岗 职等你来", "炎陵县"),
        ("001", "筑牢发展底线 铸就平安学林", "石峰区"),
        ("000", "株洲如何下好土地利用“先手棋”", "株洲市"),
        ("001", "以奋斗之姿推动经济高质量发展", "天元区"),
        ("002", "落实禁火令 金山街道在行动", "荷塘区"),
    ],
)
def test_districts_an_article_is_about(prefix, headline, district):
    tags = tag_districts(by_headline(parsed(prefix), headline), Gazetteer.load_default())
    assert tags[0].district == district


def test_bad_bytes_give_one_line_errors():
    seed = next(SEEDS.glob("000_*.txt")).read_bytes()
    for data, fragment in [(b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary" * 20, "binary"), (seed[:-1], "truncated")]:
        with pytest.raises(ParseError) as excinfo:
            parse_bytes(data)
        assert fragment in str(excinfo.value) and "\n" not in str(excinfo.value)


def test_gb18030_bom_and_crlf_decode_to_the_same_articles():
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    reference = [a.headline for a in articles(parse_text(text))]
    gb = parse_bytes(text.encode("gb18030"))
    bom = parse_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert (gb.encoding, bom.encoding) == ("gb18030", "utf-8-sig")
    assert [a.headline for a in articles(gb)] == reference == [a.headline for a in articles(bom)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("株洲日报讯(全媒体记者/通讯员) 摄供图责任编辑:·——【】。，,!?\n新闻区县镇街道2023年1月24日第期今日版星期四abc渌口醴陵")), max_size=400))
def test_arbitrary_text_never_crashes_and_loses_nothing(text):
    result = parse_text(text)
    assert output_chars(result) == collections.Counter("".join(text.split()))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_crashes(text):
    result = parse_text(text)
    assert output_chars(result) == collections.Counter("".join(text.replace("\r", "\n").split()))
