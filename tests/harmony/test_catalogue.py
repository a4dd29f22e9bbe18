"""Korean first, English complete: every message of the English catalogue is translated and
none is left fuzzy (makemessages marks guesses fuzzy, and gettext ignores them)."""

from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "frontend/locale/en/LC_MESSAGES/django.po"


def _entries() -> list[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    return [block for block in text.split("\n\n")[1:]  # the first block is the header
            if "\nmsgid " in f"\n{block}" and not block.lstrip().startswith("#~")]


def test_every_message_has_an_english_translation():
    # An untranslated entry ends in an empty msgstr; a long translation ends in a "…" line.
    assert [block for block in _entries() if block.strip().endswith('msgstr ""')] == []


def test_no_translation_is_left_fuzzy():
    assert [block for block in _entries() if "#, fuzzy" in block] == []
