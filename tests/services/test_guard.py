"""Roles are checked in the service layer: every service, called as each wrong role, refuses."""

from __future__ import annotations

import inspect
from dataclasses import replace

import pytest
from conftest import TEST_PASSWORD, TEST_USER, first_admin, snapshot

from gkdesk.services.accounts import PermissionDenied, Person
from gkdesk.services.container import FACTORIES, Services
from gkdesk.services.guard import POLICY
from gkdesk.services.postings import Review

ROLES = ("admin", "reviewer", "clerk", "viewer")


def public_methods(service) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(type(service), inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.fixture
def installed(services):
    services.setup.load_demo("township", content=True, admin=first_admin())
    return services


def as_role(services, role: str) -> Services:
    person = Person(900 + ROLES.index(role), f"{role}-user", f"{role}测试", role)
    return Services(services.store, person=person)


def test_every_public_method_of_every_service_has_a_rule(installed):
    for name in FACTORIES:
        methods = public_methods(installed.raw(name))
        rules = set(POLICY[name])
        assert methods - rules == set(), f"{name}: methods without a rule"
        assert rules - methods == set(), f"{name}: rules for methods that do not exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_service_refuses_each_wrong_role_before_touching_anything(installed, role):
    services = as_role(installed, role)
    root = installed.store.layout.root
    before = snapshot(root)
    refused = 0
    for name, rules in POLICY.items():
        for method, rule in rules.items():
            if role in rule.roles:
                continue
            with pytest.raises(PermissionDenied) as caught:
                getattr(getattr(services, name), method)()
            assert f"{role}测试" in caught.value.message
            refused += 1
    assert snapshot(root) == before
    # Each role is refused something, except the 管理员 (who is refused only the trail's pen).
    assert refused >= (1 if role == "admin" else 5)


def test_a_method_without_a_rule_is_refused(installed, monkeypatch):
    from gkdesk.services import guard

    monkeypatch.setitem(
        guard.POLICY, "units", {k: v for k, v in POLICY["units"].items() if k != "tree"}
    )
    services = Services(installed.store)
    with pytest.raises(PermissionDenied, match="未登记权限"):
        services.units.tree()


def test_clerk_enters_reviewer_reviews_viewer_reads(installed):
    accounts = installed.accounts
    accounts.add_account("zhang", "张会计", "clerk", "Zhang-2026-pw")
    li = accounts.add_account("li", "李书记", "reviewer", "Li-2026-pass")
    accounts.add_account("wang", "王查看", "viewer", "Wang-2026-pw")
    store = installed.store
    clerk = Services(store, "zhang")
    reviewer = Services(store, "li")
    viewer = Services(store, "wang")

    unit = clerk.overview.home_unit()
    choices = clerk.postings.choices()
    draft = clerk.postings.draft_for_item(unit.code, choices.items_by_unit[unit.code][0])
    posting = clerk.postings.create(
        replace(draft, title="关于2026年低保对象的公示", body="公示内容")
    )
    with pytest.raises(PermissionDenied, match="审核公示"):
        clerk.postings.review(posting.id, Review(li.id, secrecy_checked=True, comment="同意"))
    with pytest.raises(PermissionDenied, match="新建公示"):
        reviewer.postings.create(draft)
    with pytest.raises(PermissionDenied):
        viewer.postings.submit(posting.id)
    clerk.postings.submit(posting.id)
    approved = reviewer.postings.review(
        posting.id, Review(li.id, secrecy_checked=True, comment="同意")
    )
    assert approved.status_label == "已审核"
    assert [p.id for p in viewer.postings.list() if p.id == posting.id] == [posting.id]
    with pytest.raises(PermissionDenied, match="新建账号"):
        clerk.accounts.add_account("x1", "某人", "viewer", "Some-2026-pw")
    events = installed.audit.events(limit=3)
    assert [(e.username, e.action) for e in events[:2]] == [
        ("li", "审核公示"),
        ("zhang", "提交审核"),
    ]
    assert TEST_PASSWORD not in str([e.summary for e in installed.audit.events()])


def test_whole_personal_numbers_only_for_roles_that_need_them_and_each_view_recorded(
    installed, gengdi_workbook
):
    rosters = installed.rosters
    program = rosters.program("gengdi")
    info = rosters.import_roster(gengdi_workbook(3), program.id, "220188100201", "2025")
    whole = rosters.entries(info.id, 0, 10)[0]
    assert len(whole.id_number) == 18 and "*" not in whole.id_number

    viewer = as_role(installed, "viewer")
    seen = viewer.rosters.entries(info.id, 0, 10)[0]
    assert seen.name == whole.name and seen.amount_fen == whole.amount_fen
    assert seen.id_number != whole.id_number and "*" in seen.id_number
    assert "*" in seen.account and seen.account[-4:] == whole.account[-4:]
    with pytest.raises(PermissionDenied, match="查看未脱敏名单"):
        viewer.rosters.profile_columns(program, "internal")
    assert viewer.rosters.profile_columns(program, "board")  # the public channel is fine

    clerk = as_role(installed, "clerk")
    before = installed.audit.count(action="查看未脱敏名单")
    clerk.rosters.profile_columns(program, "board")
    assert installed.audit.count(action="查看未脱敏名单") == before
    clerk.rosters.profile_columns(program, "internal")
    viewed = installed.audit.events(action="查看未脱敏名单")
    assert len(viewed) == before + 1 and viewed[0].username == "clerk-user"


def test_long_work_records_its_start_and_how_it_ended(installed, gengdi_workbook):
    from gkdesk.services.rosters import RosterRejected

    rosters = installed.rosters
    program = rosters.program("gengdi")

    def spoil(ws):
        ws["C4"] = "2201021980010112"  # 16 digits

    with pytest.raises(RosterRejected):
        rosters.import_roster(gengdi_workbook(3, edit=spoil), program.id, "220188100201", "2025")
    failed, started = installed.audit.events(limit=2)
    assert started.action == "开始：导入补贴名单" and started.username == TEST_USER
    assert failed.action == "未完成：导入补贴名单" and "原因" in failed.summary["结果"]

    rosters.import_roster(gengdi_workbook(3), program.id, "220188100201", "2025")
    done, started = installed.audit.events(limit=2)
    assert (started.action, done.action) == ("开始：导入补贴名单", "导入补贴名单")
    assert done.summary["结果"]["entry_count"] == 3
