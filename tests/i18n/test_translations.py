"""The UI is French: every message of the catalogue has a French translation."""

import re
from pathlib import Path

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    # Split the catalogue into entries; the header (empty msgid) comes first.
    for block in text.split("\n\n")[1:]:
        if block.startswith("#~") or "msgid" not in block:
            continue
        yield block


def _strings(block: str, key: str) -> str:
    match = re.search(rf'^{key} ((?:".*"\n?)+)', block, flags=re.M)
    if not match:
        return ""
    return "".join(re.findall(r'"(.*)"', match.group(1)))


def test_every_message_has_a_french_translation():
    untranslated = []
    for block in _entries(PO_FILE.read_text(encoding="utf-8")):
        if "#, fuzzy" in block:
            untranslated.append(_strings(block, "msgid"))
        elif "msgid_plural" in block:
            if not _strings(block, r"msgstr\[0\]") or not _strings(block, r"msgstr\[1\]"):
                untranslated.append(_strings(block, "msgid"))
        elif not _strings(block, "msgstr"):
            untranslated.append(_strings(block, "msgid"))
    assert untranslated == []


def test_the_catalogue_declares_french_plural_forms():
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in PO_FILE.read_text(encoding="utf-8")
