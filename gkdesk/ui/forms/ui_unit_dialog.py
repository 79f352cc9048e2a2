# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'unit_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

class Ui_UnitDialog(object):
    def setupUi(self, UnitDialog):
        if not UnitDialog.objectName():
            UnitDialog.setObjectName(u"UnitDialog")
        UnitDialog.setModal(True)
        self.main_layout = QVBoxLayout(UnitDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.intro_label = QLabel(UnitDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.main_layout.addWidget(self.intro_label)

        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.code_label = QLabel(UnitDialog)
        self.code_label.setObjectName(u"code_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.code_label)

        self.code_edit = QLineEdit(UnitDialog)
        self.code_edit.setObjectName(u"code_edit")
        self.code_edit.setMaxLength(20)

        self.form_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.code_edit)

        self.name_label = QLabel(UnitDialog)
        self.name_label.setObjectName(u"name_label")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.name_label)

        self.name_edit = QLineEdit(UnitDialog)
        self.name_edit.setObjectName(u"name_edit")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.name_edit)


        self.main_layout.addLayout(self.form_layout)

        self.error_label = QLabel(UnitDialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)

        self.main_layout.addWidget(self.error_label)

        self.button_box = QDialogButtonBox(UnitDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.main_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.code_label.setBuddy(self.code_edit)
        self.name_label.setBuddy(self.name_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(UnitDialog)
    # setupUi

    def retranslateUi(self, UnitDialog):
        UnitDialog.setWindowTitle(QCoreApplication.translate("UnitDialog", u"\u5355\u4f4d", None))
        self.intro_label.setText("")
        self.code_label.setText(QCoreApplication.translate("UnitDialog", u"\u533a\u5212\u4ee3\u7801(&D)\uff1a", None))
        self.name_label.setText(QCoreApplication.translate("UnitDialog", u"\u5355\u4f4d\u540d\u79f0(&N)\uff1a", None))
        self.error_label.setText("")
    # retranslateUi

