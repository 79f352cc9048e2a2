"""`python -m gkdesk ...` runs the command line."""

from gkdesk.cli import main

raise SystemExit(main())
