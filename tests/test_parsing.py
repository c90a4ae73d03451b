"""The pure parser on the real seed files, bad bytes, and arbitrary text (no Django needed).

    .venv/bin/python -m pytest tests/test_parsing.py -p no:django
"""

import collections
import datetime as dt
import functools
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.parsing import ParseError, parse_bytes, parse_text
from articles.parsing.bylines import parse_byline
from articles.parsing.dates import read_masthead
from articles.parsing.districts import Gazetteer, tag_districts

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PREFIXES = ["000", "001", "002", "003", "004"]

# A hand reading of the five seed files: every printed article's headline.
# "" stands for the front-page story whose headline was lost in extraction.
PRINTED_HEADLINES = {
    "000": [
        "渌口区今年十大民生实事项目出炉",
        "炎陵“春风”送岗 职等你来",
        "醴陵去年社会消费品零售总额增长6.2%",
        "攸县“码上贷” 发放小额贷款逾52亿元",
        "让“校友资源”撬动“发展资源” 渌口区五中爱心联合会成立",
        "株洲如何下好土地利用“先手棋”",
        "企业送锦旗 感谢“保姆式”服务",
        "湘粤非铁海联运通道 “开门红”",
        "燃气安全宣讲进社区",
    ],
    "001": [
        "以奋斗之姿推动经济高质量发展",
        "筑牢发展底线 铸就平安学林",
        "让中医药文化走进千家万户",
        "民主评议 让低保更“透明”",
        "“老检叨工作室”挂牌成立",
    ],
    "002": [
        "渌口区：“三个聚焦”抓项目",
        "居然之家茶陵店开业运营",
        "重阳敬桑榆",
        "项目为王 实干为先",
        "落实禁火令 金山街道在行动",
        "“刚培训完就有物业公司来招聘” 市残联打通就业“最后一公里”",
        "防患于未“燃” 市救助管理站开展消防安全演习",
        "神农城顺利通过4A景区复检验收",
        "“比学赶超见行动” 先进做法大家谈",
        "荷塘城管“干部能力提升” 讲座开讲",
    ],
    "003": [
        "加快迈进县域经济 千亿时代",
        "奋力书写高质量全面建成小康社会的芦淞答卷",
        "弘扬“一、工、上、止、正”企业家精神",
        "株洲“马上就办 真抓实干”",
        "“八一”建军节,全民健身服务中心公益主题活动来袭",
        "我为株洲“美个颜”",
        "积分能够当钱花! 文旅消费就上株洲文化消费平台",
    ],
    "004": [
        "大力推进养老服务发展 加快打造北斗产业高地",
        "今年重点建设项目,549个!",
        "去年我市处置存量土地上万亩",
        "",
        "曹慧泉会见南庚戌一行",
        "4个省重点项目获省政府表彰",
        '湘江风光带河西段实施"微亮化"改造',
        "以正风肃纪反腐新成效助力经济社会发展",
        "参保人员信息授权查询使用",
    ],
}


@functools.cache
def seed_bytes(prefix: str) -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


def parsed(prefix: str):
    return parse_bytes(seed_bytes(prefix))


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
            parts += [a.kicker, a.headline, a.subheadline, *a.paragraphs, *a.captions, *a.pull_quotes, a.byline_raw, a.stripped_marks]
    return collections.Counter("".join("".join(parts).split()))


# --- structure ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_character_is_lost_or_invented(prefix):
    source = collections.Counter("".join(seed_bytes(prefix).decode("utf-8").split()))
    assert output_chars(parsed(prefix)) == source


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_printed_article_is_found_and_nothing_else_passes_unflagged(prefix):
    found = articles(parsed(prefix))
    headlines = [a.headline for a in found]
    for headline in PRINTED_HEADLINES[prefix]:
        assert headline in headlines, f"missing {headline!r}; found {headlines}"
    unflagged = [a.headline for a in found if not a.review_reasons]
    assert set(unflagged) <= set(PRINTED_HEADLINES[prefix])
    assert len(found) <= len(PRINTED_HEADLINES[prefix]) + 1  # at most one extra, flagged, fragment


def test_unflagged_articles_have_headlines_bylines_and_text():
    for prefix in PREFIXES:
        for article in articles(parsed(prefix)):
            if not article.review_reasons:
                assert article.headline and article.contributors and article.paragraphs
            assert article.raw_text and 0 < article.line_start <= article.line_end


