# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'home_page.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpacerItem, QTreeWidget, QVBoxLayout

class Ui_HomePage(object):
    def setupUi(self, HomePage):
        if not HomePage.objectName():
            HomePage.setObjectName(u"HomePage")
        self.main_layout = QVBoxLayout(HomePage)
        self.main_layout.setObjectName(u"main_layout")
        self.title_label = QLabel(HomePage)
        self.title_label.setObjectName(u"title_label")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.title_label)

        self.subtitle_label = QLabel(HomePage)
        self.subtitle_label.setObjectName(u"subtitle_label")
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.subtitle_label)

        self.counts_group = QGroupBox(HomePage)
        self.counts_group.setObjectName(u"counts_group")
        self.counts_layout = QGridLayout(self.counts_group)
        self.counts_layout.setObjectName(u"counts_layout")

        self.main_layout.addWidget(self.counts_group)

        self.reminders_group = QGroupBox(HomePage)
        self.reminders_group.setObjectName(u"reminders_group")
        self.reminders_layout = QVBoxLayout(self.reminders_group)
        self.reminders_layout.setObjectName(u"reminders_layout")
        self.reminders_label = QLabel(self.reminders_group)
        self.reminders_label.setObjectName(u"reminders_label")
        self.reminders_label.setWordWrap(True)

        self.reminders_layout.addWidget(self.reminders_label)

        self.reminder_tree = QTreeWidget(self.reminders_group)
        self.reminder_tree.setObjectName(u"reminder_tree")
        self.reminder_tree.setHeaderHidden(True)

        self.reminders_layout.addWidget(self.reminder_tree)


        self.main_layout.addWidget(self.reminders_group)

        self.hint_label = QLabel(HomePage)
        self.hint_label.setObjectName(u"hint_label")
        self.hint_label.setWordWrap(True)

        self.main_layout.addWidget(self.hint_label)

        self.button_layout = QHBoxLayout()
        self.button_layout.setObjectName(u"button_layout")
        self.button_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.button_layout.addItem(self.button_spacer)

        self.refresh_button = QPushButton(HomePage)
        self.refresh_button.setObjectName(u"refresh_button")

        self.button_layout.addWidget(self.refresh_button)


        self.main_layout.addLayout(self.button_layout)


        self.retranslateUi(HomePage)
    # setupUi

    def retranslateUi(self, HomePage):
        self.title_label.setText(QCoreApplication.translate("HomePage", u"\u9996\u9875", None))
        self.subtitle_label.setText("")
        self.counts_group.setTitle(QCoreApplication.translate("HomePage", u"\u672c\u5355\u4f4d\u53ca\u4e0b\u8f96\u5355\u4f4d\u7684\u6570\u636e\u6982\u51b5", None))
        self.reminders_group.setTitle(QCoreApplication.translate("HomePage", u"\u5f85\u529e\u63d0\u9192", None))
        self.reminders_label.setText(QCoreApplication.translate("HomePage", u"\u6b63\u5728\u8ba1\u7b97\u2026", None))
        ___qtreewidgetitem = self.reminder_tree.headerItem()
        ___qtreewidgetitem.setText(0, QCoreApplication.translate("HomePage", u"\u63d0\u9192", None))
#if QT_CONFIG(tooltip)
        self.reminder_tree.setToolTip(QCoreApplication.translate("HomePage", u"\u53cc\u51fb\u6216\u6309\u56de\u8f66\u6253\u5f00\u5bf9\u5e94\u7684\u516c\u793a", None))
#endif // QT_CONFIG(tooltip)
        self.hint_label.setText("")
        self.refresh_button.setText(QCoreApplication.translate("HomePage", u"\u5237\u65b0(&R)", None))
#if QT_CONFIG(tooltip)
        self.refresh_button.setToolTip(QCoreApplication.translate("HomePage", u"\u91cd\u65b0\u7edf\u8ba1\u6570\u91cf\uff08F5\uff09", None))
#endif // QT_CONFIG(tooltip)
        pass
    # retranslateUi

