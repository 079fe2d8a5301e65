"""The statistics table as an .xlsx workbook (openpyxl): one sheet of the groups and their
total, with the period, the definitions of the rates and when it was made."""

from __future__ import annotations

import io
from datetime import datetime

from backend.cases.statistics import GroupBy, RankedUnit, Statistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GROUP_HEADERS = {
    GroupBy.UNIT: "承办单位",
    GroupBy.CHANNEL: "来源渠道",
    GroupBy.KIND: "事项类型",
    GroupBy.MONTH: "受理月份",
}

COLUMNS = (
    "受理数",
    "不予受理",
    "办结数",
    "办结率(%)",
    "按期办结数",
    "按期办结率(%)",
    "平均办理时长(小时)",
    "满意",
    "基本满意",
    "不满意",
    "满意率(%)",
    "转办件数",
    "按时签收",
    "响应率(%)",
    "解决率(%)",
    "逾期未办结",
)

DEFINITIONS = (
    "统计口径：统计时段内受理的事项（已合并的不计），办理情况截至导出时。",
    "办结率 = 办结数 ÷（受理数 − 不予受理）；按期办结率 = 按期办结数 ÷ 办结数。",
    "响应率 = 在签收时限内签收的转办件 ÷ 转办件；解决率 = 未评“不满意”的办结件 ÷ 办结件；"
    "满意率 =（满意 + 基本满意）÷ 已评价件。",
)


def statistics_xlsx(
    stats: Statistics,
    *,
    county: str,
    made_at: datetime,
    ranking: list[RankedUnit] | None = None,
) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "办理情况统计"
    period = f"{stats.start.isoformat()} 至 {stats.end.isoformat()}"
    title = f"{county}群众诉求办理情况统计表（{period}）"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"导出时间：{made_at.strftime('%Y-%m-%d %H:%M')}"])
    header = [GROUP_HEADERS[stats.group_by], *COLUMNS]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for g in [*stats.groups, stats.total]:
        label = "合计" if g is stats.total else stats.label(g.key)
        sheet.append(
            [
                label,
                g.received,
                g.out_of_scope,
                g.closed,
                g.closing_rate,
                g.closed_on_time,
                g.on_time_rate,
                g.average_handling_hours,
                g.satisfied,
                g.basically_satisfied,
                g.dissatisfied,
                g.satisfaction_rate,
                g.dispatched,
                g.signed_in_time,
                g.response_rate,
                g.resolution_rate,
                g.overdue_open,
            ]
        )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.append([])
    for line in DEFINITIONS:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 24
    sheet.freeze_panes = "B4"
    if ranking is not None:
        ranks = book.create_sheet("单位排名")
        ranks.append(
            ["排名", "承办单位", "综合得分", "响应率(%)", "解决率(%)", "满意率(%)", "受理数"]
        )
        for r in ranking:
            f = r.figures
            rates = [f.response_rate, f.resolution_rate, f.satisfaction_rate]
            ranks.append([r.rank, r.name, r.score, *rates, f.received])
        ranks.column_dimensions["B"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