def test_kicker_and_subheadline_are_split_from_the_headline():
    learning = by_headline(parsed("001"), "筑牢发展底线 铸就平安学林")
    assert learning.kicker == "石峰区学林街道严格落实安全生产责任制——"
    assert by_headline(parsed("001"), "让中医药文化走进千家万户").kicker == "石峰区"
    assert by_headline(parsed("001"), "民主评议 让低保更“透明”").kicker == "芦淞区枫溪街道"
    front = by_headline(parsed("001"), "以奋斗之姿推动经济高质量发展")
    assert front.kicker == "向两会报告 株洲高新区:"
    light = by_headline(parsed("004"), '湘江风光带河西段实施"微亮化"改造')
    assert light.subheadline == "预计4月完工,助力打造夜经济示范点"
    discipline = by_headline(parsed("004"), "以正风肃纪反腐新成效助力经济社会发展")
    assert discipline.subheadline == "市十三届纪委三次全会精神在全市党员干部中引发热烈反响"  # the printed dash is not kept
    assert discipline.stripped_marks == "-" and "\n-市十三届" in discipline.raw_text
    assert by_headline(parsed("004"), "参保人员信息授权查询使用").subheadline == "又一国家试点工作在株启动"
    assert by_headline(parsed("003"), "“八一”建军节,全民健身服务中心公益主题活动来袭").kicker == "致敬最可爱的人!"
    assert by_headline(parsed("002"), "居然之家茶陵店开业运营").subheadline == "打造“三个高地” 彰显茶陵担当"


def test_subheads_inside_an_article_do_not_start_a_new_one():
    land = by_headline(parsed("000"), "株洲如何下好土地利用“先手棋”")
    assert "用地结构性矛盾 怎么破?" in land.paragraphs
    assert "从“土地等项目”到“好地等项目”" in land.paragraphs
    front = by_headline(parsed("001"), "以奋斗之姿推动经济高质量发展")
    assert "1 抓项目强产业 高质量发展加速跑" in front.paragraphs  # the designed space stays
    projects = by_headline(parsed("002"), "渌口区：“三个聚焦”抓项目")
    assert "聚焦责任落实 专班专人推项目" in projects.paragraphs
    opinion = by_headline(parsed("003"), "加快迈进县域经济 千亿时代")
    assert "二、全面构建现代化产业体系" in opinion.paragraphs


def test_photo_news_is_its_own_article():
    fire = by_headline(parsed("002"), "防患于未“燃” 市救助管理站开展消防安全演习")
    assert people(fire) == {("冯好", "photographer")}
    assert fire.paragraphs[0].startswith("9月26日上午")
    jobs = by_headline(parsed("002"), "“刚培训完就有物业公司来招聘” 市残联打通就业“最后一公里”")
    assert not any("救助管理站" in p for p in jobs.paragraphs)
    assert people(jobs) == {("言静", "reporter")}


# --- bylines --------------------------------------------------------------------------------


def test_bylines_in_their_many_shapes():
    assert {("邹怡敏", "reporter"), ("傅博芸", "correspondent"), ("刘艺峰", "correspondent")} == people(
        by_headline(parsed("000"), "渌口区今年十大民生实事项目出炉")
    )
    split = by_headline(parsed("002"), "渌口区：“三个聚焦”抓项目")
    assert people(split) == {("邹怡敏", "reporter"), ("刘晓欢", "correspondent"), ("刘艺锋", "correspondent")}
    assert split.byline_raw == "株洲日报全媒体记者/邹怡敏\n通讯员/刘晓欢 刘艺锋"
    unbalanced = by_headline(parsed("001"), "让中医药文化走进千家万户")
    assert {("李逸峰", "reporter"), ("李青菁", "correspondent")} <= people(unbalanced)
    assert unbalanced.paragraphs[0].startswith("弘扬中医药文化")
    assert ("陈洲平", "reporter") in people(by_headline(parsed("002"), "居然之家茶陵店开业运营"))
    assert ("马国安", "correspondent") in people(by_headline(parsed("004"), "今年重点建设项目,549个!"))
    assert people(by_headline(parsed("002"), "项目为王 实干为先")) == {("尹二荣", "writer"), ("邹怡敏", "writer")}
    assert people(by_headline(parsed("003"), "奋力书写高质量全面建成小康社会的芦淞答卷")) == {("王建勇", "writer")}
    assert people(by_headline(parsed("002"), "重阳敬桑榆")) == {("刘毅", "photographer"), ("曲宏", "photographer"), ("易溪", "photographer")}
    assert people(by_headline(parsed("003"), "株洲“马上就办 真抓实干”")) == {("刘苏宁", "compiler")}
    assert people(by_headline(parsed("003"), "我为株洲“美个颜”")) == {("龙建清", "correspondent"), ("向胤蓉", "reporter")}
    assert people(by_headline(parsed("003"), "积分能够当钱花! 文旅消费就上株洲文化消费平台")) == {("孙花", "correspondent"), ("罗春娇", "reporter")}
    assert ("丁志鹏", "photographer") in people(by_headline(parsed("002"), "落实禁火令 金山街道在行动"))
    # "企业供图" credits nobody
    assert people(by_headline(parsed("002"), "神农城顺利通过4A景区复检验收")) == {("吴思思", "correspondent")}


