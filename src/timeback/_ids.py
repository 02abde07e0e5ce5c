"""How a message names a sourcedId (the server's and the SDK's alike): so that two different ids never read alike."""

from __future__ import annotations

import unicodedata

# Characters repr() leaves as they are that show as nothing, or as part of the character before them: combining
# marks (NFC "Jos\u00e9" and NFD "Jose\u0301" read alike), format characters, spaces other than " ".
_UNSEEN = {"Mn", "Me", "Cf", "Zs"}


def quoted_id(value: object) -> str:
    """``value`` as ``repr`` shows it (quoted: "r-1, r-2" is one id), with each unseen character as ``\\uXXXX``."""
    shown = repr(value)
    if shown.isascii():  # (no ASCII character but " " is unseen: the usual id, at once; a 409 names up to 1,000)
        return shown
    return "".join(_seen(char) for char in shown)


def _seen(char: str) -> str:
    if char == " " or unicodedata.category(char) not in _UNSEEN:
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
