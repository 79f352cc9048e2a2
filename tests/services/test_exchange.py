"""USB packages between a real township installation and a real county installation.

Each office is its own data directory and SQLite file; the test carries the package file
from one to the other as a clerk carries a stick.
"""

from __future__ import annotations

import errno
import json
import os
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import office, snapshot  # noqa: E402  (shared two-office helpers)

from gkdesk.domain.errors import FieldError, IntegrityError
from gkdesk.paths import DataLayout

TOWNSHIP = "220188100000"
COUNTY = "220188000000"
VILLAGE = "220188100201"


def export_up(township: Path, stick: Path):
    with office(township) as t:
        return t.exchange.export_upward(stick)


def test_round_trip_township_to_county(offices, gengdi_workbook):
    county, township, stick = offices
    result = export_up(township, stick)
    assert result.path.exists() and result.path.parent == stick
    assert result.outbox_copy.exists() and result.path.name.startswith(f"{TOWNSHIP}_0001_")
    assert result.counts["roster_entry"] == 30 and result.counts["posting"] >= 1
    with zipfile.ZipFile(result.path) as z:
        readable = z.read("data/roster_entry.jsonl").decode()
    with office(township) as t:
        people = t.rosters.entries(t.rosters.list_rosters()[0].id, 0, 100)
    for person in people:
        assert person.id_number not in readable  # sealed to the county, never readable

    with office(county) as c:
        fingerprint = c.exchange.public_keys().fingerprint
        c.rosters.programs()  # the county's own built-in programmes
        catalogs_before = c.store.database.execute_sql("SELECT count(*) FROM catalog").fetchone()[0]
        programs_before = c.store.database.execute_sql(
            "SELECT count(*) FROM subsidy_program"
        ).fetchone()[0]
        before = snapshot(county)
        with pytest.raises(IntegrityError) as info:
            c.exchange.inspect(result.path)
        assert info.value.check == "unknown_key" and info.value.fingerprint in str(info.value)
        assert snapshot(county) == before
        plan = c.exchange.inspect(result.path, trust_fingerprint=info.value.fingerprint)
        assert plan.totals()["new"] >= 32 and not plan.applied
        assert plan.by_table["roster_entry"]["new"] == 30
        assert snapshot(county) == before  # the dry run changed nothing
        applied = c.exchange.apply(result.path, trust_fingerprint=info.value.fingerprint)
        assert applied.applied and applied.by_table == plan.by_table
        assert fingerprint  # the county's own key is unaffected
        rows = c.store.database.execute_sql(
            "SELECT e.id_number FROM roster_entry e JOIN roster r ON r.id = e.roster_id "
            "JOIN org_unit u ON u.id = r.unit_id WHERE u.code = ?",
            (VILLAGE,),
        ).fetchall()
        assert sorted(r[0] for r in rows) == sorted(p.id_number for p in people)
        posting = c.store.database.execute_sql(
            "SELECT p.title, a.sha256 FROM posting p JOIN posting_attachment a ON a.posting_id = p.id"
        ).fetchone()
        assert "耕地地力保护补贴" in posting[0]
        assert (c.store.layout.attachments / posting[1][:2] / posting[1]).exists()
        db = c.store.database
        # Built-in directories and programmes both offices installed are matched, not copied.
        assert db.execute_sql("SELECT count(*) FROM catalog").fetchone()[0] == catalogs_before
        assert (
            db.execute_sql("SELECT count(*) FROM subsidy_program").fetchone()[0] == programs_before
        )
        unlinked = db.execute_sql(
            "SELECT count(*) FROM posting WHERE origin = ? AND kind != 'roster' AND item_id IS NULL",
            (TOWNSHIP,),
        ).fetchone()[0]
        assert unlinked == 0  # the township's postings count in the county's matrix
        status = {s.code: s for s in c.exchange.county_view()}[TOWNSHIP]
        assert status.last_seq == 1 and status.key_registered and status.missing_seqs == ()

        again = snapshot(county)
        repeat = c.exchange.apply(result.path)
        assert repeat.already_imported and "已导入过" in repeat.summary()
        assert snapshot(county) == again


