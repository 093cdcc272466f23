"""Where dlearn reads its defaults from: the language and the data directory.

The command line (`tui.cli`) and the app (`tui.app`) both ask here, so neither imports the
other.
"""

from __future__ import annotations

import locale
import os
from pathlib import Path


def default_lang() -> str:
    """Korean when the user's locale says so, else English."""
    for var in ("DLEARN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ko" if loc.lower().startswith("ko") else "en"


def default_data_dir() -> Path:
    """Where progress lives: $DLEARN_DATA_DIR, else the platform's user data directory."""
    env = os.environ.get("DLEARN_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("dlearn", appauthor=False))
