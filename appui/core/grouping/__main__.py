"""``python -m appui.core.grouping``: see :mod:`appui.core.grouping.cli`."""

from .cli import main

raise SystemExit(main())
