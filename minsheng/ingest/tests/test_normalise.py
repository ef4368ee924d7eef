"""Normalisation: pinyin, t2s, widths, numerals, mojibake and the offset map back to the original."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.ingest.domain import (
    detect_mojibake,
    normalise,
    numeral_edits,
    parse_chinese_number,
    repair_heading_marker,
    repair_mojibake,
)
from minsheng.ingest.domain.normalise import fold_width, t2s_converter

SEED = Path(__file__).resolve().parent / "data" / "wuhan_2022_seed.txt"


def test_inserted_pinyin_is_removed() -> None:
    assert normalise("各區(qū)人民政府").text == "各区人民政府"
    assert normalise("街道(鄉(xiāng)鎮(zhèn))").text == "街道(乡镇)"
    assert normalise("城鎮(zhèn)新增就業(yè)").text == "城镇新增就业"
    assert normalise("全面完成義務教育學?,F(xiàn)代化建設").text == "全面完成义务教育学?,F代化建设"


def test_real_parentheses_are_kept() -> None:
    for text in (
        "套(户)",
        "站(点)",
        "行业(工种)",
        "街道(乡镇)",
        "社区(村)",
        "项目(PPP)",
        "附件(a)",
        "执业（助理）医师",
    ):
        assert "(" in normalise(text).text, text
    assert normalise("保障性租赁住房25万套(间)").text == "保障性租赁住房25万套(间)"


def test_traditional_becomes_simplified() -> None:
    assert normalise("讓人民生活幸福是“國之大者”").text == "让人民生活幸福是“国之大者”"


def test_widths_dashes_and_spaces_are_unified() -> None:
    assert normalise("到２０２５年，失业率控制在５．５％以内").text == "到2025年,失业率控制在5.5%以内"
    assert normalise("新增1—2个、3～5个、7–8个").text == "新增1-2个、3-5个、7-8个"
    assert normalise("活动 1500 场以上，住房　３０００　套").text == "活动1500场以上,住房3000套"
    assert normalise("投资1,200亿元").text == "投资1200亿元"
    assert normalise("附件:武政[2022]2号—市人民政府").text == "附件:武政[2022]2号—市人民政府"


def test_quantity_numerals_become_digits_and_names_stay() -> None:
    text = "三级医院达到七十家,七成以上,百分之九十五,每年举办一届运动会,新建三所,两万人,到二〇二五年"
    assert normalise(text).text == "三级医院达到70家,70%以上,95%,每年举办1届运动会,新建3所,2万人,到2025年"
    for name in (
        "“十四五”期间",
        "三孩生育政策",
        "一廊两翼",
        "市、区两级",
        "“五个中心”",
        "第十四次",
        "一网统管",
        "“万名警察进社区”",
    ):
        assert normalise(name).text == name


def test_chinese_numbers_parse() -> None:
    cases: dict[str, float] = {"一": 1, "十": 10, "十五": 15, "二十": 20, "一百二十": 120, "一千五百": 1500}
    cases |= {"两千": 2000, "三十万": 300_000, "一千零五": 1005, "九十九": 99, "零点五": 0.5}
    for text, value in cases.items():
        assert parse_chinese_number(text) == value, text
    for text in ("十四五", "一二", "", "十百", "万"):
        assert parse_chinese_number(text) is None, text
    assert numeral_edits("无数字") == []


def test_seed_mojibake_headings_are_flagged_with_their_markers() -> None:
    norm = normalise(SEED.read_text(encoding="utf-8"))
    texts = [f.text for f in norm.flags]
    for broken in ("?。ㄒ唬┚哿椕苊裆U暇W", "?。ㄒ唬娀M", "?。ǘ娀y", "?。ㄈ娀Y", "?;尽⒍鄬哟?"):
        assert broken in texts
    assert len(norm.flags) == 14
    for flag in norm.flags:
        assert norm.original[flag.orig_start : flag.orig_end] == flag.text
        assert flag.kind == "mojibake"
        assert flag.note
    assert repair_heading_marker("?。ㄒ唬┚哿椕苊裆U暇W") == "（一）"
    assert repair_heading_marker("?。ǘ娀y") == "（二）"
    assert repair_heading_marker("?。ㄈ娀Y") == "（三）"
    assert repair_heading_marker("普通文字") is None
    # 更 of 更高质量 was dropped by the scraper: the repair cannot know, so it is never "complete".
    assert repair_mojibake("?。ǘ┘涌鞓嫿ǜ哔|") == ("（二）加快構建高質", False)


def test_utf8_read_as_gbk_is_repaired_completely() -> None:
    broken = "（一）聚力织密民生保障网".encode().decode("gbk", errors="replace")
    norm = normalise("前文" + broken + "后文")
    assert len(norm.flags) == 1
    assert norm.flags[0].suggestion == "（一）聚力织密民生保障网"
    assert norm.flags[0].complete


def test_clean_text_raises_no_mojibake_flag() -> None:
    clean = "建设5G网络,PM2.5浓度下降,创建4A级景区,推广PPP模式,国家A级景区,怎么办?问题导向。邯郸市福祉"
    assert detect_mojibake(clean) == []
    assert normalise(clean).flags == ()


def test_offsets_map_highlights_back_to_the_original() -> None:
    original = "到2025年,城鎮(zhèn)新增就業(yè)１１０萬人以上,七成以上"
    norm = normalise(original)
    start = norm.text.index("110万人以上")
    o_start, o_end = norm.span_to_original(start, start + len("110万人以上"))
    assert original[o_start:o_end] == "１１０萬人以上"
    start = norm.text.index("70%以上")
    o_start, o_end = norm.span_to_original(start, start + len("70%以上"))
    assert original[o_start:o_end] == "七成以上"
    word = norm.text.index("城镇新增就业")
    o_start, o_end = norm.span_to_original(word, word + 6)
    assert original[o_start:o_end] == "城鎮(zhèn)新增就業"
    assert norm.span_from_original(o_start, o_end) == (word, word + 6)
    assert norm.to_original(len(norm.text)) == len(original)


_CHARS = (
    list("區發國會說們為來時個學網鄉鎮經濟城乡人民政府就业服务体系建设")
    + list("abcAB019,.;:")
    + list("，；：（）")
)
_CHARS += [*"０１２３ＡＢ", " ", "\u3000", "—", "～"]
_PINYIN = ["(qū)", "(fā)", "(guó)", "(huì)", "(xiāng)", "(zhèn)", "(de)", "(shì)"]


@st.composite
def damaged_text(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.tuples(st.sampled_from(_CHARS), st.booleans(), st.sampled_from(_PINYIN)), max_size=40)
    )
    return "".join(ch + (ann if annotate else "") for ch, annotate, ann in parts)


def _forms(ch: str) -> set[str]:
    simple = t2s_converter().convert(ch)
    forms = {ch, simple, fold_width(ch), fold_width(simple)}
    return forms | {"-"} if ch in "—～–~－" else forms


@settings(max_examples=300, deadline=None)
@given(damaged_text())
def test_every_normalised_character_maps_to_an_original_one_that_produces_it(original: str) -> None:
    norm = normalise(original)
    assert len(norm.offsets) == len(norm.text) + 1
    assert list(norm.offsets) == sorted(norm.offsets)
    for i, ch in enumerate(norm.text):
        source = original[norm.offsets[i]]
        assert ch in _forms(source), (i, ch, source, original)
    for i in range(len(norm.text)):
        o_start, o_end = norm.span_to_original(i, i + 1)
        back = norm.span_from_original(o_start, o_end)
        assert back[0] <= i < back[1]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_normalise_never_fails_and_keeps_offsets_in_range(original: str) -> None:
    norm = normalise(original)
    assert len(norm.offsets) == len(norm.text) + 1
    assert all(0 <= o <= len(original) for o in norm.offsets)
    assert list(norm.offsets) == sorted(norm.offsets)