def test_author_notes_are_kept_with_their_piece():
    opinion = by_headline(parsed("003"), "加快迈进县域经济 千亿时代")
    assert opinion.paragraphs[-1] == "(作者系醴陵市委书记)"
    assert by_headline(parsed("003"), "弘扬“一、工、上、止、正”企业家精神").paragraphs[-1] == "(作者单位:市城发集团)"


def test_byline_parser_units():
    names, confident = parse_byline("株洲日报讯(全媒体记 者/廖喜张 通讯员/刘朔 马 国安)")
    assert [(c.name, c.role) for c in names] == [("廖喜张", "reporter"), ("刘朔", "correspondent"), ("马国安", "correspondent")]
    assert confident
    names, _ = parse_byline("株洲日报社新媒体通讯员 孙花 记者 罗春娇")
    assert [(c.name, c.role) for c in names] == [("孙花", "correspondent"), ("罗春娇", "reporter")]
    names, _ = parse_byline("株洲日报全媒体记者陈洲平 通讯员/周雨 周秀琴")
    assert [(c.name, c.role) for c in names] == [("陈洲平", "reporter"), ("周雨", "correspondent"), ("周秀琴", "correspondent")]
    names, confident = parse_byline("通 讯员/刘朔 记者邹怡敏摄")
    assert {c.role for c in names} == {"photographer"} and confident
    assert parse_byline("通讯员 供图")[0] == []


def test_truncated_bylines_are_flagged():
    lost = [a for a in articles(parsed("004")) if "missing_headline" in a.review_reasons and ("王海艳", "correspondent") in people(a)]
    assert lost and lost[0].paragraphs[0].startswith("近日,上海市株洲商会醴陵分会")
    awards = by_headline(parsed("004"), "4个省重点项目获省政府表彰")
    assert ("刘朔", "correspondent") in people(awards) and "uncertain_byline" in awards.review_reasons


def test_page_sections_and_staff():
    page = parsed("002").pages[1]
    assert page.section_label == "同城·新媒"
    assert {(c.name, c.role) for c in page.staff} == {("刘琪琪", "editor"), ("许辛", "art_editor"), ("张武", "proofreader")}
    assert parsed("000").pages[1].section_label == "城市·观察"
    assert {(c.name, c.role) for c in parsed("000").pages[1].staff} == {("吴楚", "editor"), ("肖星平", "art_editor")}
    assert parsed("001").pages[1].section_label == "综合·城区"
    assert parsed("003").pages[1].section_label == "同城新媒"
    assert [len(parsed(p).pages) for p in PREFIXES] == [2, 2, 2, 2, 1]
    assert not any(page.is_front_page for p in PREFIXES[:4] for page in parsed(p).pages)


def test_page_furniture_is_kept_aside():
    extra = parsed("003").pages[1].extra_lines
    assert "株洲新闻网" in extra and "株洲文明网" in extra
    assert "扫一扫,即可登录“马上就办”网络问政系统。" in extra
    assert "投稿邮箱: zrzbxclt@126.com" in parsed("003").pages[0].extra_lines
    assert "ZHUZHOU DAILY" in parsed("004").pages[0].extra_lines


