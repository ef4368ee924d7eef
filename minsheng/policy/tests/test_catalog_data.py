"""Checks of the hand-reviewed Wuhan target catalog against its source text.

Pure Python: no Django, no database. The catalog is ``minsheng/policy/data/wuhan_2022.yaml`` and the
evidence is the damaged scrape ``minsheng/policy/data/seed/wuhan_2022_original.txt``.

Target count (66), where they come from, sentence by sentence (code: value as written):

* S1-T1 (5): 110万人以上 新增就业, 5%以内 失业率, 150万人 留汉, 不少于50家 孵化基地, 50所 创业学院
* S1-T2 (3): 不低于90% 低保比例, 从16周岁延长至18周岁, 无障碍 100%
* S1-T3 (3): 参保人数 380万人、305万人、720万人
* S1-T4 (4): 25万套(间), 1万套(户), 6万套(户), 1616个
* S1-T5 (2): 参保人数 1050万人、335万人
* S2-T0 (4): 工作目标(二) 15分钟生活圈, 10分钟公共活动圈, 中心城区10分钟 and 新城区建成区12分钟 医疗急救圈
  (the 12分钟文体圈 of the same sentence is catalogued once, in S2-T5)
* S2-T1 (11): 250所, 7万个, 150所, 20万个, 50所 (到2025年 sentence), 80%以上, 75%, 85%以上, 17所, 25所,
  每个区1所
* S2-T2 (12): 99.5%, 35%, 10.5%以下, 1—2个, 3个以上, 8.8张, 70家以上, 140个, 4000台, 9/10万, 2.5‰, 82.4岁
* S2-T3 (8): 100% 医养结合, 65%以上, 至少5个/10个/30个/3000张, 各中心城区至少1所, 15分钟养老服务圈
* S2-T4 (2): 4.5个以上 托位, 近视率每年降低0.5个百分点以上
* S2-T5 (4): 12分钟文体圈, 每年1500场以上, 每年一届运动会, 每年1000场次以上
* S3-T1 (3): 2万路, 30家, 2000个
* S3-T2 (2): 98%以上 ×2 (食用农产品监测, 食品抽检)
* S3-T3 (2): 每年至少10个精致片区, 30个示范路口
* S3-T4 (1): 覆盖率80%以上
Numbers deliberately not catalogued as targets: 2025 (the year), 3岁 (part of an indicator name),
7×24小时 (a working arrangement, catalogued as commitment S3-T5-C03), 3个专项工作小组 (organisation).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import opencc
import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CATALOG_PATH = DATA_DIR / "wuhan_2022.yaml"
SEED_PATH = DATA_DIR / "seed" / "wuhan_2022_original.txt"

EXPECTED_TARGET_COUNT = 66
EXPECTED_TARGETS_PER_TASK = {
    "S1-T1": 5, "S1-T2": 3, "S1-T3": 3, "S1-T4": 4, "S1-T5": 2,
    "S2-T0": 4, "S2-T1": 11, "S2-T2": 12, "S2-T3": 8, "S2-T4": 2, "S2-T5": 4,
    "S3-T1": 3, "S3-T2": 2, "S3-T3": 2, "S3-T4": 1, "S3-T5": 0, "S3-T6": 0,
}  # fmt: skip
EXPECTED_COMMITMENT_COUNT = 74

PINYIN_RE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# an inserted pinyin annotation sits right after a Chinese character (English "(outer)" is fine)
GLUED_PINYIN_RE = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")

# Hand repairs of the damaged scrape, applied after stripping pinyin and before OpenCC.
# Keys are exactly as in the seed (less pinyin); values are what the official text says.
SEED_REPAIRS = {
    "?。ㄒ唬┚哿椕苊裆U暇W": "（一）聚力织密民生保障网",
    "?。ㄒ唬┘涌鞓嫿ǜ咚矫裆U象w系": "（一）加快构建更高水平民生保障体系",
    "?。ǘ┘涌鞓嫿ǜ哔|量民生服務體系": "（二）加快构建更高质量民生服务体系",
    "?。ㄈ┘涌鞓嫿ǜ邩藴拭裆踩w系": "（三）加快构建更高标准民生安全体系",
    "醫?;I資": "医保筹资",
    "醫?;饛氖屑壵{劑": "医保基金从市级调剂",
    "學?,F代化": "学校现代化",
    "無著": "无着",  # OpenCC would give 无著
}

TOP_KEYS = ["policy", "departments", "systems"]
POLICY_KEYS = [
    "code", "title", "title_en", "issuer", "document_number", "issued_on",
    "plan_start_year", "plan_end_year", "baseline_year", "source",
]  # fmt: skip
DEPARTMENT_KEYS = ["code", "name", "full_name", "name_en"]
SYSTEM_KEYS = ["code", "name", "name_en", "heading", "working_group", "office_unit", "tasks"]
TASK_KEYS = ["code", "number", "title", "title_en", "lead_unit", "co_units", "targets", "commitments"]
TARGET_KEYS = [
    "code", "indicator", "indicator_en", "comparator", "value", "value_max", "unit",
    "higher_is_better", "kind", "firmness", "baseline_value", "baseline_year", "deadline",
    "applies_to", "lead_unit", "co_units", "lead_unit_inferred", "source_sentence", "value_text", "notes",
]  # fmt: skip
COMMITMENT_KEYS = [
    "code", "title", "title_en", "lead_unit", "co_units", "lead_unit_inferred", "source_sentence", "deadline",
]  # fmt: skip

COMPARATORS = {">=", "<=", "=", "range", "approx", ">", "<"}
KINDS = {"level", "cumulative", "annual", "annual_change", "per_unit", "circle"}
FIRMNESS = {"ensure", "strive", "none"}
APPLIES_TO = {
    "city", "each_district", "each_central_district", "central_districts",
    "new_district_built_up_areas", "city_and_each_district",
}  # fmt: skip
PLAN_END = dt.date(2025, 12, 31)

GE_WORDS = ("以上", "不少于", "不低于", "至少")
LE_WORDS = ("以内", "以下", "控制在")
CHINESE_NUMERALS = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


# ---------------------------------------------------------------- loading helpers


@cache
def catalog() -> dict[str, Any]:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def systems() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = catalog()["systems"]
    return result


def tasks() -> list[dict[str, Any]]:
    return [task for system in systems() for task in system["tasks"]]


def targets() -> list[dict[str, Any]]:
    return [target for task in tasks() for target in task["targets"]]


def commitments() -> list[dict[str, Any]]:
    return [item for task in tasks() for item in task["commitments"]]


def departments() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = catalog()["departments"]
    return result


def target_by_indicator(indicator: str) -> dict[str, Any]:
    hits = [t for t in targets() if t["indicator"] == indicator]
    assert len(hits) == 1, f"{indicator!r}: {len(hits)} matches"
    return hits[0]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def normalised_seed() -> str:
    text = PINYIN_RE.sub("", SEED_PATH.read_text(encoding="utf-8"))
    for damaged, repaired in SEED_REPAIRS.items():
        assert damaged in text, f"repair key not found in seed: {damaged!r}"
        text = text.replace(damaged, repaired)
    converted: str = opencc.OpenCC("t2s").convert(text)
    return converted


@cache
def seed_sentences() -> frozenset[str]:
    """Whitespace-free sentences of the normalised seed, each ending with 。 where the text has one."""
    sentences: set[str] = set()
    for line in normalised_seed().splitlines():
        for part in re.findall(r"[^。]*。|[^。]+$", line):
            if part.strip():
                sentences.add(squash(part))
    return frozenset(sentences)


def fmt(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def number_forms(target: dict[str, Any]) -> list[str]:
    if target["comparator"] == "range":
        return [f"{fmt(target['value'])}—{fmt(target['value_max'])}"]
    forms = [fmt(target["value"])]
    if target["value"] in CHINESE_NUMERALS:
        forms.append(CHINESE_NUMERALS[target["value"]])
    return forms


def number_start(form: str) -> str:
    """Regex for a number not glued to a preceding digit (so 5 does not match inside 2025)."""
    return r"(?<![0-9.])" + re.escape(form)


def number_pattern(form: str) -> str:
    return number_start(form) + r"(?![0-9.])"


def all_strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in [str(key), *all_strings(value)]]
    if isinstance(node, list):
        return [s for item in node for s in all_strings(item)]
    return []


# ---------------------------------------------------------------- structure


def test_file_parses_and_top_level_keys() -> None:
    assert list(catalog()) == TOP_KEYS


def test_file_is_utf8_with_header_comment() -> None:
    raw = CATALOG_PATH.read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith("#")
    assert "hand-reviewed" in text.split("\npolicy:")[0]
    assert "\t" not in text


def test_policy_block() -> None:
    policy = catalog()["policy"]
    assert list(policy) == POLICY_KEYS
    assert policy["code"] == "wuhan-2022-2"
    assert policy["title"] == "关于进一步推进民生保障提效公共服务提质的实施意见"
    assert policy["issuer"] == "武汉市人民政府"
    assert policy["document_number"] == "武政〔2022〕2号"
    assert policy["issued_on"] == dt.date(2022, 1, 14)
    assert (policy["plan_start_year"], policy["plan_end_year"], policy["baseline_year"]) == (2021, 2025, 2020)
    assert policy["title"] in normalised_seed()
    assert isinstance(policy["source"], str)
    assert policy["source"]


def test_departments_well_formed() -> None:
    depts = departments()
    assert depts
    for i, dept in enumerate(depts, 1):
        assert list(dept) == DEPARTMENT_KEYS
        assert dept["code"] == f"D{i:02d}"
        assert all(isinstance(dept[k], str) and dept[k] for k in DEPARTMENT_KEYS)
    names = [d["name"] for d in depts]
    assert len(names) == len(set(names))


def test_systems_tasks_and_items_have_exact_keys() -> None:
    for system in systems():
        assert list(system) == SYSTEM_KEYS
        for task in system["tasks"]:
            assert list(task) == TASK_KEYS
            for target in task["targets"]:
                assert list(target) == TARGET_KEYS, target["code"]
            for item in task["commitments"]:
                assert list(item) == COMMITMENT_KEYS, item["code"]


def test_systems_match_the_text() -> None:
    expected = [
        ("S1", "民生保障体系", "加快构建更高水平民生保障体系", "民生保障专项工作小组", "市人社局"),
        ("S2", "民生服务体系", "加快构建更高质量民生服务体系", "民生服务专项工作小组", "市卫健委"),
        ("S3", "民生安全体系", "加快构建更高标准民生安全体系", "民生安全专项工作小组", "市公安局"),
    ]
    got = [(s["code"], s["name"], s["heading"], s["working_group"], s["office_unit"]) for s in systems()]
    assert got == expected
    seed = normalised_seed()
    for numeral, system in zip("一二三", systems(), strict=True):
        assert f"（{numeral}）{system['heading']}" in seed
    # 四(一): the three offices, in this order, are named by the text itself.
    assert "专项工作领导小组办公室分别设在市人社局、市卫健委、市公安局" in seed


def test_codes_unique_and_well_formed() -> None:
    codes: list[str] = []
    for system in systems():
        codes.append(system["code"])
        for task in system["tasks"]:
            assert task["code"] == f"{system['code']}-T{task['number']}"
            codes.append(task["code"])
            for i, target in enumerate(task["targets"], 1):
                assert target["code"] == f"{task['code']}-{i:02d}"
                codes.append(target["code"])
            for i, item in enumerate(task["commitments"], 1):
                assert item["code"] == f"{task['code']}-C{i:02d}"
                codes.append(item["code"])
    assert len(codes) == len(set(codes))
    assert [s["code"] for s in systems()] == ["S1", "S2", "S3"]


def test_task_titles_occur_as_numbered_headings() -> None:
    sentences = seed_sentences()
    for task in tasks():
        if task["number"] == 0:
            continue
        assert squash(f"{task['number']}.{task['title']}。") in sentences, task["code"]


def test_goal_task_is_numbered_zero_in_s2_only() -> None:
    zero = [t for t in tasks() if t["number"] == 0]
    assert [t["code"] for t in zero] == ["S2-T0"]
    assert zero[0]["title"] == "工作目标：民生服务圈"
    assert {t["kind"] for t in zero[0]["targets"]} == {"circle"}


def test_indicators_unique() -> None:
    indicators = [t["indicator"] for t in targets()]
    assert len(indicators) == len(set(indicators))


# ---------------------------------------------------------------- enums and types


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_target_fields_in_allowed_sets(target: dict[str, Any]) -> None:
    assert target["comparator"] in COMPARATORS
    assert target["kind"] in KINDS
    assert target["firmness"] in FIRMNESS
    assert target["applies_to"] in APPLIES_TO
    assert isinstance(target["higher_is_better"], bool)
    assert target["lead_unit_inferred"] is True
    assert isinstance(target["value"], int | float)
    assert not isinstance(target["value"], bool)
    assert target["value"] > 0
    assert isinstance(target["deadline"], dt.date)
    assert target["deadline"] == PLAN_END
    for key in ("indicator", "indicator_en", "unit", "lead_unit", "source_sentence", "value_text"):
        assert isinstance(target[key], str), key
        assert target[key], key
    assert isinstance(target["co_units"], list)
    assert target["notes"] is None or isinstance(target["notes"], str)


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_range_has_value_max_and_others_do_not(target: dict[str, Any]) -> None:
    if target["comparator"] == "range":
        assert isinstance(target["value_max"], int | float)
        assert target["value_max"] > target["value"]
    else:
        assert target["value_max"] is None


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_kind_conventions(target: dict[str, Any]) -> None:
    kind = target["kind"]
    sentence = target["source_sentence"]
    if kind == "circle":
        assert (target["unit"], target["comparator"], target["higher_is_better"]) == ("分钟", "<=", False)
        assert "圈" in target["value_text"] or "圈" in target["indicator"]
    else:
        assert target["unit"] != "分钟"
    if kind in ("annual", "annual_change"):
        assert "每年" in sentence
    if kind == "annual_change":
        assert target["comparator"] in (">=", ">")  # the size of the yearly change
        assert target["notes"]
    if kind == "per_unit":
        assert target["applies_to"] in ("each_district", "each_central_district")
        assert re.search(r"每个区|各中心城区|各区", target["value_text"] + sentence)
    else:
        assert target["applies_to"] not in ("each_district", "each_central_district")


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_firmness_matches_words(target: dict[str, Any]) -> None:
    sentence = target["source_sentence"]
    if target["firmness"] == "strive":
        assert "力争" in sentence
    if target["firmness"] == "ensure":
        assert "确保" in sentence
    if "力争" in target["value_text"]:
        assert target["firmness"] == "strive"
    if "确保" in target["value_text"]:
        assert target["firmness"] == "ensure"


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_baseline_only_where_stated(target: dict[str, Any]) -> None:
    if target["baseline_value"] is None:
        assert target["baseline_year"] is None
        return
    assert re.search(number_pattern(fmt(target["baseline_value"])), target["value_text"])


# ---------------------------------------------------------------- value_text and source sentence


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_value_text_is_in_source_sentence(target: dict[str, Any]) -> None:
    assert target["value_text"] in target["source_sentence"]


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_number_appears_in_value_text(target: dict[str, Any]) -> None:
    forms = number_forms(target)
    assert any(re.search(number_pattern(f), target["value_text"]) for f in forms), (
        forms,
        target["value_text"],
    )


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_unit_follows_number(target: dict[str, Any]) -> None:
    unit = target["unit"]
    patterns = [number_start(f) + r"\s*" + re.escape(unit) for f in number_forms(target)]
    in_value_text = unit in target["value_text"]
    after_number = any(re.search(p, target["source_sentence"]) for p in patterns)
    assert in_value_text or after_number
    # stronger: in this catalog the value_text always carries number + unit together
    assert any(re.search(p, target["value_text"]) for p in patterns), (patterns, target["value_text"])


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_comparator_agrees_with_words(target: dict[str, Any]) -> None:
    text = target["value_text"]
    ge = [w for w in GE_WORDS if w in text]
    le = [w for w in LE_WORDS if w in text]
    assert not (ge and le), f"value_text has both >= and <= words: {text}"
    if ge:
        assert target["comparator"] in (">=", ">")
    if le:
        assert target["comparator"] in ("<=", "<")
    if target["comparator"] == "range":
        assert "—" in text
    if target["comparator"] == "=":
        assert not ge
        assert not le


@pytest.mark.parametrize("target", targets(), ids=lambda t: str(t["code"]))
def test_direction_is_consistent(target: dict[str, Any]) -> None:
    if target["kind"] in ("annual_change", "circle"):
        return  # comparator applies to a size of change / a travel time
    if target["comparator"] in ("<=", "<"):
        assert target["higher_is_better"] is False
    if target["comparator"] in (">=", ">", "range"):
        assert target["higher_is_better"] is True


def test_lower_is_better_targets() -> None:
    lower = {t["indicator"] for t in targets() if not t["higher_is_better"] and t["kind"] != "circle"}
    assert lower == {
        "城镇登记失业率",
        "重大慢性病过早死亡率",
        "孕产妇死亡率",
        "婴儿死亡率",
        "儿童青少年总体近视率年降幅",
    }


@pytest.mark.parametrize("item", targets() + commitments(), ids=lambda t: str(t["code"]))
def test_source_sentence_is_a_whole_sentence_of_the_seed(item: dict[str, Any]) -> None:
    sentence = item["source_sentence"]
    assert sentence.endswith("。")
    assert squash(sentence) in seed_sentences()
    assert not PINYIN_RE.search(sentence)


def test_every_string_is_simplified_chinese() -> None:
    converter = opencc.OpenCC("t2s")
    for text in all_strings(catalog()):
        assert converter.convert(text) == text, text
        assert not GLUED_PINYIN_RE.search(text), text


# ---------------------------------------------------------------- commitments


@pytest.mark.parametrize("item", commitments(), ids=lambda t: str(t["code"]))
def test_commitment_fields(item: dict[str, Any]) -> None:
    assert isinstance(item["title"], str)
    assert item["title"]
    assert isinstance(item["title_en"], str)
    assert item["title_en"]
    assert item["lead_unit_inferred"] is True
    assert item["deadline"] == PLAN_END
    assert isinstance(item["co_units"], list)


@pytest.mark.parametrize(
    ("title_fragment", "sentence_fragment"),
    [
        ("建设智慧救助平台", "建设智慧救助平台"),
        ("健全重点人员监测预警机制", "健全重点人员监测预警机制"),
        ("建立社会救助标准动态调整机制", "社会救助标准动态调整机制"),
        ("探索建立长期护理保险", "探索建立长期护理保险"),
        ("网络安全监控指挥中心", "建设“网络安全监控指挥中心”"),
        ("优化市、区两级智慧养老服务平台", "优化市、区两级智慧养老服务平台"),
        ("建立民生安全物联感知体系", "建立民生安全物联感知体系"),
        ("编制养老服务设施空间布局规划", "编制养老服务设施空间布局规划"),
        ("实现社区全民文化健身活动站(点)全覆盖", "实现社区全民文化健身活动站(点)全覆盖"),
        ("公共卫生应急管理体系", "建成国内一流、国际先进的公共卫生应急管理体系"),
        ("探索建立粮食质量追溯制度", "探索建立粮食质量追溯制度"),
        ("反电信网络诈骗中心", "建强市、区两级反电信网络诈骗中心"),
    ],
)
def test_named_commitments_present(title_fragment: str, sentence_fragment: str) -> None:
    hits = [c for c in commitments() if title_fragment in c["title"]]
    assert len(hits) == 1, title_fragment
    assert sentence_fragment in hits[0]["source_sentence"]


def test_commitment_count() -> None:
    assert len(commitments()) == EXPECTED_COMMITMENT_COUNT


# ---------------------------------------------------------------- units


def test_every_unit_named_is_a_department() -> None:
    names = {d["name"] for d in departments()}
    used: set[str] = set()
    for system in systems():
        used.add(system["office_unit"])
    for item in [*tasks(), *targets(), *commitments()]:
        used.add(item["lead_unit"])
        used.update(item["co_units"])
        assert item["lead_unit"] not in item["co_units"], item["code"]
        assert len(item["co_units"]) == len(set(item["co_units"])), item["code"]
    assert used <= names, used - names
    assert names <= used, f"departments never used: {names - used}"


# ---------------------------------------------------------------- independent spot checklist


class Spot(NamedTuple):
    indicator: str
    comparator: str
    value: float
    unit: str
    kind: str
    higher_is_better: bool
    value_max: float | None = None
    applies_to: str = "city"
    firmness: str = "none"


SPOTS = [
    Spot("城镇新增就业", ">=", 110, "万人", "cumulative", True),
    Spot("城镇登记失业率", "<=", 5, "%", "level", False),
    Spot("新增高校毕业生留汉就业创业", ">=", 150, "万人", "cumulative", True),
    Spot("认定市级创业孵化示范基地", ">=", 50, "家", "cumulative", True),
    Spot("农村低保标准占城市低保标准比例", ">=", 90, "%", "level", True),
    Spot("特困救助供养覆盖的未成年人年龄上限", "=", 18, "周岁", "level", True),
    Spot("新建项目无障碍设施建设率", ">=", 100, "%", "level", True),
    Spot("工伤保险参保人数", ">=", 380, "万人", "level", True),
    Spot("失业保险参保人数", ">=", 305, "万人", "level", True),
    Spot("基本养老保险参保人数", ">=", 720, "万人", "level", True),
    Spot("建设筹集保障性租赁住房", ">=", 25, "万套(间)", "cumulative", True),
    Spot("新增公租房保障", ">=", 1, "万套(户)", "cumulative", True),
    Spot("开工棚户区改造住房", ">=", 6, "万套(户)", "cumulative", True),
    Spot("完成老旧小区改造", ">=", 1616, "个", "cumulative", True),
    Spot("基本医疗保险参保人数", ">=", 1050, "万人", "level", True),
    Spot("生育保险参保人数", ">=", 335, "万人", "level", True),
    Spot("15分钟生活圈", "<=", 15, "分钟", "circle", False),
    Spot("10分钟公共活动圈", "<=", 10, "分钟", "circle", False),
    Spot("中心城区医疗急救圈", "<=", 10, "分钟", "circle", False, applies_to="central_districts"),
    Spot(
        "新城区建成区医疗急救圈", "<=", 12, "分钟", "circle", False, applies_to="new_district_built_up_areas"
    ),
    Spot("12分钟文体圈", "<=", 12, "分钟", "circle", False),
    Spot("15分钟养老服务圈", "<=", 15, "分钟", "circle", False),
    Spot("新改扩建公办幼儿园", ">=", 250, "所", "cumulative", True),
    Spot("新增公办学前教育学位", ">=", 7, "万个", "cumulative", True),
    Spot("新增中小学学位", ">=", 20, "万个", "cumulative", True),
    Spot("公办幼儿园和普惠性民办幼儿园在园幼儿占比", ">=", 80, "%", "level", True),
    Spot("每个区布局特殊教育学校", ">=", 1, "所", "per_unit", True, applies_to="each_district"),
    Spot("适龄儿童免疫规划疫苗报告接种率", ">=", 99.5, "%", "level", True),
    Spot("重大慢性病过早死亡率", "<=", 10.5, "%", "level", False),
    Spot("新增国家级区域医疗中心", "range", 1, "个", "cumulative", True, value_max=2),
    Spot("新增省级区域医疗中心", ">=", 3, "个", "cumulative", True),
    Spot("每千人口病床数", ">=", 8.8, "张", "level", True),
    Spot("三级医院数量", ">=", 70, "家", "level", True),
    Spot("急救站点数量", ">=", 140, "个", "level", True),
    Spot("公共场所配置自动体外除颤器", ">=", 4000, "台", "level", True),
    Spot("孕产妇死亡率", "<=", 9, "/10万", "level", False),
    Spot("婴儿死亡率", "<=", 2.5, "‰", "level", False),
    Spot("人均预期寿命", ">=", 82.4, "岁", "level", True),
    Spot("养老机构医养结合率", ">=", 100, "%", "level", True),
    Spot("养老机构护理型床位占比", ">=", 65, "%", "level", True),
    Spot(
        "各中心城区新建综合性示范性中大型养老中心",
        ">=",
        1,
        "所",
        "per_unit",
        True,
        applies_to="each_central_district",
    ),
    Spot("家庭养老床位", ">=", 3000, "张", "cumulative", True),
    Spot("每千人口拥有3岁以下婴幼儿托位数", ">=", 4.5, "个", "level", True),
    Spot("儿童青少年总体近视率年降幅", ">=", 0.5, "个百分点", "annual_change", False, firmness="strive"),
    Spot("每年举办文化惠民活动", ">=", 1500, "场", "annual", True),
    Spot("每年举办全民健身运动会", ">=", 1, "届", "annual", True, applies_to="city_and_each_district"),
    Spot("每年组织全民健身活动", ">=", 1000, "场次", "annual", True),
    Spot("新增智能感知前端设备", ">=", 2, "万路", "cumulative", True),
    Spot("新建智慧平安小区", ">=", 2000, "个", "cumulative", True),
    Spot("食用农产品质量安全监测总体合格率", ">=", 98, "%", "level", True),
    Spot("食品抽检合格率", ">=", 98, "%", "level", True),
    Spot("每年创建精致片区", ">=", 10, "个", "annual", True),
    Spot("每年打造精致交通示范路口", ">=", 30, "个", "annual", True),
    Spot("基层矛盾纠纷调处化解中心覆盖率", ">=", 80, "%", "level", True),
]


def test_spot_checklist_is_large_enough() -> None:
    assert len(SPOTS) >= 25
    assert len({s.indicator for s in SPOTS}) == len(SPOTS)


@pytest.mark.parametrize("spot", SPOTS, ids=lambda s: s.indicator)
def test_spot_value(spot: Spot) -> None:
    target = target_by_indicator(spot.indicator)
    got = Spot(
        target["indicator"], target["comparator"], target["value"], target["unit"], target["kind"],
        target["higher_is_better"], target["value_max"], target["applies_to"], target["firmness"],
    )  # fmt: skip
    assert got == spot


def test_age_extension_has_baseline_16() -> None:
    target = target_by_indicator("特困救助供养覆盖的未成年人年龄上限")
    assert target["baseline_value"] == 16
    assert [t["code"] for t in targets() if t["baseline_value"] is not None] == [target["code"]]


def test_first_target_is_new_urban_jobs() -> None:
    first = targets()[0]
    assert (first["code"], first["indicator"], first["value_text"]) == (
        "S1-T1-01",
        "城镇新增就业",
        "110万人以上",
    )


def test_lead_units_of_service_circles() -> None:
    assert target_by_indicator("15分钟生活圈")["lead_unit"] == "市自然资源和规划局"
    assert target_by_indicator("中心城区医疗急救圈")["lead_unit"] == "市卫健委"
    assert target_by_indicator("新城区建成区医疗急救圈")["lead_unit"] == "市卫健委"
    assert target_by_indicator("10分钟公共活动圈")["lead_unit"] in {"市园林和林业局", "市自然资源和规划局"}


def test_cultural_sports_circle_catalogued_once_with_goal_note() -> None:
    hits = [t for t in targets() if "文体圈" in t["indicator"]]
    assert len(hits) == 1
    assert hits[0]["code"].startswith("S2-T5-")
    assert "工作目标" in (hits[0]["notes"] or "")


# ---------------------------------------------------------------- counts


def test_total_numeric_target_count() -> None:
    assert len(targets()) == EXPECTED_TARGET_COUNT


def test_target_count_per_task() -> None:
    assert {t["code"]: len(t["targets"]) for t in tasks()} == EXPECTED_TARGETS_PER_TASK
    assert sum(EXPECTED_TARGETS_PER_TASK.values()) == EXPECTED_TARGET_COUNT
