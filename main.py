"""Start the 基层公开工作台 window: python main.py [--data-dir DIR]."""

from gkdesk.app import main

if __name__ == "__main__":
    raise SystemExit(main())