# --- captions, quotes, rejoined lines --------------------------------------------------------


def test_captions_go_to_the_story_they_show():
    alumni = by_headline(parsed("000"), "让“校友资源”撬动“发展资源” 渌口区五中爱心联合会成立")
    assert alumni.captions == ["渌口区五中校友回湘“家”团聚。记者邹怡敏摄"]
    assert ("邹怡敏", "photographer") in people(alumni)
    flag = by_headline(parsed("000"), "企业送锦旗 感谢“保姆式”服务")
    assert len(flag.captions) == 1 and flag.captions[0].endswith("供图")
    # printed after the 学林 story, but it shows the 中医药义诊 told in the next one
    medicine = by_headline(parsed("001"), "让中医药文化走进千家万户")
    learning = by_headline(parsed("001"), "筑牢发展底线 铸就平安学林")
    assert any("颈椎推拿" in c for c in medicine.captions) and not learning.captions
    assert ("李逸峰", "photographer") in people(medicine) and ("李逸峰", "photographer") not in people(learning)
    assert len(by_headline(parsed("001"), "以奋斗之姿推动经济高质量发展").captions) == 3


def test_pull_quotes_and_rejoined_lines():
    first = by_headline(parsed("000"), "渌口区今年十大民生实事项目出炉")
    assert any("对全区村民建房情况及时录入" in p for p in first.paragraphs)
    assert any("改善了农村地区办学条件和教育教学环境。" in p for p in first.paragraphs)
    assert any(p.startswith("既续写老文章,又回答新课题。今年该区将继续实施") for p in first.paragraphs)
    assert not any(p in ("今", "况及时录入和一键查询。") for p in first.paragraphs)
    front = by_headline(parsed("001"), "以奋斗之姿推动经济高质量发展")
    assert any("千群联手推动基层自治、精准就业送到家门口" in p for p in front.paragraphs)
    opinion = by_headline(parsed("003"), "加快迈进县域经济 千亿时代")
    assert opinion.pull_quotes == ["【大力推进产业扶贫、消费扶贫、社会扶贫,切实巩固脱贫成果。】"]


def test_column_join_spaces_are_removed_from_body_text_only():
    projects = by_headline(parsed("004"), "今年重点建设项目,549个!")
    assert projects.paragraphs[0].startswith("今年,我市开展\"项目攻坚年\"活动。根据《株洲市2023年重点项目计划》")
    assert any("总投资达2160亿元" in p for p in projects.paragraphs)
    assert "株洲日报讯(全媒体记 者/廖喜张" in projects.byline_raw  # as printed
    assert "全国 政协委员" in by_headline(parsed("004"), "大力推进养老服务发展 加快打造北斗产业高地").raw_text


# --- interleaved columns ----------------------------------------------------------------------


def test_interleaved_columns_are_kept_and_flagged_not_glued():
    result = parsed("004")
    flagged = [a for a in articles(result) if "garbled" in a.review_reasons]
    assert flagged, "the interleaved region must be flagged"
    assert any("金海" in a.paragraphs for a in flagged)
    visit = by_headline(result, "大力推进养老服务发展 加快打造北斗产业高地")
    assert not any(p in ("金海", "福回") for p in visit.paragraphs)
    assert any("何寄华一行还走访了民盟株洲市委机关" in p for p in visit.paragraphs)
    discipline = by_headline(result, "以正风肃纪反腐新成效助力经济社会发展")
    assert "级标准" not in discipline.paragraphs and discipline.paragraphs[0].startswith("2月6日")


def test_scrambled_story_gets_its_byline_and_buried_headline():
    result = parsed("004")
    land = by_headline(result, "去年我市处置存量土地上万亩")
    assert land.subheadline == "多项指标位居全省前列"
    assert land.review_reasons == ["garbled"]
    assert people(land) == {("张威", "reporter")}
    assert "近日,记者走进渌口区南洲新区" in land.paragraphs
    projects = by_headline(result, "今年重点建设项目,549个!")
    # the story runs on past the scramble: "...等有" + "利于促进产城融合..."
    assert any("流域系统治理等有利于促进产城融合" in p for p in projects.paragraphs)
    assert any("总投资227.6亿元,擂响了我市项目建设的春天" in p for p in projects.paragraphs)
    assert not any("南洲新区" in p for p in projects.paragraphs)
    assert ("张威", "reporter") not in people(projects)


