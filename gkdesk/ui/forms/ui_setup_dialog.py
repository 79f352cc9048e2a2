# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QRadioButton, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_SetupDialog(object):
    def setupUi(self, SetupDialog):
        if not SetupDialog.objectName():
            SetupDialog.setObjectName(u"SetupDialog")
        SetupDialog.setModal(True)
        self.main_layout = QVBoxLayout(SetupDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.intro_label = QLabel(SetupDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.main_layout.addWidget(self.intro_label)

        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.level_label = QLabel(SetupDialog)
        self.level_label.setObjectName(u"level_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.level_label)

        self.level_layout = QHBoxLayout()
        self.level_layout.setObjectName(u"level_layout")
        self.township_radio = QRadioButton(SetupDialog)
        self.township_radio.setObjectName(u"township_radio")
        self.township_radio.setChecked(True)

        self.level_layout.addWidget(self.township_radio)

        self.county_radio = QRadioButton(SetupDialog)
        self.county_radio.setObjectName(u"county_radio")

        self.level_layout.addWidget(self.county_radio)

        self.level_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.level_layout.addItem(self.level_spacer)


        self.form_layout.setLayout(0, QFormLayout.ItemRole.FieldRole, self.level_layout)

        self.code_label = QLabel(SetupDialog)
        self.code_label.setObjectName(u"code_label")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.code_label)

        self.code_edit = QLineEdit(SetupDialog)
        self.code_edit.setObjectName(u"code_edit")
        self.code_edit.setMaxLength(20)

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.code_edit)

        self.name_label = QLabel(SetupDialog)
        self.name_label.setObjectName(u"name_label")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.name_label)

        self.name_edit = QLineEdit(SetupDialog)
        self.name_edit.setObjectName(u"name_edit")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.name_edit)

        self.parent_code_label = QLabel(SetupDialog)
        self.parent_code_label.setObjectName(u"parent_code_label")

        self.form_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.parent_code_label)

        self.parent_code_edit = QLineEdit(SetupDialog)
        self.parent_code_edit.setObjectName(u"parent_code_edit")
        self.parent_code_edit.setMaxLength(20)

        self.form_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.parent_code_edit)

        self.parent_name_label = QLabel(SetupDialog)
        self.parent_name_label.setObjectName(u"parent_name_label")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.parent_name_label)

        self.parent_name_edit = QLineEdit(SetupDialog)
        self.parent_name_edit.setObjectName(u"parent_name_edit")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.parent_name_edit)


        self.main_layout.addLayout(self.form_layout)

        self.demo_check = QCheckBox(SetupDialog)
        self.demo_check.setObjectName(u"demo_check")

        self.main_layout.addWidget(self.demo_check)

        self.demo_hint_label = QLabel(SetupDialog)
        self.demo_hint_label.setObjectName(u"demo_hint_label")
        self.demo_hint_label.setWordWrap(True)

        self.main_layout.addWidget(self.demo_hint_label)

        self.error_label = QLabel(SetupDialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)

        self.main_layout.addWidget(self.error_label)

        self.button_box = QDialogButtonBox(SetupDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.main_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.code_label.setBuddy(self.code_edit)
        self.name_label.setBuddy(self.name_edit)
        self.parent_code_label.setBuddy(self.parent_code_edit)
        self.parent_name_label.setBuddy(self.parent_name_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.township_radio, self.county_radio)
        QWidget.setTabOrder(self.county_radio, self.code_edit)
        QWidget.setTabOrder(self.code_edit, self.name_edit)
        QWidget.setTabOrder(self.name_edit, self.parent_code_edit)
        QWidget.setTabOrder(self.parent_code_edit, self.parent_name_edit)
        QWidget.setTabOrder(self.parent_name_edit, self.demo_check)

        self.retranslateUi(SetupDialog)
    # setupUi

    def retranslateUi(self, SetupDialog):
        SetupDialog.setWindowTitle(QCoreApplication.translate("SetupDialog", u"\u521d\u59cb\u8bbe\u7f6e - \u57fa\u5c42\u516c\u5f00\u5de5\u4f5c\u53f0", None))
        self.intro_label.setText(QCoreApplication.translate("SetupDialog", u"\u6b22\u8fce\u4f7f\u7528\u57fa\u5c42\u516c\u5f00\u5de5\u4f5c\u53f0\u3002\u8bf7\u5148\u8bbe\u7f6e\u672c\u5b89\u88c5\u6240\u5c5e\u7684\u5355\u4f4d\uff08\u672c\u5355\u4f4d\uff09\u3002\u672c\u5355\u4f4d\u53ca\u5176\u4e0b\u8f96\u7684\u6751\uff08\u793e\u533a\uff09\u7684\u516c\u5f00\u5de5\u4f5c\u90fd\u5728\u672c\u673a\u7ba1\u7406\u3002", None))
        self.level_label.setText(QCoreApplication.translate("SetupDialog", u"\u5355\u4f4d\u7ea7\u522b\uff1a", None))
        self.township_radio.setText(QCoreApplication.translate("SetupDialog", u"\u4e61\u9547(&T)", None))
        self.county_radio.setText(QCoreApplication.translate("SetupDialog", u"\u53bf\u7ea7(&C)", None))
        self.code_label.setText(QCoreApplication.translate("SetupDialog", u"\u533a\u5212\u4ee3\u7801(&D)\uff1a", None))
        self.code_edit.setPlaceholderText(QCoreApplication.translate("SetupDialog", u"12\u4f4d\u7edf\u8ba1\u7528\u533a\u5212\u4ee3\u7801\uff0c\u4f8b\u5982 220188100000", None))
        self.name_label.setText(QCoreApplication.translate("SetupDialog", u"\u5355\u4f4d\u540d\u79f0(&N)\uff1a", None))
        self.name_edit.setPlaceholderText(QCoreApplication.translate("SetupDialog", u"\u4f8b\u5982 \u9752\u5c71\u9547", None))
        self.parent_code_label.setText(QCoreApplication.translate("SetupDialog", u"\u4e0a\u7ea7\u53bf\u533a\u5212\u4ee3\u7801(&P)\uff1a", None))
        self.parent_code_edit.setPlaceholderText(QCoreApplication.translate("SetupDialog", u"\u6240\u5c5e\u53bf\uff08\u5e02\u3001\u533a\uff09\u768412\u4f4d\u4ee3\u7801\uff0c\u4f8b\u5982 220188000000", None))
        self.parent_name_label.setText(QCoreApplication.translate("SetupDialog", u"\u4e0a\u7ea7\u53bf\u540d\u79f0\uff1a", None))
        self.parent_name_edit.setPlaceholderText(QCoreApplication.translate("SetupDialog", u"\u53ef\u4e0d\u586b\uff0c\u4f8b\u5982 \u9752\u539f\u53bf", None))
        self.demo_check.setText(QCoreApplication.translate("SetupDialog", u"\u8f7d\u5165\u6f14\u793a\u6570\u636e(&L)", None))
        self.demo_hint_label.setText(QCoreApplication.translate("SetupDialog", u"\u8f7d\u5165\u4e00\u4e2a\u865a\u6784\u7684\u6f14\u793a\u53bf\uff08\u9752\u539f\u53bf\uff1a3\u4e2a\u4e61\u9547\u3001\u6bcf\u4e2a\u4e61\u95474-6\u4e2a\u6751\uff09\uff0c\u7528\u4e8e\u719f\u6089\u7a0b\u5e8f\u3002\u672c\u5355\u4f4d\u5c06\u8bbe\u4e3a\u6f14\u793a\u53bf\u7684\u7b2c\u4e00\u4e2a\u4e61\u9547\uff08\u9009\u62e9\u201c\u53bf\u7ea7\u201d\u5219\u4e3a\u53bf\u672c\u8eab\uff09\u3002\u6b63\u5f0f\u4f7f\u7528\u65f6\u8bf7\u4e0d\u8981\u52fe\u9009\u3002", None))
        self.error_label.setText("")
#if QT_CONFIG(accessibility)
        self.error_label.setAccessibleName(QCoreApplication.translate("SetupDialog", u"\u9519\u8bef\u63d0\u793a", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