def test_second_package_carries_only_changes_and_gaps_are_shown(offices):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(township) as t:
        posting = next(p for p in t.postings.list() if p.status == "draft")
        t.postings.update(
            posting.id, replace(t.postings.get(posting.id).draft(), title="关于更正后的公示")
        )
        second = t.exchange.export_upward(stick)
        t.postings.withdraw(posting.id, "重新公示")
        third = t.exchange.export_upward(stick)
    assert second.counts["posting"] == 1 and second.counts["roster_entry"] == 0
    with office(county) as c:
        try:
            c.exchange.apply(first.path)
        except IntegrityError as exc:
            c.exchange.apply(first.path, trust_fingerprint=exc.fingerprint)
        plan = c.exchange.apply(third.path)
        assert plan.missing_seqs == [2] and "缺第2号包" in plan.summary()
        assert {s.code: s for s in c.exchange.county_view()}[TOWNSHIP].missing_seqs == (2,)
        late = c.exchange.apply(second.path)
        assert late.missing_seqs == []
        # The withdrawal (newer) is kept; the older edit arriving late does not undo it.
        status = c.store.database.execute_sql(
            "SELECT status, title FROM posting WHERE uuid = ?", (posting.uuid,)
        ).fetchone()
        assert status[0] == "withdrawn"


def trust_and_apply(c, path):
    try:
        return c.exchange.apply(path)
    except IntegrityError as exc:
        if getattr(exc, "check", "") != "unknown_key":
            raise
        return c.exchange.apply(path, trust_fingerprint=exc.fingerprint)


def test_record_changed_on_both_sides_becomes_a_conflict(offices):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        trust_and_apply(c, first.path)
        uuid = c.store.database.execute_sql(
            "SELECT uuid FROM posting WHERE status = 'draft' AND origin = ? LIMIT 1", (TOWNSHIP,)
        ).fetchone()[0]
        c.store.database.execute_sql(
            "UPDATE posting SET title = '县里改过的标题', version = version + 1 WHERE uuid = ?",
            (uuid,),
        )
    with office(township) as t:
        row = next(p for p in t.postings.list() if p.uuid == uuid)
        assert row.status == "draft"
        t.postings.update(row.id, replace(t.postings.get(row.id).draft(), title="乡镇改过的标题"))
        second = t.exchange.export_upward(stick)
    with office(county) as c:
        plan = c.exchange.apply(second.path)
        assert plan.totals()["conflicts"] == 1
        title = c.store.database.execute_sql(
            "SELECT title FROM posting WHERE uuid = ?", (uuid,)
        ).fetchone()[0]
        assert title == "县里改过的标题"  # never silently overwritten
        waiting = [f for f in c.exchange.feedback("out") if f.outcome == "held"]
        assert [f.record_uuid for f in waiting] == [uuid]  # the receipt tells the township
        (conflict,) = c.exchange.conflicts()
        c.exchange.resolve_conflict(conflict.id, "incoming")
        title = c.store.database.execute_sql(
            "SELECT title FROM posting WHERE uuid = ?", (uuid,)
        ).fetchone()[0]
        assert title == "乡镇改过的标题" and c.exchange.conflicts() == []


def test_receipt_and_downward_directories_reach_the_township(offices):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        trust_and_apply(c, first.path)
        c.exchange.trust_key_file(stick / "township.gkkey")
        uuid = c.store.database.execute_sql(
            "SELECT uuid FROM posting WHERE kind = 'roster'"
        ).fetchone()[0]
        c.exchange.request_return(uuid, "公示期应为7个工作日")
        c.calendar.set_day(date(2027, 2, 6), False, "春节")
        down = c.exchange.export_downward(stick, TOWNSHIP)
    with office(township) as t:
        plan = t.exchange.apply(down.path)
        assert plan.applied
        feedback = t.exchange.feedback()
        outcomes = {f.outcome for f in feedback}
        assert {"return", "accepted"} <= outcomes
        returned = next(f for f in feedback if f.outcome == "return")
        assert returned.comment == "公示期应为7个工作日" and returned.record_uuid == uuid
        assert any(e.name == "春节" for e in t.calendar.entries(2027))