# --- dates ----------------------------------------------------------------------------------


def test_front_page_masthead_gives_exact_date_number_and_pages():
    result = parsed("004")
    issue = result.issue_date
    assert issue.date == dt.date(2023, 2, 9)
    assert (issue.issue_number, issue.page_count, issue.inferred, issue.confidence) == (23211, 8, False, 1.0)
    assert any("正月十九" in note for note in issue.notes) and any("星期四" in note for note in issue.notes)
    assert result.pages[0].is_front_page


def test_masthead_variants():
    complete = read_masthead([(1, "2023年2月9日 星期四 癸卯年正月十九 第23211期 今日8版")])
    assert (complete.date, complete.inferred, complete.confidence) == (dt.date(2023, 2, 9), False, 1.0)
    wrong_weekday = read_masthead([(1, "2023年2月"), (2, "日 星期五 癸卯年正月十九 第23211期 今日8版")])
    assert wrong_weekday.date == dt.date(2023, 2, 9) and wrong_weekday.confidence < 1.0
    assert any("不一致" in note for note in wrong_weekday.notes)
    weekday_only = read_masthead([(1, "2023年2月"), (2, "日 星期四 第23211期 今日8版")])
    assert weekday_only.inferred and weekday_only.confidence < 0.5


@pytest.mark.parametrize(
    "prefix, expected",
    [("000", dt.date(2025, 2, 6)), ("001", dt.date(2023, 12, 29)), ("002", dt.date(2022, 9, 29)), ("003", dt.date(2020, 7, 29))],
)
def test_dates_without_masthead_are_inferred_within_days(prefix, expected):
    result = parsed(prefix)
    issue = result.issue_date
    assert issue.inferred is True
    assert abs((issue.date - expected).days) <= 4
    assert 0 < issue.confidence < 1
    assert issue.evidence and all(e.line > 0 for e in issue.evidence)
    lines = result.text.split("\n")
    assert all(e.text in lines[e.line - 1] for e in issue.evidence)
    latest = max(e.resolved for e in issue.evidence if e.resolved and e.resolved <= issue.date)
    assert issue.date >= latest


def test_announced_dates_bound_the_inferred_date():
    text = "体育馆开放\n\n株洲日报讯(全媒体记者/王军) 7月10日,场馆完成改造。场馆将于7月20日对市民免费开放。2019年全年接待10万人次。\n"
    issue = parse_text(text).issue_date
    assert dt.date(2020, 7, 11) <= issue.date < dt.date(2020, 7, 20) or dt.date(2019, 7, 11) <= issue.date < dt.date(2019, 7, 20)
    assert any(e.text == "7月20日" for e in issue.evidence)


# --- districts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, headline, district",
    [
        ("000", "渌口区今年十大民生实事项目出炉", "渌口区"),
        ("000", "炎陵“春风”送岗 职等你来", "炎陵县"),
        ("000", "株洲如何下好土地利用“先手棋”", "株洲市"),
        ("001", "筑牢发展底线 铸就平安学林", "石峰区"),
        ("001", "以奋斗之姿推动经济高质量发展", "天元区"),
        ("001", "“老检叨工作室”挂牌成立", "荷塘区"),
        ("002", "落实禁火令 金山街道在行动", "荷塘区"),
        ("002", "重阳敬桑榆", "醴陵市"),
        ("002", "神农城顺利通过4A景区复检验收", "天元区"),
        ("003", "株洲“马上就办 真抓实干”", "株洲市"),
        ("004", "今年重点建设项目,549个!", "株洲市"),
        ("004", "4个省重点项目获省政府表彰", "株洲市"),
        ("004", '湘江风光带河西段实施"微亮化"改造', "天元区"),
    ],
)
def test_districts_an_article_is_about(prefix, headline, district):
    tags = tag_districts(by_headline(parsed(prefix), headline), Gazetteer.load_default())
    assert [t.district for t in tags] == [district]
    assert tags[0].confident and tags[0].evidence


