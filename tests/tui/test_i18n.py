"""Every interface string exists in Korean and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from tui.app import START_SCREENS
from tui.commands.common import MESSAGES
from tui.i18n import STRINGS, percent, tr

TUI = Path(__file__).resolve().parents[2] / "tui"
SOURCES = [  # the app's sources; the headless commands have their own table (below)
    p
    for p in TUI.rglob("*.py")
    if p.name not in ("cli.py", "contentcli.py", "labargs.py") and "commands" not in p.parts
]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    ko, en = STRINGS[key]
    assert ko.strip() and en.strip()
    assert placeholders(ko) == placeholders(en)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_headless_messages_have_both_languages_with_the_same_placeholders(key: str) -> None:
    text = MESSAGES[key]
    assert text.ko.strip() and text.en.strip() and text.ko != text.en
    assert placeholders(text.ko) == placeholders(text.en)


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""\btr\(\s*["']([a-z0-9_]+)["']""", source))
        # Binding("key", "action", "description"): descriptions are i18n keys
        keys |= set(re.findall(r"""Binding\(\s*"[^"]+",\s*"[^"]+",\s*"([a-z0-9_]+)\"""", source))
        # KEYS_HINT = "keys_ox" and incomplete_reason's `return "match_all"`
        keys |= set(re.findall(r"""(?:KEYS_HINT = |return )"([a-z0-9_]+)"$""", source, re.M))
    return keys


def test_every_key_used_in_the_app_exists() -> None:
    keys = used_keys()
    assert len(keys) > 50  # the scan finds the app's strings
    dynamic = {f"rating_{i}" for i in range(1, 5)} | {f"cmd_{s}" for s in START_SCREENS}
    missing = sorted((keys | dynamic | set(START_SCREENS)) - set(STRINGS))
    assert missing == []


def test_tr_fills_placeholders_and_falls_back_to_the_key() -> None:
    assert tr("due_new", "ko", due=3, new=7) == "복습 예정 3 · 새 문항 7"
    assert tr("due_new", "en", due=3, new=7) == "Due 3 · New 7"
    assert tr("no-such-key", "en") == "no-such-key"
    assert (percent(0.0), percent(0.5), percent(1.0)) == ("0%", "50%", "100%")
