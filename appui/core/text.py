"""Text helpers shared by search, imports and French sentences (elision)."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text: "Hélène  D'ARC" -> "helene d'arc"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


# French elision: « de » and « que » lose their vowel before a word starting with a vowel
# sound (« d'Alexis », « qu'un »). « h » counts as mute, the common case for first names
# (« d'Hélène », « d'Hugo »); « y » before a vowel is a consonant (« de Yann », « d'Yves »).
_VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")
_ELIDED = {"de": "d'", "De": "D'", "que": "qu'", "Que": "Qu'", "le": "l'", "Le": "L'"}


def starts_with_vowel_sound(word: str) -> bool:
    """Whether a word elides the « de » or « que » before it (a small, usual rule)."""
    word = (word or "").strip().lower()
    if not word:
        return False
    first = word[0]
    if first in _VOWELS or first == "h":
        return True
    if first == "y":
        return len(word) > 1 and word[1] not in _VOWELS and word[1] != "y"
    return False


def elide(particle: str, word: str) -> str:
    """« de » + « Alexis » -> « d'Alexis »; « de » + « Paul » -> « de Paul »."""
    if particle in _ELIDED and starts_with_vowel_sound(word):
        return f"{_ELIDED[particle]}{word}"
    return f"{particle} {word}"


def de(name: str) -> str:
    """The name after « de », elided when it should be: « d'Alexis », « de Paul »."""
    return elide("de", name)


def with_elision(text: str, *words: str) -> str:
    """Elide « de », « que » (and « le ») standing right before one of ``words`` in a text
    already put together: « Bilan d'étape de Alexis » -> « Bilan d'étape d'Alexis ».
    Only before the given words (names put into a translated sentence), so nothing else in
    the text changes; texts in another language are left as they are."""
    for word in {w for w in words if w and starts_with_vowel_sound(w)}:
        pattern = re.compile(r"(?<![\w'’])(de|De|que|Que) (?=" + re.escape(word) + r"(?!\w))")
        text = pattern.sub(lambda m: _ELIDED[m.group(1)], text)
    return text


def plural(n: int, singular: str, plural_form: str) -> str:
    """« 1 élève », « 0 élève », « 3 élèves »: French takes the singular up to 1."""
    return f"{n} {singular if abs(n) <= 1 else plural_form}"


# French dates: the first day of a month is an ordinal, « 1er décembre », the others are not
# (« 2 décembre »). Only with a month name: « 01/12/2026 » stays as it is.
_MONTH_NAMES = frozenset("bEFMN")


def first_of_month_format(date_format: str, day: int, language: str) -> str:
    """The Django date format ``date_format`` that writes « 1er » for the day when ``day`` is
    1 and ``language`` is French: each unescaped ``j`` (day without zero) is followed by the
    escaped literal « er » (``j\\e\\r``). Other days and languages keep the format as given."""
    if day != 1 or not (language or "").lower().startswith("fr"):
        return date_format
    out: list[str] = []
    has_month_name = False
    escaped = False
    for char in date_format:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        else:
            out.append("j\\e\\r" if char == "j" else char)
            has_month_name = has_month_name or char in _MONTH_NAMES
    return "".join(out) if has_month_name else date_format