def test_gazetteer_from_rows_and_terms():
    gazetteer = Gazetteer.from_rows(
        districts=[{"name": "渌口区", "short_name": "渌口", "kind": "urban_district", "aliases": ["株洲县"]}, {"name": "株洲市", "kind": "citywide", "aliases": ["全市"]}],
        places=[{"name": "淦田镇", "district": "渌口区", "kind": "town", "aliases": ["淦田"]}],
    )
    assert {"渌口区", "渌口", "株洲县", "淦田镇", "淦田"} <= set(gazetteer.terms())
    assert {"淦田镇", "淦田", "学林街道", "神农城"} <= set(Gazetteer.load_default().terms())
    story = parse_text("淦田镇新建码头\n\n株洲日报讯(全媒体记者/王军) 近日,淦田镇码头开工,淦田的村民很高兴。\n")
    [article] = articles(story)
    assert [t.district for t in tag_districts(article, gazetteer)] == ["渌口区"]


# --- bad input, speed, arbitrary text --------------------------------------------------------


def test_bad_bytes_give_one_line_errors():
    seed = seed_bytes("000")
    cases = [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary" * 20, "binary"),
        (seed[:-1], "truncated"),  # the seed ends in a 3-byte character: cut inside it
        (seed.decode("utf-8").encode("gb18030")[:-1], "truncated"),
    ]
    for data, fragment in cases:
        with pytest.raises(ParseError) as excinfo:
            parse_bytes(data)
        assert fragment in str(excinfo.value) and "\n" not in str(excinfo.value)


def test_gb18030_bom_and_crlf_decode_to_the_same_articles():
    text = seed_bytes("000").decode("utf-8")
    reference = [a.headline for a in articles(parse_text(text))]
    gb = parse_bytes(text.encode("gb18030"))
    bom = parse_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert (gb.encoding, bom.encoding, parsed("000").encoding) == ("gb18030", "utf-8-sig", "utf-8")
    assert [a.headline for a in articles(gb)] == reference == [a.headline for a in articles(bom)]


def test_parsing_costs_well_under_a_millisecond_per_article():
    data = [seed_bytes(p) for p in PREFIXES]
    count = sum(len(articles(parse_bytes(d))) for d in data)
    best = min(_cpu_seconds(lambda: [parse_bytes(d) for d in data]) for _ in range(5))
    assert best / count < 0.001, f"{best / count * 1e6:.0f} us per article"


def _cpu_seconds(work) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


_ALPHABET = list("株洲日报讯(全媒体记者/通讯员) 摄供图责任编辑美术校对:·——【】。，,!?\n\n新闻区县镇街道2023年1月24日第期今日版星期四癸卯正月十九扫一扫abc@.渌口醴陵学林")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=400))
def test_arbitrary_text_never_crashes_and_loses_nothing(text):
    result = parse_text(text)
    assert output_chars(result) == collections.Counter("".join(text.split()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([line for p in PREFIXES for line in seed_bytes(p).decode("utf-8").split("\n") if line.strip()]), max_size=40))
def test_shuffled_seed_lines_never_crash_and_lose_nothing(lines):
    text = "\n\n".join(lines)
    result = parse_text(text)
    assert output_chars(result) == collections.Counter("".join(text.split()))
    gazetteer = Gazetteer.load_default()
    for article in articles(result):
        tag_districts(article, gazetteer)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_crashes(text):
    result = parse_text(text)
    assert output_chars(result) == collections.Counter("".join(text.replace("\r", "\n").split()))


def test_subhead_beside_a_broken_line_is_not_garbled_and_older_leads_open_articles():
    text = (
        "城市·观察\n\n责任编辑:吴楚 美术编辑:肖星平 校对:张 武\n\n老旧小区焕新颜\n\n"
        "株洲日报讯(全媒体记者/王军) 3月3日,宋家桥街道的老旧小区改造完成。居民们纷纷点赞。\n\n"
        "停车难 怎么破?\n\n街道新建了两个停车场,新增车位300个,缓解了居民停车难\n\n题。今后还将继续推进。\n\n"
        "市图书馆推出夜间开放\n\n本报讯 近日,市图书馆推出夜间开放服务,每周五开放至晚上9点。\n"
    )
    first, second = articles(parse_text(text))
    assert not first.review_reasons and "停车难 怎么破?" in first.paragraphs
    assert "缓解了居民停车难题。今后还将继续推进。" in first.paragraphs[-1]
    assert (second.headline, second.byline_raw, second.review_reasons) == ("市图书馆推出夜间开放", "本报讯", [])
    assert people(first) == {("王军", "reporter")}


