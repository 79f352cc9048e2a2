"""基层公开工作台 (gkdesk): offline disclosure workbench for townships and county offices."""

import logging as _logging

__version__ = "0.1.0"
APP_NAME = "gkdesk"
APP_TITLE = "基层公开工作台"

# Until the program configures logging, records go nowhere instead of to stderr.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
