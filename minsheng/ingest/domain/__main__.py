"""``python -m minsheng.ingest.domain FILE [--format json|table] [--progress]``."""

from .cli import main

raise SystemExit(main())
