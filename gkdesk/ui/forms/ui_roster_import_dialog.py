# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'roster_import_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QVBoxLayout

class Ui_RosterImportDialog(object):
    def setupUi(self, RosterImportDialog):
        if not RosterImportDialog.objectName():
            RosterImportDialog.setObjectName(u"RosterImportDialog")
        RosterImportDialog.setModal(True)
        self.main_layout = QVBoxLayout(RosterImportDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.file_label = QLabel(RosterImportDialog)
        self.file_label.setObjectName(u"file_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.file_label)

        self.file_layout = QHBoxLayout()
        self.file_layout.setObjectName(u"file_layout")
        self.file_edit = QLineEdit(RosterImportDialog)
        self.file_edit.setObjectName(u"file_edit")
        self.file_edit.setReadOnly(True)

        self.file_layout.addWidget(self.file_edit)

        self.browse_button = QPushButton(RosterImportDialog)
        self.browse_button.setObjectName(u"browse_button")

        self.file_layout.addWidget(self.browse_button)


        self.form_layout.setLayout(0, QFormLayout.ItemRole.FieldRole, self.file_layout)

        self.program_label = QLabel(RosterImportDialog)
        self.program_label.setObjectName(u"program_label")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.program_label)

        self.program_combo = QComboBox(RosterImportDialog)
        self.program_combo.setObjectName(u"program_combo")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.program_combo)

        self.unit_label = QLabel(RosterImportDialog)
        self.unit_label.setObjectName(u"unit_label")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.unit_label)

        self.unit_combo = QComboBox(RosterImportDialog)
        self.unit_combo.setObjectName(u"unit_combo")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.unit_combo)

        self.period_label = QLabel(RosterImportDialog)
        self.period_label.setObjectName(u"period_label")

        self.form_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.period_label)

        self.period_edit = QLineEdit(RosterImportDialog)
        self.period_edit.setObjectName(u"period_edit")

        self.form_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.period_edit)

        self.sheet_label = QLabel(RosterImportDialog)
        self.sheet_label.setObjectName(u"sheet_label")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.sheet_label)

        self.sheet_combo = QComboBox(RosterImportDialog)
        self.sheet_combo.setObjectName(u"sheet_combo")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.sheet_combo)


        self.main_layout.addLayout(self.form_layout)

        self.mapping_group = QGroupBox(RosterImportDialog)
        self.mapping_group.setObjectName(u"mapping_group")
        self.mapping_layout = QVBoxLayout(self.mapping_group)
        self.mapping_layout.setObjectName(u"mapping_layout")
        self.mapping_table = QTableWidget(self.mapping_group)
        self.mapping_table.setObjectName(u"mapping_table")

        self.mapping_layout.addWidget(self.mapping_table)


        self.main_layout.addWidget(self.mapping_group)

        self.preview_group = QGroupBox(RosterImportDialog)
        self.preview_group.setObjectName(u"preview_group")
        self.preview_layout = QVBoxLayout(self.preview_group)
        self.preview_layout.setObjectName(u"preview_layout")
        self.preview_table = QTableWidget(self.preview_group)
        self.preview_table.setObjectName(u"preview_table")

        self.preview_layout.addWidget(self.preview_table)


        self.main_layout.addWidget(self.preview_group)

        self.status_label = QLabel(RosterImportDialog)
        self.status_label.setObjectName(u"status_label")
        self.status_label.setWordWrap(True)

        self.main_layout.addWidget(self.status_label)

        self.bottom_layout = QHBoxLayout()
        self.bottom_layout.setObjectName(u"bottom_layout")
        self.replace_check = QCheckBox(RosterImportDialog)
        self.replace_check.setObjectName(u"replace_check")

        self.bottom_layout.addWidget(self.replace_check)

        self.check_button = QPushButton(RosterImportDialog)
        self.check_button.setObjectName(u"check_button")

        self.bottom_layout.addWidget(self.check_button)

        self.button_box = QDialogButtonBox(RosterImportDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.bottom_layout.addWidget(self.button_box)


        self.main_layout.addLayout(self.bottom_layout)

#if QT_CONFIG(shortcut)
        self.program_label.setBuddy(self.program_combo)
        self.unit_label.setBuddy(self.unit_combo)
        self.period_label.setBuddy(self.period_edit)
        self.sheet_label.setBuddy(self.sheet_combo)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(RosterImportDialog)
    # setupUi

    def retranslateUi(self, RosterImportDialog):
        RosterImportDialog.setWindowTitle(QCoreApplication.translate("RosterImportDialog", u"\u5bfc\u5165\u8865\u8d34\u540d\u5355", None))
        self.file_label.setText(QCoreApplication.translate("RosterImportDialog", u"\u6587\u4ef6\uff1a", None))
        self.browse_button.setText(QCoreApplication.translate("RosterImportDialog", u"\u9009\u62e9\u6587\u4ef6(&F)\u2026", None))
        self.program_label.setText(QCoreApplication.translate("RosterImportDialog", u"\u8865\u8d34\u9879\u76ee(&P)\uff1a", None))
        self.unit_label.setText(QCoreApplication.translate("RosterImportDialog", u"\u6751\uff08\u793e\u533a\uff09(&U)\uff1a", None))
        self.period_label.setText(QCoreApplication.translate("RosterImportDialog", u"\u671f\u6b21(&Q)\uff1a", None))
        self.period_edit.setPlaceholderText(QCoreApplication.translate("RosterImportDialog", u"\u4f8b\u5982 2025 \u6216 2025-03", None))
        self.sheet_label.setText(QCoreApplication.translate("RosterImportDialog", u"\u5de5\u4f5c\u8868(&S)\uff1a", None))
        self.mapping_group.setTitle(QCoreApplication.translate("RosterImportDialog", u"\u5217\u7684\u5bf9\u5e94\u5173\u7cfb\uff08\u5df2\u6309\u8868\u5934\u81ea\u52a8\u8bc6\u522b\uff0c\u53ef\u4fee\u6539\uff1b\u4f1a\u4e3a\u8be5\u9879\u76ee\u8bb0\u4f4f\uff09", None))
        self.preview_group.setTitle(QCoreApplication.translate("RosterImportDialog", u"\u6587\u4ef6\u5185\u5bb9\u9884\u89c8\uff08\u524d10\u884c\uff09", None))
        self.status_label.setText("")
        self.replace_check.setText(QCoreApplication.translate("RosterImportDialog", u"\u66ff\u6362\u8be5\u6751\u8be5\u671f\u5df2\u5bfc\u5165\u7684\u540d\u5355", None))
        self.check_button.setText(QCoreApplication.translate("RosterImportDialog", u"\u91cd\u65b0\u68c0\u67e5(&C)", None))
    # retranslateUi

