"""The 公开目录 page driven through its widgets over a real demo database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from gkdesk.db.models import CatalogItemRow
from gkdesk.domain.catalog import STATUS_OVERDUE
from gkdesk.ui.pages.catalog_page import CatalogPage
from gkdesk.ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot, demo_services, prompts):
    tasks = TaskRunner()
    widget = CatalogPage(demo_services, tasks, prompts)
    qtbot.addWidget(widget)
    widget.show()
    widget.activate()
    yield widget
    tasks.shutdown()


def tree_titles(tab):
    model = tab.tree.model()
    out = []

    def walk(parent, depth):
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            out.append("  " * depth + index.data())
            walk(index, depth + 1)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex(), 0)
    return out


def install_village(page):
    tab = page.items_tab
    (action,) = [a for a in tab.new_menu.actions() if "村务公开目录（模板）" in a.text()]
    action.trigger()
    return tab


def test_empty_state_explains_what_to_do(page):
    tab = page.items_tab
    assert "还没有公开目录" in tab.empty_label.text()
    assert not tab.add_root_button.isEnabled() and not tab.export_button.isEnabled()


def test_install_template_fills_the_tree(page):
    tab = install_village(page)
    titles = tree_titles(tab)
    assert titles[0] == "党务" and "村务" in titles and "财务" in titles
    assert tab.catalog_combo.count() == 1 and "村务公开目录" in tab.catalog_combo.currentText()


def test_edit_an_item_in_the_form_and_undo(qtbot, page, demo_services):
    tab = install_village(page)
    first_leaf = next(i for i in demo_services.catalogs.items(tab.catalog_id) if not i.has_children)
    tab.select_item(first_leaf.id)
    assert tab.form.ui.title_edit.text() == first_leaf.title
    tab.form.ui.subject_edit.setText("青山村村民委员会")
    tab.form.channel_boxes["政府网站"].setChecked(True)
    qtbot.mouseClick(tab.form.ui.save_button, Qt.MouseButton.LeftButton)
    saved = demo_services.catalogs.item(first_leaf.id)
    assert saved.fields.subject == "青山村村民委员会" and "政府网站" in saved.fields.channels
    assert tab.undo_button.text().startswith("撤销：修改")
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert demo_services.catalogs.item(first_leaf.id).fields == first_leaf.fields


def test_bad_edit_is_refused_with_message(qtbot, page, demo_services, prompts):
    tab = install_village(page)
    leaf = next(i for i in demo_services.catalogs.items(tab.catalog_id) if not i.has_children)
    tab.select_item(leaf.id)
    tab.form.ui.title_edit.setText("   ")
    qtbot.mouseClick(tab.form.ui.save_button, Qt.MouseButton.LeftButton)
    assert "不能为空" in tab.form.ui.error_label.text()
    assert demo_services.catalogs.item(leaf.id).title == leaf.title


def test_add_child_delete_and_undo(qtbot, page, demo_services, prompts):
    tab = install_village(page)
    root = demo_services.catalogs.items(tab.catalog_id)[0]
    tab.select_item(root.id)
    prompts.texts_to_enter.append("党员发展情况")
    qtbot.mouseClick(tab.add_child_button, Qt.MouseButton.LeftButton)
    assert "  党员发展情况" in tree_titles(tab)
    added = CatalogItemRow.get(CatalogItemRow.title == "党员发展情况")
    tab.select_item(added.id)
    prompts.confirm_answers.append(True)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "  党员发展情况" not in tree_titles(tab)
    qtbot.keyClick(tab, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "  党员发展情况" in tree_titles(tab)


def test_drop_on_an_item_reparents_it(page, demo_services):
    tab = install_village(page)
    items = demo_services.catalogs.items(tab.catalog_id)
    roots = [i for i in items if i.depth == 0]
    leaf = next(i for i in items if i.parent_id == roots[0].id)
    source = tab.tree.index_of(leaf.id)
    target = tab.tree.index_of(roots[2].id)
    parent_id, position = tab.tree.drop_target(
        source, target, QAbstractItemView.DropIndicatorPosition.OnItem
    )
    assert parent_id == roots[2].id
    tab.tree.move_requested.emit(leaf.id, parent_id, position)
    assert demo_services.catalogs.item(leaf.id).parent_id == roots[2].id
    assert tab.tree.current_item_id() == leaf.id


def test_drop_into_own_child_is_refused(page, demo_services, prompts):
    tab = install_village(page)
    items = demo_services.catalogs.items(tab.catalog_id)
    root = items[0]
    child = next(i for i in items if i.parent_id == root.id)
    tab.tree.move_requested.emit(root.id, child.id, 0)
    assert any("循环" in text for text in prompts.texts("warning"))
    assert demo_services.catalogs.item(root.id).parent_id is None


def test_search_selects_matches(qtbot, page, demo_services):
    tab = install_village(page)
    qtbot.keyClicks(tab.search_edit, "ldbz")  # no match in ASCII
    assert tab.search_label.text() == "没有找到"
    tab.search_edit.clear()
    tab.search_edit.setText("低保")
    assert tab.search_label.text().startswith("找到")
    assert (
        "低保"
        in demo_services.catalogs.item(tab.tree.current_item_id()).fields.title
        + demo_services.catalogs.item(tab.tree.current_item_id()).fields.content
    )


def test_assign_and_see_the_ledger(qtbot, page, demo_services):
    install_village(page)
    page.tabs.setCurrentWidget(page.assignments_tab)
    tab = page.assignments_tab
    tab.target_combo.setCurrentIndex(tab.target_combo.findData("level:village"))
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.list.count() == 1 and "所有村" in tab.list.item(0).text()
    page.tabs.setCurrentWidget(page.ledger_tab)
    ledger_tab = page.ledger_tab
    qtbot.waitUntil(
        lambda: ledger_tab.model.ledger is not None and ledger_tab.model.rowCount() > 0,
        timeout=5000,
    )
    assert ledger_tab.model.rowCount() == 4  # the four villages of 青山镇
    assert STATUS_OVERDUE in ledger_tab.summary_label.text()


def test_units_tab_add_village(qtbot, page, demo_services, prompts):
    page.tabs.setCurrentWidget(page.units_tab)
    tab = page.units_tab
    assert tab.tree.topLevelItem(0).text(0) == "青山镇"
    assert tab.tree.topLevelItem(0).childCount() == 5

    def fake_ask(title, intro, submit, **kwargs):
        return submit("220188100205", "新华村")

    tab._ask_unit = fake_ask
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.current_code() == "220188100205"
    assert tab.tree.topLevelItem(0).childCount() == 6
    prompts.confirm_answers.append(True)
    qtbot.mouseClick(tab.close_button, Qt.MouseButton.LeftButton)
    assert "已撤销" in tab.tree.currentItem().text(3)
    assert tab.reopen_button.isEnabled()
