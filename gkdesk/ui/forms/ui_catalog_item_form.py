# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'catalog_item_form.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy, QSpacerItem, QSpinBox, QVBoxLayout

class Ui_CatalogItemForm(object):
    def setupUi(self, CatalogItemForm):
        if not CatalogItemForm.objectName():
            CatalogItemForm.setObjectName(u"CatalogItemForm")
        self.main_layout = QVBoxLayout(CatalogItemForm)
        self.main_layout.setObjectName(u"main_layout")
        self.heading_label = QLabel(CatalogItemForm)
        self.heading_label.setObjectName(u"heading_label")
        self.heading_label.setWordWrap(True)

        self.main_layout.addWidget(self.heading_label)

        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.title_label = QLabel(CatalogItemForm)
        self.title_label.setObjectName(u"title_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.title_label)

        self.title_edit = QLineEdit(CatalogItemForm)
        self.title_edit.setObjectName(u"title_edit")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.title_edit)

        self.number_label = QLabel(CatalogItemForm)
        self.number_label.setObjectName(u"number_label")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.number_label)

        self.number_edit = QLineEdit(CatalogItemForm)
        self.number_edit.setObjectName(u"number_edit")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.number_edit)

        self.area_label = QLabel(CatalogItemForm)
        self.area_label.setObjectName(u"area_label")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.area_label)

        self.area_combo = QComboBox(CatalogItemForm)
        self.area_combo.setObjectName(u"area_combo")
        self.area_combo.setEditable(True)

        self.form_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.area_combo)

        self.content_label = QLabel(CatalogItemForm)
        self.content_label.setObjectName(u"content_label")

        self.form_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.content_label)

        self.content_edit = QPlainTextEdit(CatalogItemForm)
        self.content_edit.setObjectName(u"content_edit")
        self.content_edit.setTabChangesFocus(True)

        self.form_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.content_edit)

        self.basis_label = QLabel(CatalogItemForm)
        self.basis_label.setObjectName(u"basis_label")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.basis_label)

        self.basis_edit = QPlainTextEdit(CatalogItemForm)
        self.basis_edit.setObjectName(u"basis_edit")
        self.basis_edit.setTabChangesFocus(True)

        self.form_layout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.basis_edit)

        self.time_limit_label = QLabel(CatalogItemForm)
        self.time_limit_label.setObjectName(u"time_limit_label")

        self.form_layout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.time_limit_label)

        self.time_limit_edit = QLineEdit(CatalogItemForm)
        self.time_limit_edit.setObjectName(u"time_limit_edit")

        self.form_layout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.time_limit_edit)

        self.cadence_label = QLabel(CatalogItemForm)
        self.cadence_label.setObjectName(u"cadence_label")

        self.form_layout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.cadence_label)

        self.cadence_layout = QHBoxLayout()
        self.cadence_layout.setObjectName(u"cadence_layout")
        self.cadence_combo = QComboBox(CatalogItemForm)
        self.cadence_combo.setObjectName(u"cadence_combo")

        self.cadence_layout.addWidget(self.cadence_combo)

        self.cadence_days_spin = QSpinBox(CatalogItemForm)
        self.cadence_days_spin.setObjectName(u"cadence_days_spin")
        self.cadence_days_spin.setMinimum(1)
        self.cadence_days_spin.setMaximum(365)
        self.cadence_days_spin.setValue(20)

        self.cadence_layout.addWidget(self.cadence_days_spin)

        self.cadence_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.cadence_layout.addItem(self.cadence_spacer)


        self.form_layout.setLayout(6, QFormLayout.ItemRole.FieldRole, self.cadence_layout)

        self.subject_label = QLabel(CatalogItemForm)
        self.subject_label.setObjectName(u"subject_label")

        self.form_layout.setWidget(7, QFormLayout.ItemRole.LabelRole, self.subject_label)

        self.subject_edit = QLineEdit(CatalogItemForm)
        self.subject_edit.setObjectName(u"subject_edit")

        self.form_layout.setWidget(7, QFormLayout.ItemRole.FieldRole, self.subject_edit)

        self.channels_label = QLabel(CatalogItemForm)
        self.channels_label.setObjectName(u"channels_label")

        self.form_layout.setWidget(8, QFormLayout.ItemRole.LabelRole, self.channels_label)

        self.channels_group = QGroupBox(CatalogItemForm)
        self.channels_group.setObjectName(u"channels_group")
        self.channels_layout = QGridLayout(self.channels_group)
        self.channels_layout.setObjectName(u"channels_layout")

        self.form_layout.setWidget(8, QFormLayout.ItemRole.FieldRole, self.channels_group)

        self.audience_label = QLabel(CatalogItemForm)
        self.audience_label.setObjectName(u"audience_label")

        self.form_layout.setWidget(9, QFormLayout.ItemRole.LabelRole, self.audience_label)

        self.audience_combo = QComboBox(CatalogItemForm)
        self.audience_combo.setObjectName(u"audience_combo")

        self.form_layout.setWidget(9, QFormLayout.ItemRole.FieldRole, self.audience_combo)

        self.method_label = QLabel(CatalogItemForm)
        self.method_label.setObjectName(u"method_label")

        self.form_layout.setWidget(10, QFormLayout.ItemRole.LabelRole, self.method_label)

        self.method_combo = QComboBox(CatalogItemForm)
        self.method_combo.setObjectName(u"method_combo")

        self.form_layout.setWidget(10, QFormLayout.ItemRole.FieldRole, self.method_combo)

        self.tiers_label = QLabel(CatalogItemForm)
        self.tiers_label.setObjectName(u"tiers_label")

        self.form_layout.setWidget(11, QFormLayout.ItemRole.LabelRole, self.tiers_label)

        self.tiers_layout = QHBoxLayout()
        self.tiers_layout.setObjectName(u"tiers_layout")

        self.form_layout.setLayout(11, QFormLayout.ItemRole.FieldRole, self.tiers_layout)

        self.extra_label = QLabel(CatalogItemForm)
        self.extra_label.setObjectName(u"extra_label")

        self.form_layout.setWidget(12, QFormLayout.ItemRole.LabelRole, self.extra_label)

        self.extra_edit = QPlainTextEdit(CatalogItemForm)
        self.extra_edit.setObjectName(u"extra_edit")
        self.extra_edit.setTabChangesFocus(True)

        self.form_layout.setWidget(12, QFormLayout.ItemRole.FieldRole, self.extra_edit)


        self.main_layout.addLayout(self.form_layout)

        self.button_layout = QHBoxLayout()
        self.button_layout.setObjectName(u"button_layout")
        self.error_label = QLabel(CatalogItemForm)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)

        self.button_layout.addWidget(self.error_label)

        self.revert_button = QPushButton(CatalogItemForm)
        self.revert_button.setObjectName(u"revert_button")

        self.button_layout.addWidget(self.revert_button)

        self.save_button = QPushButton(CatalogItemForm)
        self.save_button.setObjectName(u"save_button")

        self.button_layout.addWidget(self.save_button)


        self.main_layout.addLayout(self.button_layout)

