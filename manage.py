#!/usr/bin/env python
"""Django's manage.py; `minsheng` (the console command) does the same."""

from minsheng.cli import main

if __name__ == "__main__":
    main()
