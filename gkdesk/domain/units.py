"""Organisational units as values: the home unit and the reach of its subtree."""

from __future__ import annotations

from dataclasses import dataclass

LEVEL_LABELS = {
    "county": "县级",
    "township": "乡镇",
    "village": "村",
    "community": "社区",
}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent_code: str | None = None
    closed: bool = False

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def display(self) -> str:
        return f"{self.name}（{self.code}）"


def subtree_prefix(code: str, level: str) -> str:
    """The code prefix shared by a unit and everything under it.

    统计用区划代码 nests by position (2+2+2 county, 3 township, 3 village), so a subtree is a
    prefix match and needs no recursive query.
    """
    if level == "county":
        return code[:6]
    if level == "township":
        return code[:9]
    return code