def test_package_for_another_county_is_refused(offices, tmp_path):
    from gkdesk.services.setup import SetupRequest

    county, township, stick = offices
    result = export_up(township, stick)
    other = tmp_path / "other"
    with office(other) as o:
        o.setup.initialise(SetupRequest(level="county", code="220199000000", name="别的县"))
        before = snapshot(other)
        with pytest.raises(IntegrityError) as info:
            o.exchange.apply(result.path)
        assert info.value.details.get("check") == "recipient"
        assert "220199000000" in str(info.value) or "别的县" in str(info.value)
    assert snapshot(other) == before


def test_signature_by_another_key_for_a_registered_unit_is_refused(
    offices, tmp_path, gengdi_workbook
):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        trust_and_apply(c, first.path)
    # A second installation claiming to be the same township, with its own keys.
    impostor = tmp_path / "impostor"
    with office(impostor) as i:
        i.setup.load_demo("township", content=False)
        i.exchange.trust_key_file(stick / "county.gkkey")
        forged = i.exchange.export_upward(tmp_path)
    with office(county) as c:
        before = snapshot(county)
        with pytest.raises(IntegrityError) as info:
            c.exchange.apply(forged.path)
        assert "不一致" in str(info.value) and info.value.details["check"] == "signature"
        assert snapshot(county) == before


def test_crash_between_two_tables_leaves_the_county_unchanged(offices):
    county, township, stick = offices
    result = export_up(township, stick)
    from gkdesk.db.store import open_store
    from gkdesk.services.exchange import ExchangeService

    def fault(stage):
        if stage == "after_roster":
            raise RuntimeError("simulated power cut")

    with office(county) as c:
        try:
            c.exchange.inspect(result.path)
        except IntegrityError as exc:
            fingerprint = exc.fingerprint
        before = snapshot(county)
    store = open_store(DataLayout(county))
    try:
        with pytest.raises(RuntimeError):
            ExchangeService(store, fault=fault).apply(result.path, trust_fingerprint=fingerprint)
    finally:
        store.close()
    assert snapshot(county) == before
    with office(county) as c:
        assert c.exchange.apply(result.path, trust_fingerprint=fingerprint).applied


def test_batch_import_of_a_stick(offices):
    county, township, stick = offices
    export_up(township, stick)
    with office(township) as t:
        posting = next(p for p in t.postings.list() if p.status == "draft")
        t.postings.withdraw(posting.id, "重复")
        t.exchange.export_upward(stick)
    (stick / "notes.txt").write_text("not a package")
    (stick / "broken.gkpkg").write_bytes(b"PK\x03\x04 truncated")
    with office(county) as c:
        c.exchange.trust_key_file(stick / "township.gkkey")
        results = c.exchange.import_folder(stick)
    names = [p.name for p, _plan, _text in results]
    assert names == sorted(names) and len(results) == 3
    broken = next(text for p, plan, text in results if p.name == "broken.gkpkg")
    assert "broken.gkpkg" in broken and "损坏" in broken
    applied = [plan for _p, plan, _t in results if plan is not None]
    assert [p.seq for p in applied] == [1, 2] and all(p.applied for p in applied)


# -- bad input and attacks: each refused with the check named, the county database unchanged --


def rewrite(source: Path, target: Path, replace_entries=None, add=None, drop=()):
    """A copy of a package zip with entries replaced, added or dropped."""
    replace_entries = replace_entries or {}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = replace_entries.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


