"""How an audit event's summary reads for a clerk: Chinese field names, one line or many."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Field names of arguments and results as a clerk reads them on the 操作记录 page.
KEY_LABELS = {
    "name": "名称",
    "code": "区划代码",
    "unit_code": "单位代码",
    "parent_code": "上级代码",
    "level": "级别",
    "title": "标题",
    "body": "正文",
    "status": "状态",
    "kind": "类别",
    "period": "期间",
    "period_label": "期间",
    "path": "文件",
    "source": "文件",
    "target": "文件",
    "target_dir": "文件夹",
    "out_dir": "文件夹",
    "folder": "文件夹",
    "reason": "原因",
    "note": "说明",
    "comment": "意见",
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "id": "编号",
    "posting_id": "公示编号",
    "roster_id": "名单编号",
    "program_id": "补贴项目编号",
    "catalog_id": "目录编号",
    "item_id": "事项编号",
    "person_id": "人员编号",
    "entry_id": "记录编号",
    "entry_count": "户数",
    "total_amount_fen": "金额（分）",
    "amount_fen": "金额（分）",
    "unit_name": "单位",
    "program_name": "补贴项目",
    "content": "含示例内容",
    "closed": "已撤并",
    "profile": "渠道",
    "seq": "序号",
    "day": "日期",
    "is_workday": "上班",
    "admin": "管理员账号",
    "request": "设置内容",
    "draft": "公示内容",
    "review": "审核",
    "values": "修改内容",
    "fields": "事项内容",
}


def key_label(key: str) -> str:
    return KEY_LABELS.get(key, key)


def _flat(value: Any) -> str:
    if isinstance(value, Mapping):
        return "（" + "，".join(f"{key_label(str(k))}={_flat(v)}" for k, v in value.items()) + "）"
    if isinstance(value, list):
        return "、".join(_flat(v) for v in value)
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "" if value is None else str(value)


def describe(summary: Mapping) -> str:
    """One line for the audit page: ``key：value；…``, nested values in brackets."""
    parts = []
    for k, v in summary.items():
        text = _flat(v)
        if isinstance(v, Mapping):
            text = text[1:-1]  # the top level needs no brackets
        parts.append(f"{key_label(str(k))}：{text}")
    return "；".join(parts)
