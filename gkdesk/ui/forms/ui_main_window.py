# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMenu, QMenuBar, QSizePolicy, QStackedWidget, QStatusBar, QWidget

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        self.action_quit = QAction(MainWindow)
        self.action_quit.setObjectName(u"action_quit")
        self.action_about = QAction(MainWindow)
        self.action_about.setObjectName(u"action_about")
        self.central_widget = QWidget(MainWindow)
        self.central_widget.setObjectName(u"central_widget")
        self.central_layout = QHBoxLayout(self.central_widget)
        self.central_layout.setObjectName(u"central_layout")
        self.nav_list = QListWidget(self.central_widget)
        self.nav_list.setObjectName(u"nav_list")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.nav_list.sizePolicy().hasHeightForWidth())
        self.nav_list.setSizePolicy(sizePolicy)

        self.central_layout.addWidget(self.nav_list)

        self.page_stack = QStackedWidget(self.central_widget)
        self.page_stack.setObjectName(u"page_stack")

        self.central_layout.addWidget(self.page_stack)

        MainWindow.setCentralWidget(self.central_widget)
        self.menu_bar = QMenuBar(MainWindow)
        self.menu_bar.setObjectName(u"menu_bar")
        self.file_menu = QMenu(self.menu_bar)
        self.file_menu.setObjectName(u"file_menu")
        self.help_menu = QMenu(self.menu_bar)
        self.help_menu.setObjectName(u"help_menu")
        MainWindow.setMenuBar(self.menu_bar)
        self.status_bar = QStatusBar(MainWindow)
        self.status_bar.setObjectName(u"status_bar")
        MainWindow.setStatusBar(self.status_bar)

        self.menu_bar.addAction(self.file_menu.menuAction())
        self.menu_bar.addAction(self.help_menu.menuAction())
        self.file_menu.addAction(self.action_quit)
        self.help_menu.addAction(self.action_about)

        self.retranslateUi(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"\u57fa\u5c42\u516c\u5f00\u5de5\u4f5c\u53f0", None))
        self.action_quit.setText(QCoreApplication.translate("MainWindow", u"\u9000\u51fa(&X)", None))
#if QT_CONFIG(shortcut)
        self.action_quit.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+Q", None))
#endif // QT_CONFIG(shortcut)
        self.action_about.setText(QCoreApplication.translate("MainWindow", u"\u5173\u4e8e\u57fa\u5c42\u516c\u5f00\u5de5\u4f5c\u53f0(&A)", None))
#if QT_CONFIG(accessibility)
        self.nav_list.setAccessibleName(QCoreApplication.translate("MainWindow", u"\u529f\u80fd\u5bfc\u822a", None))
#endif // QT_CONFIG(accessibility)
        self.file_menu.setTitle(QCoreApplication.translate("MainWindow", u"\u6587\u4ef6(&F)", None))
        self.help_menu.setTitle(QCoreApplication.translate("MainWindow", u"\u5e2e\u52a9(&H)", None))
    # retranslateUi