@pytest.fixture
def registered(offices):
    """The township's first package, imported at the county (so its key is registered)."""
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        trust_and_apply(c, first.path)
    with office(township) as t:
        posting = next(p for p in t.postings.list() if p.status == "draft")
        t.postings.withdraw(posting.id, "重新公示")
        second = t.exchange.export_upward(stick)
        keys = t.exchange.own_keys()
    return county, second.path, keys


def refused(county: Path, path: Path, check: str) -> str:
    before = snapshot(county)
    with office(county) as c, pytest.raises(IntegrityError) as info:
        c.exchange.apply(path)
    assert snapshot(county) == before
    found = getattr(info.value, "check", None) or info.value.details.get("check")
    assert found == check, str(info.value)
    assert path.name in str(info.value) or check in ("size", "file")
    return str(info.value)


def test_tampered_data_file(registered, tmp_path):
    county, package, _keys = registered
    with zipfile.ZipFile(package) as z:
        data = z.read("data/posting.jsonl").replace("重新公示".encode(), "已经撤销".encode())
    bad = rewrite(package, tmp_path / "tampered.gkpkg", {"data/posting.jsonl": data})
    refused(county, bad, "hash")


def test_tampered_manifest(registered, tmp_path):
    county, package, _keys = registered
    with zipfile.ZipFile(package) as z:
        manifest = z.read("manifest.json").replace(b'"seq":2', b'"seq":9')
    assert b'"seq":9' in manifest or b'"seq": 9' in manifest or manifest
    manifest = manifest.replace(b'"seq": 2', b'"seq": 9')
    bad = rewrite(package, tmp_path / "manifest.gkpkg", {"manifest.json": manifest})
    refused(county, bad, "signature")


def test_newer_format_version_is_refused_even_when_signed(registered, tmp_path):
    import json

    from gkdesk.sync.keys import sign

    county, package, keys = registered
    with zipfile.ZipFile(package) as z:
        manifest = json.loads(z.read("manifest.json"))
    manifest["format_version"] = 99
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
    bad = rewrite(
        package,
        tmp_path / "newer.gkpkg",
        {"manifest.json": body, "manifest.sig": sign(keys.sign_private, body)},
    )
    message = refused(county, bad, "format_version")
    assert "升级" in message


def test_truncated_package(registered, tmp_path):
    county, package, _keys = registered
    bad = tmp_path / "half.gkpkg"
    bad.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    message = refused(county, bad, "zip")
    assert "不完整" in message or "损坏" in message


def test_zip_slip_path(registered, tmp_path):
    county, package, _keys = registered
    bad = rewrite(package, tmp_path / "slip.gkpkg", add={"../../evil.txt": b"x"})
    refused(county, bad, "path")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb(registered, tmp_path):
    county, package, _keys = registered
    bad = tmp_path / "bomb.gkpkg"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            if info.filename != "data/catalog.jsonl":
                dst.writestr(info.filename, src.read(info.filename), zipfile.ZIP_DEFLATED)
        bomb = zipfile.ZipInfo("data/catalog.jsonl")
        bomb.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(bomb, "w", force_zip64=True) as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                entry.write(chunk)
    refused(county, bad, "bomb")


def test_two_gigabyte_file_is_refused_without_reading(registered, tmp_path):
    county, _package, _keys = registered
    big = tmp_path / "huge.gkpkg"
    with open(big, "wb") as f:
        f.truncate(2 * 1024**3 + 1)
    message = refused(county, big, "size")
    assert "huge.gkpkg" in message


def test_directory_instead_of_a_file(registered, tmp_path):
    county, _package, _keys = registered
    folder = tmp_path / "folder.gkpkg"
    folder.mkdir()
    refused(county, folder, "file")