#if QT_CONFIG(shortcut)
        self.title_label.setBuddy(self.title_edit)
        self.number_label.setBuddy(self.number_edit)
        self.area_label.setBuddy(self.area_combo)
        self.content_label.setBuddy(self.content_edit)
        self.basis_label.setBuddy(self.basis_edit)
        self.time_limit_label.setBuddy(self.time_limit_edit)
        self.subject_label.setBuddy(self.subject_edit)
        self.audience_label.setBuddy(self.audience_combo)
        self.method_label.setBuddy(self.method_combo)
        self.extra_label.setBuddy(self.extra_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(CatalogItemForm)
    # setupUi

    def retranslateUi(self, CatalogItemForm):
        self.heading_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u4e8b\u9879", None))
        self.title_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u4e8b\u9879\u540d\u79f0(&N)\uff1a", None))
        self.title_edit.setPlaceholderText(QCoreApplication.translate("CatalogItemForm", u"\u4f8b\u5982 \u8015\u5730\u5730\u529b\u4fdd\u62a4", None))
        self.number_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u5e8f\u53f7\uff1a", None))
        self.number_edit.setPlaceholderText(QCoreApplication.translate("CatalogItemForm", u"\u53ef\u4e0d\u586b", None))
        self.area_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u6240\u5c5e\u9886\u57df\uff1a", None))
        self.content_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u5185\u5bb9\uff08\u8981\u7d20\uff09\uff1a", None))
        self.basis_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u4f9d\u636e\uff1a", None))
        self.time_limit_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u65f6\u9650\uff1a", None))
        self.time_limit_edit.setPlaceholderText(QCoreApplication.translate("CatalogItemForm", u"\u4f8b\u5982 \u4fe1\u606f\u5f62\u6210\u6216\u8005\u53d8\u66f4\u4e4b\u65e5\u8d7720\u4e2a\u5de5\u4f5c\u65e5\u5185", None))
        self.cadence_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u9891\u6b21\uff1a", None))
        self.cadence_days_spin.setSuffix(QCoreApplication.translate("CatalogItemForm", u" \u4e2a\u5de5\u4f5c\u65e5", None))
        self.subject_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u4e3b\u4f53\uff1a", None))
        self.subject_edit.setPlaceholderText(QCoreApplication.translate("CatalogItemForm", u"\u4f8b\u5982 \u4e61\u9547\u4eba\u6c11\u653f\u5e9c", None))
        self.channels_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u6e20\u9053\u548c\u8f7d\u4f53\uff1a", None))
        self.audience_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u5bf9\u8c61\uff1a", None))
        self.method_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u65b9\u5f0f\uff1a", None))
        self.tiers_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u516c\u5f00\u5c42\u7ea7\uff1a", None))
        self.extra_label.setText(QCoreApplication.translate("CatalogItemForm", u"\u5176\u4ed6\u5217\uff1a", None))
        self.extra_edit.setPlaceholderText(QCoreApplication.translate("CatalogItemForm", u"\u672c\u5730\u81ea\u5b9a\u4e49\u5217\uff0c\u6bcf\u884c\u4e00\u4e2a\uff1a\u5217\u540d\uff1a\u5185\u5bb9", None))
        self.error_label.setText("")
        self.revert_button.setText(QCoreApplication.translate("CatalogItemForm", u"\u653e\u5f03\u4fee\u6539", None))
#if QT_CONFIG(tooltip)
        self.revert_button.setToolTip(QCoreApplication.translate("CatalogItemForm", u"\u6062\u590d\u4e3a\u5df2\u4fdd\u5b58\u7684\u5185\u5bb9", None))
#endif // QT_CONFIG(tooltip)
        self.save_button.setText(QCoreApplication.translate("CatalogItemForm", u"\u4fdd\u5b58(&S)", None))
#if QT_CONFIG(tooltip)
        self.save_button.setToolTip(QCoreApplication.translate("CatalogItemForm", u"\u4fdd\u5b58\u8fd9\u4e2a\u4e8b\u9879\uff08Ctrl+S\uff09", None))
#endif // QT_CONFIG(tooltip)
        pass
    # retranslateUi