# --- credit words: 文/图, 图/文, 文字, 摄影报道, 整理, 供图 ----------------------------------------


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("文/图 张三", [("张三", "writer"), ("张三", "photographer")]),
        ("图/文 李四", [("李四", "writer"), ("李四", "photographer")]),
        ("文/张三 图/李四", [("张三", "writer"), ("李四", "photographer")]),
        ("文字:王五 摄影:赵六", [("王五", "writer"), ("赵六", "photographer")]),
        ("记者/张三 李四 摄影报道", [("张三", "photographer"), ("李四", "photographer")]),
        ("张三 李四 摄影报道", [("张三", "photographer"), ("李四", "photographer")]),
        ("株洲日报全媒体记者 张三 报道", [("张三", "reporter")]),
        ("株洲日报社新媒体记者 刘苏宁 整理", [("刘苏宁", "compiler")]),
        ("通讯员/王五 供图", [("王五", "photographer")]),
    ],
)
def test_credit_words_give_roles_and_never_names(byline, expected):
    found, confident = parse_byline(byline)
    assert [(c.name, c.role) for c in found] == expected and confident
    assert not {c.name for c in found} & {"文图", "图文", "文字", "报道", "摄影", "供图", "整理"}


def test_feature_and_photo_story_credits_sign_their_article():
    feature = parse_text("春节庙会人气旺\n\n文/图 张三\n\n正月初五,炎陵县城的庙会吸引了大批市民,现场热闹非凡,孩子们尤其喜欢糖画摊位。\n")
    [article] = articles(feature)
    assert (article.headline, article.review_reasons) == ("春节庙会人气旺", [])
    assert people(article) == {("张三", "writer"), ("张三", "photographer")}
    body = "正月十五晚,湘江风光带的灯会吸引了大批市民前来观赏,流光溢彩的花灯映红了江面。\n\n灯会持续到本月底。"
    for text in (f"元宵灯会点亮湘江\n\n{body}\n\n记者/张三 李四 摄影报道\n", f"元宵灯会点亮湘江\n\n记者/张三 李四 摄影报道\n\n{body}\n"):
        [story] = articles(parse_text(text))
        assert (story.headline, story.review_reasons) == ("元宵灯会点亮湘江", [])
        assert people(story) == {("张三", "photographer"), ("李四", "photographer")}
        assert story.paragraphs == body.split("\n\n")


# --- seams: where rejoining broken lines would glue unrelated text ----------------------------


def test_text_cut_off_by_scrambled_columns_is_not_glued_to_the_next_paragraph():
    visit = by_headline(parsed("004"), "大力推进养老服务发展 加快打造北斗产业高地")
    assert "garbled" in visit.review_reasons  # the end of "全力构建投入机…" is lost in the scramble
    cut = next(p for p in visit.paragraphs if p.startswith("何寄华充分肯定"))
    assert cut.endswith("全力构建投入机")
    assert any(p.startswith("下午,何寄华一行实地调研了") for p in visit.paragraphs)


def test_intertitle_after_a_cut_off_paragraph_stays_an_intertitle():
    projects = by_headline(parsed("004"), "今年重点建设项目,549个!")
    assert "围绕13条产业链布局重大项目" in projects.paragraphs
    assert any(p.endswith("重点项目都在50亿元以上项") for p in projects.paragraphs)
    assert any(p.startswith("1月30日,我市举行了") for p in projects.paragraphs)
    assert "garbled" in projects.review_reasons
    # text that does run on past the scramble is still read on
    assert any("流域系统治理等有利于促进产城融合" in p for p in projects.paragraphs)


def test_column_line_out_of_place_is_kept_apart_and_flagged():
    light = by_headline(parsed("004"), '湘江风光带河西段实施"微亮化"改造')
    assert 'garbled' in light.review_reasons
    assert '西桥下、滨江北路夜宵街和旧书摊进行"微' in light.paragraphs
    assert not any("旧书摊进行\"微有关负责人" in p or "管理处西桥下" in p for p in light.paragraphs)


def test_a_sentence_finished_after_a_line_break_is_text_not_a_caption():
    sport = by_headline(parsed("003"), "“八一”建军节,全民健身服务中心公益主题活动来袭")
    assert sport.paragraphs[-1].endswith("提供乒乓供120张游泳公益券供2月1日使用。(资料图)")
    assert sport.captions == ["阳光羽毛球馆(资料图)"]