def test_stick_pulled_during_export_leaves_no_package_on_it(offices, monkeypatch):
    import gkdesk.services.exchange as exchange_module

    county, township, stick = offices
    real_replace = os.replace

    def pulled(src, dst, *args, **kwargs):
        if Path(dst).parent == stick:
            raise OSError(errno.EIO, "device removed")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(exchange_module.os, "replace", pulled)
    with office(township) as t:
        with pytest.raises(FieldError) as info:
            t.exchange.export_upward(stick)
        outbox = t.store.layout.outbox
    assert "outbox" in str(info.value) or str(outbox) in str(info.value)
    assert list(stick.glob("*.gkpkg")) == [] and list(stick.glob("*.part")) == []
    (kept,) = list(outbox.glob("*.gkpkg"))  # the clerk copies it again from here
    monkeypatch.undo()
    with office(county) as c:
        assert trust_and_apply(c, kept).applied


def test_record_whose_posting_has_not_arrived_is_held_then_applied(offices):
    from gkdesk.services.postings import ObjectionInput, Review

    county, township, stick = offices
    with office(township) as t:
        reviewer = t.accounts.add_person("李书记审核", "reviewer")
        draft = next(p for p in t.postings.list() if p.status == "draft")
        t.postings.submit(draft.id)
        t.postings.review(draft.id, Review(reviewer_id=reviewer.id, secrecy_checked=True))
        posted = t.postings.post(draft.id, note="电子屏")
        first = t.exchange.export_upward(stick)
        t.postings.add_objection(posted.id, ObjectionInput("张三", t.postings.today(), "有误"))
        second = t.exchange.export_upward(stick)
    assert second.counts["posting_objection"] == 1
    with office(county) as c:
        c.exchange.trust_key_file(stick / "township.gkkey")
        # The second package arrives first: its objection's posting is not here yet.
        early = c.exchange.apply(second.path)
        assert early.totals()["held"] >= 1 and early.missing_seqs == [1]
        township_objections = "SELECT raised_by FROM posting_objection WHERE origin = ?"
        assert c.store.database.execute_sql(township_objections, (TOWNSHIP,)).fetchall() == []
        c.exchange.apply(first.path)
        held = c.store.database.execute_sql("SELECT count(*) FROM sync_held").fetchone()[0]
        objections = c.store.database.execute_sql(township_objections, (TOWNSHIP,)).fetchall()
        assert held == 0 and ("张三",) in objections


def test_downward_package_neither_copies_templates_nor_clashes_on_calendar_days(offices):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        c.rosters.programs()  # the county's own built-in programmes
        trust_and_apply(c, first.path)
        c.exchange.trust_key_file(stick / "township.gkkey")
        c.calendar.set_year_known(2027, True, "国办发明电")
        c.calendar.set_day(date(2027, 2, 6), False, "春节")
        c.store.database.execute_sql(
            "UPDATE subsidy_program SET notice_days = 9, version = version + 1 WHERE code = 'gengdi'"
        )
        down = c.exchange.export_downward(stick, TOWNSHIP)
    with office(township) as t:
        t.calendar.set_year_known(2027, True, "本地先补录")
        t.calendar.set_day(date(2027, 2, 6), True, "误录为上班")
        catalogs = t.store.database.execute_sql("SELECT count(*) FROM catalog").fetchone()[0]
        plan = t.exchange.apply(down.path)
        assert plan.applied
        assert (
            t.store.database.execute_sql("SELECT count(*) FROM catalog").fetchone()[0] == catalogs
        )
        (day,) = [e for e in t.calendar.entries(2027) if e.day == date(2027, 2, 6)]
        assert not day.is_workday and day.name == "春节"  # the county's schedule wins
        assert t.rosters.program("gengdi").notice_days == 9


def test_a_township_cannot_change_other_units_rows(offices, tmp_path):
    county, township, stick = offices
    with office(township) as t:
        # Rename the county and a sibling township locally, as if to push it upward.
        t.store.database.execute_sql(
            "UPDATE org_unit SET name = '被改名的县', version = version + 1, origin = ? WHERE code = ?",
            (TOWNSHIP, COUNTY),
        )
        first = t.exchange.export_upward(stick)
    with office(county) as c:
        plan = trust_and_apply(c, first.path)
        name = c.store.database.execute_sql(
            "SELECT name FROM org_unit WHERE code = ?", (COUNTY,)
        ).fetchone()[0]
        assert name == "青原县"
        assert plan.totals()["rejected"] == 0 or any(r[0] == "org_unit" for r in plan.rejected)


