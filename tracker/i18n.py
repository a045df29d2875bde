"""UI strings in Chinese (the default) and English, shared by pages and documents.

Each Chinese term has one English name used everywhere (CONVENTIONS.md 9).
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("乡村振兴目标监测", "Rural Revitalisation Target Tracker"),
    "app.subtitle": ("“十四五”时期（2021—2025年）目标终期评估", "14th Five-Year Plan (2021-2025) final assessment"),
    "lang.label": ("语言 / Language", "语言 / Language"),
    "filter.header": ("地区与年份", "Area and year"),
    "filter.province": ("省", "Province"),
    "filter.city": ("市", "City"),
    "filter.county": ("县（市、区）", "County"),
    "filter.all": ("（全部）", "(all)"),
    "filter.year": ("年份", "Year"),
    "first_run.title": ("首次启动：正在建立演示数据库（约一分钟）……", "First start: building the demo store (about a minute)..."),
    "first_run.done": ("数据库已建立", "Store built"),
    "first_run.step.reference geography": ("载入区划与边界", "loading divisions and outlines"),
    "first_run.step.generating": ("生成两省各村、各县的演示报表", "writing the demo returns of both provinces"),
    "first_run.step.loading": ("按正式流程导入报表", "loading the returns as real ones are loaded"),
    "first_run.step.done": ("完成", "done"),
    "demo.badge": ("演示数据", "Demo data"),
    "demo.help": ("当前显示的是按公开数据校准的合成演示数据，不是各县实际报送的数据。导入真实报表请用“数据管理”。",
                  "The data shown is synthetic demo data calibrated to published figures, not what counties "
                  "reported. Load real returns on the Data management page."),
    # pages
    "page.region.title": ("地区概况", "Area overview"),
    "page.region.description": (
        "所选地区的行政区划：县（市、区）边界地图，以及各县乡镇、村委会、居委会数量。",
        "The administrative map of the selected area: county outlines, and each county's "
        "townships, village committees and residents' committees.",
    ),
    "region.metric.cities": ("地级市", "Cities"),
    "region.metric.counties": ("县级单位", "County-level units"),
    "region.metric.townships": ("乡镇（街道）", "Townships"),
    "region.metric.village_committees": ("村委会（行政村）", "Village committees"),
    "region.metric.residents_committees": ("居委会（社区）", "Residents' committees"),
    "region.map.title_counties": ("县（市、区）分布", "Counties"),
    "region.map.title_townships": ("乡镇（街道）分布", "Townships"),
    "region.map.legend": (
        "颜色表示村委会数量（五分位，由浅到深）：{breaks}。",
        "Shading: village committees (quintiles, light to dark): {breaks}.",
    ),
    "region.map.points": ("橙点为乡镇（街道）位置。", "Orange dots: townships."),
    "region.map.synthetic": (
        "乡镇与村的位置为按区划代码在县界内生成的示意位置，非实测坐标。",
        "Township and village positions are synthetic, placed inside the county outline from "
        "their codes; they are not surveyed coordinates.",
    ),
    "region.map.fallback": (
        "{names} 为开发区等功能区，无独立边界，其乡镇和村落在所属地级市范围内示意。",
        "{names}: development zones with no outline of their own; their townships and villages "
        "are placed within the city outline.",
    ),
    "region.table.title_counties": ("各县（市、区）", "Counties"),
    "region.table.title_townships": ("各乡镇（街道）", "Townships"),
    "col.code": ("区划代码", "Code"),
    "col.name": ("名称", "Name"),
    "col.kind": ("类型", "Type"),
    "col.parent_name": ("所属", "Part of"),
    "col.townships": ("乡镇（街道）数", "Townships"),
    "col.village_committees": ("村委会数", "Village committees"),
    "col.residents_committees": ("居委会数", "Residents' committees"),
    "col.other_units": ("其他村级单位", "Other village-level units"),
    "kind.district": ("市辖区", "district"),
    "kind.county": ("县", "county"),
    "kind.county_city": ("县级市", "county-level city"),
    "kind.development_zone": ("开发区（功能区）", "development zone"),
    "kind.subdistrict": ("街道", "subdistrict"),
    "kind.town": ("镇", "town"),
    "kind.township": ("乡", "township"),
    "kind.other": ("其他", "other"),
    "kind.village_committee": ("村委会", "village committee"),
    "kind.residents_committee": ("居委会", "residents' committee"),
    "page.catalogue.title": ("指标目录", "Target catalogue"),
    "page.catalogue.description": (
        "五份政策文件设定的每一项量化目标：规则、评估对象、期限，以及出处原文（高亮）。",
        "Every quantitative target the five policy documents set: its rule, population, deadline, "
        "and the sentence it comes from (highlighted).",
    ),
    "catalogue.broken": ("指标目录（indicators.yaml）有 {n} 处问题，系统未启动：",
                         "The catalogue (indicators.yaml) has {n} problem(s); the app will not start:"),
    "catalogue.metric.targets": ("目标", "Targets"),
    "catalogue.metric.documents": ("政策文件", "Documents"),
    "catalogue.metric.measures": ("统计指标", "Measures"),
    "catalogue.metric.groups": ("对象名单", "Groups"),
    "catalogue.group_by": ("分组", "Group by"),
    "catalogue.by.document": ("按文件", "Document"),
    "catalogue.by.theme": ("按主题", "Theme"),
    "catalogue.plan": ("规划期", "Plan period"),
    "catalogue.all_plans": ("全部", "All"),
    "catalogue.search": ("查找目标（名称或编号）", "Find a target (name or id)"),
    "catalogue.method": ("评估方法：每个目标如何判定达标与进度", "How targets are assessed: met, missed and progress"),
    "assessment.stale": ("指标目录已更改，正在按新目录重新评估……", "The catalogue changed: recomputing the assessment …"),
    "assessment.done": ("评估已按当前指标目录更新", "Assessment brought up to date with the catalogue"),
    "catalogue.none": ("没有符合条件的目标。", "No target matches."),
    "catalogue.col.name": ("目标", "Target"),
    "catalogue.col.rule": ("规则", "Rule"),
    "catalogue.col.population": ("评估对象", "Population"),
    "catalogue.col.years": ("基期 → 期限", "Base → deadline"),
    "catalogue.col.clause": ("条款", "Clause"),
    "catalogue.every_year": ("（逐年评估）", " (assessed each year)"),
    "catalogue.measure": ("统计指标", "Measure"),
    "catalogue.interpretation": ("口径说明", "Interpretation"),
    "catalogue.source": ("出处", "Source"),
    "catalogue.example": ("示例（非文件目标）", "example (not from a document)"),
    "catalogue.examples": ("示例：“十五五”目标", "Example: a 15th-plan target"),
    "page.data.title": ("数据管理", "Data management"),
    "page.data.description": (
        "上传各县报送的 Excel/CSV 报表，发布前先看检查结果；查看历次导入批次和未导入的行；下载填报模板。",
        "Upload the counties' Excel/CSV returns and read the check before publishing; see past batches "
        "and the rows they did not load; download the return form.",
    ),
    "data.tab.upload": ("上传与发布", "Upload and publish"),
    "data.tab.history": ("导入批次", "Batches"),
    "data.tab.template": ("填报模板", "Return form"),
    "data.limits": ("支持 CSV（UTF-8 或 GBK）和 Excel（.xlsx）；单个文件不超过 {mb} MB、{rows:,} 行。可一次选多个文件，一起发布。",
                    "CSV (UTF-8 or GBK) and Excel (.xlsx); at most {mb} MB and {rows:,} rows a file. "
                    "Several files can be published together."),
    "data.files": ("选择报表文件", "Choose return files"),
    "data.only_area": ("只接受 {area} 的数据（其他地区的行拒收）", "Accept only rows of {area} (reject the others)"),
    "data.check": ("检查（不发布）", "Check (do not publish)"),
    "data.publish": ("发布", "Publish"),
    "data.publishing": ("正在导入并发布……", "Loading and publishing..."),
    "data.published": ("已发布", "Published"),
    "data.batch": ("，批次 {n}", ", batch {n}"),
    "data.status.checked": ("检查完成，尚未发布", "checked, not published"),
    "data.status.loaded": ("已导入", "loaded"),
    "data.status.unchanged": ("未变化", "unchanged"),
    "data.status.refused": ("整份拒收", "refused"),
    "data.count.rows_read": ("读取行数", "Rows read"),
    "data.count.values_loaded": ("导入数值", "Values loaded"),
    "data.count.values_rejected": ("拒收数值", "Values rejected"),
    "data.count.blank_cells": ("空格（缺报）", "Blank cells (missing)"),
    "data.count.rows_skipped": ("跳过的空行和备注", "Blank and note rows skipped"),
    "data.by_reason": ("拒收原因：", "Rejected by reason: "),
    "data.download_rejects": ("下载拒收的行（Excel）", "Download the rejected rows (Excel)"),
    "data.no_batches": ("还没有导入过报表。", "No return has been loaded yet."),
    "data.pick_batch": ("查看批次", "Batch"),
    "data.batch_rejects": ("该批次有 {n} 处未导入。", "{n} rows or cells of this batch were not loaded."),
    "data.template_help": (
        "填报模板为 {area} 预填了各单位的区划代码和名称：村级、乡镇、县市级各一张表，另有对象名单表和指标说明表。"
        "区划代码列为文本格式；每个指标列都有取值校验；空格表示无数据（不是 0）。",
        "The form is prefilled with the codes and names of the units of {area}: one sheet each for villages, "
        "townships and counties, a group-list sheet and a sheet explaining each measure. Code columns are text; "
        "every measure column validates its values; a blank cell means no data (not 0).",
    ),
    "data.download_template": ("下载填报模板（Excel）", "Download the return form (Excel)"),
    "data.sources": ("数据来源查询", "Where a number came from"),
    "data.source_code": ("输入区划代码，查看该地区每个数值来自哪个文件的哪一行",
                         "A region code: every value recorded for it, with its file and row"),
    "data.no_sources": ("{code} 没有导入过数据。", "No value has been loaded for {code}."),
    "data.col.measure_id": ("指标", "Measure"),
    "data.col.year": ("年份", "Year"),
    "data.col.value": ("数值", "Value"),
    "data.col.column_name": ("列", "Column"),
    "data.col.is_current": ("当前值", "Current"),
    "data.col.sheet": ("工作表", "Sheet"),
    "data.col.row_number": ("行", "Row"),
    "data.col.column": ("列", "Column"),
    "data.col.raw_value": ("原值", "Value sent"),
    "data.col.reason_code": ("原因代码", "Reason code"),
    "data.col.reason": ("原因", "Reason"),
    "data.col.batch_id": ("批次", "Batch"),
    "data.col.source_name": ("文件", "File"),
    "data.col.loaded_at": ("导入时间（UTC）", "Loaded at (UTC)"),
    "data.col.kind": ("内容", "Contents"),
    "data.col.rows_read": ("读取行数", "Rows read"),
    "data.col.rows_loaded": ("导入行数", "Rows loaded"),
    "data.col.rows_rejected": ("有拒收的行", "Rows with rejections"),
    "data.col.values_loaded": ("导入数值", "Values loaded"),
    "data.col.values_rejected": ("拒收数值", "Values rejected"),
    "data.col.sha256": ("SHA-256", "SHA-256"),
    "empty.no_units": ("所选地区没有下级单位。", "The selected area has no units below it."),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for `key` in `lang`, with {placeholders} filled; KeyError for unknown keys."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
