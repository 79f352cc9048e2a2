# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'catalog_import_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QListWidget, QRadioButton, QTabWidget, QTableWidget, QVBoxLayout, QWidget

class Ui_CatalogImportDialog(object):
    def setupUi(self, CatalogImportDialog):
        if not CatalogImportDialog.objectName():
            CatalogImportDialog.setObjectName(u"CatalogImportDialog")
        CatalogImportDialog.setModal(True)
        self.main_layout = QVBoxLayout(CatalogImportDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.file_label = QLabel(CatalogImportDialog)
        self.file_label.setObjectName(u"file_label")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.file_label)

        self.summary_label = QLabel(CatalogImportDialog)
        self.summary_label.setObjectName(u"summary_label")
        self.summary_label.setWordWrap(True)

        self.main_layout.addWidget(self.summary_label)

        self.target_group = QGroupBox(CatalogImportDialog)
        self.target_group.setObjectName(u"target_group")
        self.target_layout = QGridLayout(self.target_group)
        self.target_layout.setObjectName(u"target_layout")
        self.into_current_radio = QRadioButton(self.target_group)
        self.into_current_radio.setObjectName(u"into_current_radio")
        self.into_current_radio.setChecked(True)

        self.target_layout.addWidget(self.into_current_radio, 0, 0, 1, 3)

        self.new_catalog_radio = QRadioButton(self.target_group)
        self.new_catalog_radio.setObjectName(u"new_catalog_radio")

        self.target_layout.addWidget(self.new_catalog_radio, 1, 0, 1, 1)

        self.new_name_edit = QLineEdit(self.target_group)
        self.new_name_edit.setObjectName(u"new_name_edit")

        self.target_layout.addWidget(self.new_name_edit, 1, 1, 1, 1)

        self.kind_combo = QComboBox(self.target_group)
        self.kind_combo.setObjectName(u"kind_combo")

        self.target_layout.addWidget(self.kind_combo, 1, 2, 1, 1)


        self.main_layout.addWidget(self.target_group)

        self.result_tabs = QTabWidget(CatalogImportDialog)
        self.result_tabs.setObjectName(u"result_tabs")
        self.changes_tab = QWidget()
        self.changes_tab.setObjectName(u"changes_tab")
        self.changes_layout = QVBoxLayout(self.changes_tab)
        self.changes_layout.setObjectName(u"changes_layout")
        self.changes_table = QTableWidget(self.changes_tab)
        self.changes_table.setObjectName(u"changes_table")

        self.changes_layout.addWidget(self.changes_table)

        self.result_tabs.addTab(self.changes_tab, "")
        self.rejected_tab = QWidget()
        self.rejected_tab.setObjectName(u"rejected_tab")
        self.rejected_layout = QVBoxLayout(self.rejected_tab)
        self.rejected_layout.setObjectName(u"rejected_layout")
        self.rejected_table = QTableWidget(self.rejected_tab)
        self.rejected_table.setObjectName(u"rejected_table")

        self.rejected_layout.addWidget(self.rejected_table)

        self.result_tabs.addTab(self.rejected_tab, "")
        self.missing_tab = QWidget()
        self.missing_tab.setObjectName(u"missing_tab")
        self.missing_layout = QVBoxLayout(self.missing_tab)
        self.missing_layout.setObjectName(u"missing_layout")
        self.missing_list = QListWidget(self.missing_tab)
        self.missing_list.setObjectName(u"missing_list")

        self.missing_layout.addWidget(self.missing_list)

        self.result_tabs.addTab(self.missing_tab, "")

        self.main_layout.addWidget(self.result_tabs)

        self.error_label = QLabel(CatalogImportDialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)

        self.main_layout.addWidget(self.error_label)

        self.button_box = QDialogButtonBox(CatalogImportDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.main_layout.addWidget(self.button_box)


        self.retranslateUi(CatalogImportDialog)
    # setupUi

    def retranslateUi(self, CatalogImportDialog):
        CatalogImportDialog.setWindowTitle(QCoreApplication.translate("CatalogImportDialog", u"\u4ece Excel \u5bfc\u5165\u516c\u5f00\u76ee\u5f55\uff08\u9884\u89c8\uff09", None))
        self.file_label.setText("")
        self.summary_label.setText("")
        self.target_group.setTitle(QCoreApplication.translate("CatalogImportDialog", u"\u5bfc\u5165\u5230", None))
        self.into_current_radio.setText(QCoreApplication.translate("CatalogImportDialog", u"\u5f53\u524d\u76ee\u5f55", None))
        self.new_catalog_radio.setText(QCoreApplication.translate("CatalogImportDialog", u"\u65b0\u5efa\u76ee\u5f55\uff0c\u540d\u79f0\uff1a", None))
        self.result_tabs.setTabText(self.result_tabs.indexOf(self.changes_tab), QCoreApplication.translate("CatalogImportDialog", u"\u5c06\u5bfc\u5165\u7684\u4e8b\u9879", None))
        self.result_tabs.setTabText(self.result_tabs.indexOf(self.rejected_tab), QCoreApplication.translate("CatalogImportDialog", u"\u62d2\u6536\u7684\u884c", None))
        self.result_tabs.setTabText(self.result_tabs.indexOf(self.missing_tab), QCoreApplication.translate("CatalogImportDialog", u"\u6587\u4ef6\u4e2d\u6ca1\u6709\u7684\u4e8b\u9879", None))
        self.error_label.setText("")
    # retranslateUi

