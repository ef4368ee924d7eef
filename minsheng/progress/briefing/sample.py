"""An example 通报 (illustrative figures) for tests, the demo and for looking at the layout."""

from __future__ import annotations

from datetime import date

from minsheng.progress.domain.types import Status

from .charts import status_bar_chart, system_status_chart
from .data import BriefingData, Chart, NamedUnit, SystemHighlights, TargetRow

S = Status

SYSTEM_COUNTS: tuple[tuple[str, dict[Status, int]], ...] = (
    ("就业", {S.ACHIEVED: 3, S.ON_TRACK: 4, S.NEEDS_ACCELERATION: 1}),
    ("教育", {S.ACHIEVED: 2, S.ON_TRACK: 5, S.LIMITED: 1}),
    ("卫生健康", {S.ACHIEVED: 3, S.ON_TRACK: 4, S.DETERIORATION: 1, S.NOT_ASSESSABLE: 1}),
    ("养老服务", {S.ON_TRACK: 3, S.NEEDS_ACCELERATION: 2}),
    ("住房保障", {S.ACHIEVED: 1, S.ON_TRACK: 2, S.LIMITED: 1}),
)


def sample_briefing_data(*, charts: bool = True) -> BriefingData:
    """A complete 通报 for 2024年第三季度 with every part filled (figures are illustrative)."""
    counts: dict[Status, int] = {}
    for _, by_status in SYSTEM_COUNTS:
        for status, n in by_status.items():
            counts[status] = counts.get(status, 0) + n
    chart_list: tuple[Chart, ...] = ()
    if charts:
        chart_list = (
            Chart(caption="全市目标进展情况（按状态）", png=status_bar_chart(counts)),
            Chart(caption="各领域目标进展情况", png=system_status_chart(SYSTEM_COUNTS)),
        )
    return BriefingData(
        issuer="武汉市保障和改善民生工作领导小组办公室",
        doc_number="武民生办〔2024〕3号",
        issued_on=date(2024, 10, 15),
        period_label="2024年第三季度",
        as_of=date(2024, 9, 30),
        status_counts=counts,
        highlights=(
            SystemHighlights(
                system="就业",
                sentences=(
                    "前三季度全市城镇新增就业23.6万人，完成年度目标的98.3%。",
                    "城镇调查失业率保持在5.5%以内。",
                ),
            ),
            SystemHighlights(
                system="教育",
                sentences=("新改扩建中小学校32所，新增学位4.1万个。", "学前教育普惠率达到91.2%。"),
            ),
            SystemHighlights(
                system="卫生健康",
                sentences=("每千人口执业（助理）医师数达到4.3人。",),
            ),
        ),
        targets=(
            TargetRow(
                code="JY-01",
                indicator="城镇新增就业",
                target="不低于110万人（2021—2025年累计）",
                latest="119.01万人",
                status=S.ACHIEVED,
                owner="市人社局",
            ),
            TargetRow(
                code="JY-02",
                indicator="城镇登记失业率",
                target="控制在5%以内",
                latest="2.61%",
                status=S.ACHIEVED,
                owner="市人社局",
            ),
            TargetRow(
                code="JK-01",
                indicator="人均预期寿命",
                target="不低于82.4岁",
                latest="80.5岁",
                status=S.NEEDS_ACCELERATION,
                owner="市卫健委",
            ),
            TargetRow(
                code="JY-05",
                indicator="每年举办文化惠民活动",
                target="每年不低于1500场",
                latest="1380场",
                status=S.NEEDS_ACCELERATION,
                owner="市文旅局",
            ),
            TargetRow(
                code="JK-07",
                indicator="儿童青少年总体近视率",
                target="每年降低0.5个百分点以上",
                latest="53.2%",
                status=S.LIMITED,
                owner="市教育局",
            ),
            TargetRow(
                code="YL-03",
                indicator="养老机构护理型床位占比",
                target="不低于60%",
                latest="48.7%",
                status=S.DETERIORATION,
                owner="市民政局",
            ),
        ),
        charts=chart_list,
        praised=(
            NamedUnit(unit="江岸区", reason="8项目标全部达标或进展顺利，按时报送率100%"),
            NamedUnit(unit="市人社局", reason="城镇新增就业提前完成规划期目标"),
        ),
        lagging=(
            NamedUnit(unit="某区", reason="2项目标进展有限，连续两个季度滞后于序时进度"),
            NamedUnit(unit="某局", reason="三季度数据逾期未报，督办事项逾期未办结1项"),
        ),
        requirements=(
            "各牵头单位要对照年度目标逐项梳理，对需加快和进展有限的目标制定赶超措施，确保年底前完成。",
            "各区、各部门要严格按照时限报送进展数据，确保数据真实、准确、完整。",
        ),
        cc="市委办公厅，市人大常委会办公厅，市政府办公厅，市政协办公厅。",
    )


__all__ = ["SYSTEM_COUNTS", "sample_briefing_data"]