_LONG_LINES = (
    "株洲日报讯(全媒体记者/王军) 3月3日,宋家桥街道的老旧小区改造完成,新建停车位三百个,加装电梯十二部,改造雨污管网八千米,居民们纷纷点赞。\n\n"
    "改造中,街道坚持问需于民、问计于民,先后召开居民议事会二十多场,收集意见建议一百余条,逐条落实到施工方案之\n\n"
)


def test_short_line_between_long_lines_synthetic():
    tail = "中,让居民少跑腿、多参与,整个工程比原计划提前一个月完成,施工期间没有发生一起投诉,得到了居民的一致好评和肯定。\n\n今后街道还将继续推进老旧小区改造工作,让更多居民受益。\n"
    stray = parse_text("老旧小区焕新颜\n\n" + _LONG_LINES + "电梯加装、管网改造和外墙\n\n" + tail)
    [article] = articles(stray)
    assert "garbled" in article.review_reasons and "电梯加装、管网改造和外墙" in article.paragraphs
    intertitle = parse_text("老旧小区焕新颜\n\n" + _LONG_LINES + "居民议事 有事好商量\n\n" + tail)
    [article] = articles(intertitle)
    assert "garbled" in article.review_reasons and "居民议事 有事好商量" in article.paragraphs  # the designed space stays
    joined = parse_text("老旧小区焕新颜\n\n" + _LONG_LINES + tail)
    [article] = articles(joined)
    assert not article.review_reasons and any("施工方案之中,让居民少跑腿" in p for p in article.paragraphs)


@pytest.mark.parametrize("dash", ["-", "—", "——", "──", "— "])
def test_a_subheadlines_leading_dash_is_printed_punctuation(dash):
    text = f"以新成效助力经济社会发展\n\n{dash}全会精神在党员干部中引发热烈反响\n\n株洲日报全媒体记者/陈正明\n\n2月6日,全会召开,大家表示要始终牢记“两个永远在路上”,以正风肃纪反腐新成效助力经济社会高质量发展。\n"
    [article] = articles(parse_text(text))
    assert (article.headline, article.subheadline) == ("以新成效助力经济社会发展", "全会精神在党员干部中引发热烈反响")
    assert article.stripped_marks == dash.strip()


def test_a_masthead_that_disagrees_with_itself_is_flagged_for_review():
    wrong_weekday = read_masthead([(1, "2023年2月"), (2, "日 星期五 癸卯年正月十九 第23211期 今日8版")])
    assert wrong_weekday.review_reasons == ["masthead_conflict"]
    assert read_masthead([(1, "2023年2月9日 星期四 癸卯年正月十九 第23211期 今日8版")]).review_reasons == []
    wrong_lunar = read_masthead([(1, "2023年2月9日 星期四 癸卯年正月二十 第23211期 今日8版")])
    assert wrong_lunar.review_reasons == ["masthead_conflict"]
    assert parsed("004").issue_date.review_reasons == []
    assert not any("masthead_conflict" in a.review_reasons for p in PREFIXES for a in articles(parsed(p)))
    misprinted = parse_text(seed_bytes("004").decode("utf-8").replace("星期四", "星期五", 1))
    assert misprinted.issue_date.date == dt.date(2023, 2, 9) and not misprinted.issue_date.inferred
    assert all("masthead_conflict" in a.review_reasons for a in articles(misprinted))


def test_gazetteer_knows_the_local_places_the_seeds_name():
    gazetteer = Gazetteer.load_default()
    terms = gazetteer.term_to_district
    expected = {"清水塘": "石峰区", "清水塘广场": "石峰区", "曲尺村": "芦淞区", "石子头社区": "荷塘区", "菜花村": "攸县",
                "酒仙湖": "渌口区", "滨江商业休闲广场": "天元区", "株洲北斗产业园": "株洲经开区"}
    assert {name: terms.get(name) for name in expected} == expected
    medicine = tag_districts(by_headline(parsed("001"), "让中医药文化走进千家万户"), gazetteer)
    assert [t.district for t in medicine] == ["石峰区"] and "清水塘广场" in medicine[0].evidence
