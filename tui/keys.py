"""Letter keys that also work with a Korean input method switched on.

With the standard 2-set (두벌식) Korean layout active, the key marked O sends "ㅐ", not
"o", and a binding for "o" never fires: the student presses the key the footer names and
nothing happens. Every letter binding in the app goes through `jamo`, so the same key
does the same thing in either layout. One table, for every screen and widget.
"""

from __future__ import annotations

# Latin key -> the Hangul compatibility jamo the 2-set layout sends for it (no Shift).
TWO_SET: dict[str, str] = {
    "q": "ㅂ", "w": "ㅈ", "e": "ㄷ", "r": "ㄱ", "t": "ㅅ", "y": "ㅛ", "u": "ㅕ", "i": "ㅑ",
    "o": "ㅐ", "p": "ㅔ", "a": "ㅁ", "s": "ㄴ", "d": "ㅇ", "f": "ㄹ", "g": "ㅎ", "h": "ㅗ",
    "j": "ㅓ", "k": "ㅏ", "l": "ㅣ", "z": "ㅋ", "x": "ㅌ", "c": "ㅊ", "v": "ㅍ", "b": "ㅠ",
    "n": "ㅜ", "m": "ㅡ",
}  # fmt: skip


def jamo(keys: str) -> str:
    """A binding's key list with the 2-set jamo of each plain letter added after it.

    `jamo("o,1")` is `"o,1,ㅐ"`; keys that are not single lowercase letters stay as they are.
    """
    listed = [k.strip() for k in keys.split(",")]
    extra = [TWO_SET[k] for k in listed if k in TWO_SET and TWO_SET[k] not in listed]
    return ",".join(listed + extra)