def test_a_townships_own_directory_arrives_as_a_tree(offices):
    from gkdesk.domain.catalog import ItemFields

    county, township, stick = offices
    with office(township) as t:
        catalog = t.catalogs.create_catalog("青山镇自定义目录", "village")
        top = t.catalogs.add_item(catalog.id, None, ItemFields(title="镇级事务"))
        middle = t.catalogs.add_item(catalog.id, top.id, ItemFields(title="人居环境整治"))
        t.catalogs.add_item(catalog.id, middle.id, ItemFields(title="垃圾清运情况"))
        first = t.exchange.export_upward(stick)
    with office(county) as c:
        trust_and_apply(c, first.path)
        rows = c.store.database.execute_sql(
            "SELECT i.title, p.title FROM catalog_item i JOIN catalog k ON k.id = i.catalog_id "
            "LEFT JOIN catalog_item p ON p.id = i.parent_id WHERE k.name = '青山镇自定义目录' "
            "ORDER BY i.id"
        ).fetchall()
    assert rows == [
        ("镇级事务", None),
        ("人居环境整治", "镇级事务"),
        ("垃圾清运情况", "人居环境整治"),
    ]


def test_a_conflict_is_not_resolved_with_stale_data(offices):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        trust_and_apply(c, first.path)
        uuid = c.store.database.execute_sql(
            "SELECT uuid FROM posting WHERE status = 'draft' AND origin = ? LIMIT 1", (TOWNSHIP,)
        ).fetchone()[0]
        c.store.database.execute_sql(
            "UPDATE posting SET title = '县里第一次改', version = version + 1 WHERE uuid = ?",
            (uuid,),
        )
    with office(township) as t:
        row = next(p for p in t.postings.list() if p.uuid == uuid)
        t.postings.update(row.id, replace(t.postings.get(row.id).draft(), title="乡镇改一"))
        second = t.exchange.export_upward(stick)
        t.postings.update(row.id, replace(t.postings.get(row.id).draft(), title="乡镇改二"))
        third = t.exchange.export_upward(stick)
    with office(county) as c:
        c.exchange.apply(second.path)
        c.exchange.apply(third.path)
        (open_conflict,) = c.exchange.conflicts()  # the older one was superseded
        assert json.loads(open_conflict.incoming)["title"] == "乡镇改二"
        c.store.database.execute_sql(
            "UPDATE posting SET title = '县里第二次改', version = version + 1 WHERE uuid = ?",
            (uuid,),
        )
        with pytest.raises(FieldError, match="又被修改过"):
            c.exchange.resolve_conflict(open_conflict.id, "incoming")
        c.exchange.resolve_conflict(open_conflict.id, "local")
        title = c.store.database.execute_sql(
            "SELECT title FROM posting WHERE uuid = ?", (uuid,)
        ).fetchone()[0]
        assert title == "县里第二次改" and c.exchange.conflicts() == []


def test_an_unfinished_package_left_by_a_crash_is_cleared_at_the_next_export(offices):
    import os
    import time

    _county, township, stick = offices
    with office(township) as t:
        outbox = t.store.layout.outbox
        outbox.mkdir(parents=True, exist_ok=True)
        old = outbox / "220188100000_0009_20261125.gkpkg.part"
        fresh = outbox / "220188100000_0010_20261126.gkpkg.part"
        for path in (old, fresh):
            path.write_bytes(b"PK\x03\x04 half a package")
        two_hours_ago = time.time() - 2 * 3600
        os.utime(old, (two_hours_ago, two_hours_ago))
        t.exchange.export_upward(stick)
        assert not old.exists()
        assert fresh.exists()  # another export might still be writing it
