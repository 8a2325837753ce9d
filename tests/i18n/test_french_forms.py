"""French done right: real plurals, never « élève(s) »; « de » elided before a name.

Two rules, checked on the catalogue and on the sources:

* no French message, no string printed by Python (management commands, warnings) and no
  template text writes a plural as « (s) »: ``ngettext`` / ``{% blocktranslate count %}`` for
  the UI, ``appui.core.text.plural`` for the French the commands print;
* a French message with « de » right before a placeholder (« Charge de %(name)s ») is shown
  through the elision helpers (``with_elision`` in Python, the ``elided`` filter in
  templates), so that a name starting with a vowel reads « Charge d'Alexis ». Placeholders
  that are numbers never elide. The few messages whose placeholder never starts with a
  vowel are listed in ``NEVER_A_VOWEL`` with the reason.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"

#: Proper names written with « (s) »: the Avenir(s) platform of ONISEP.
NAMES_WITH_S = ("Avenir(s)",)
S_PLURAL = re.compile(r"\w\(s\)")

#: Placeholders that are numbers: « moins de 5 », « plus de 8 », never elided.
NUMERIC = {
    "n",
    "max",
    "min",
    "count",
    "number",
    "total",
    "hours",
    "days",
    "years",
    "size",
    "low",
    "high",
}
DE_BEFORE_PLACEHOLDER = re.compile(r"(?<![\w'’])[Dd]e %\((\w+)\)s")

#: msgid -> why its « de %(…)s » never needs an elision.
NEVER_A_VOWEL = {
    "The SIECLE file of %(label)s opened that year beside %(current)s. It becomes the current "
    "year when its file is imported again from %(start)s, or now if you switch: every page "
    "then shows %(label)s by default, and %(current)s stays readable with the year "
    "switcher.": "a school year's label starts with its first year (« 2026-2027 »)",
    "Make %(label)s the current year": "a school year's label starts with its first year",
    "Pedagogical council and regulation meetings of %(label)s, with their minutes, decisions "
    "and actions.": "a school year's label starts with its first year",
    "Meetings of the instances (board of governors, pedagogical council, subject teachers' "
    "councils…) and regulation meetings of %(label)s, with their minutes, decisions and "
    "actions.": "a school year's label starts with its first year",
}

#: The elision helpers a Python message is passed through (``with_elision(_("…") % …, name)``).
ELIDING_CALLS = {"with_elision", "elide", "de"}
#: In a template, the sentence is kept (``blocktranslate … asvar name``) and shown through
#: ``{{ name|elided:… }}`` soon after its ``{% endblocktranslate %}`` (an ``{% if %}`` may hold
#: two sentences kept under one name).
ASVAR = re.compile(r"\{%\s*blocktranslate\b[^%]*\basvar\s+(\w+)[^%]*%\}")
#: How far after a kept sentence its ``elided`` may come (the end of the same tag block).
ELIDED_WITHIN = 400


def _entries(text: str):
    for block in text.split("\n\n")[1:]:
        if block.startswith("#~") or "msgid" not in block:
            continue
        yield block


def _strings(block: str, key: str) -> str:
    match = re.search(rf'^{key} ((?:".*"\n?)+)', block, flags=re.M)
    if not match:
        return ""
    return "".join(re.findall(r'"(.*)"', match.group(1))).replace('\\"', '"')


def _catalogue() -> list[tuple[str, list[str]]]:
    """(msgid, [its French forms]) for every live message."""
    messages = []
    for block in _entries(PO_FILE.read_text(encoding="utf-8")):
        forms = [_strings(block, key) for key in ("msgstr", r"msgstr\[0\]", r"msgstr\[1\]")]
        messages.append((_strings(block, "msgid"), [form for form in forms if form]))
    return messages


def _sources(suffix: str) -> dict[Path, str]:
    paths = [*(ROOT / "appui").rglob(f"*{suffix}"), *(ROOT / "templates").rglob(f"*{suffix}")]
    return {
        path: path.read_text(encoding="utf-8")
        for path in paths
        if "tests" not in path.parts and "migrations" not in path.parts
    }


def _without_names(text: str) -> str:
    for name in NAMES_WITH_S:
        text = text.replace(name, "")
    return text


# --------------------------------------------------------------------------- « (s) »


def test_no_french_message_writes_a_plural_as_s():
    offending = [
        (msgid, form)
        for msgid, forms in _catalogue()
        for form in forms
        if S_PLURAL.search(_without_names(form))
    ]
    assert offending == []


def _printed_strings(source: str):
    """The string literals of a Python source, docstrings and bare strings left out."""
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and previous not in {
            tokenize.NEWLINE,
            tokenize.NL,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENCODING,
        }:
            yield token.start[0], token.string
        if token.type not in {tokenize.COMMENT, tokenize.NL}:
            previous = token.type


def test_no_python_string_writes_a_plural_as_s():
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path, source in _sources(".py").items()
        for line, text in _printed_strings(source)
        if S_PLURAL.search(_without_names(text))
    ]
    assert offending == []


def test_no_template_writes_a_plural_as_s():
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path, source in _sources(".html").items()
        for number, line in enumerate(source.splitlines(), 1)
        if S_PLURAL.search(_without_names(line))
    ]
    assert offending == []


# --------------------------------------------------------------------------- « de » + name


def _python_uses(msgid: str, path: Path, source: str) -> list[tuple[int, bool]]:
    """Lines where ``msgid`` is written in a Python source, and whether an elision helper
    receives it (the message is an argument, at any depth, of ``with_elision``…)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    uses = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and node.value == msgid):
            continue
        elided, ancestor = False, parents.get(node)
        while ancestor is not None and not elided:
            if isinstance(ancestor, ast.Call):
                func = ancestor.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                elided = name in ELIDING_CALLS
            ancestor = parents.get(ancestor)
        uses.append((node.lineno, elided))
    return uses


def _template_uses(msgid: str, source: str) -> list[tuple[int, bool]]:
    """Lines where ``msgid`` is a ``blocktranslate`` of a template, and whether the sentence
    is shown through ``elided`` right after it."""
    pattern = ""
    for index, part in enumerate(re.split(r"%\((\w+)\)[sd]", msgid)):
        if index % 2:
            pattern += r"\{\{\s*" + part + r"\s*\}\}"
        else:
            pattern += r"\s+".join(re.escape(word) for word in part.split(" "))
    uses = []
    for match in re.finditer(pattern, source):
        # The last ``blocktranslate … asvar`` before the sentence, if it is the sentence's own.
        openings = list(ASVAR.finditer(source, 0, match.start()))
        opening = openings[-1] if openings else None
        between = source[opening.end() : match.start()] if opening else ""
        kept = opening is not None and "endblocktranslate" not in between
        after = source[match.end() : match.end() + ELIDED_WITHIN]
        elided = kept and re.search(r"\{\{\s*" + opening[1] + r"\s*\|\s*elided\b", after)
        uses.append((source.count("\n", 0, match.start()) + 1, bool(elided)))
    return uses


def _uses(msgid: str, sources: dict[Path, str]) -> list[tuple[str, int, bool]]:
    """Where ``msgid`` is used: (file, line, whether it is shown through an elision helper)."""
    uses = []
    for path, source in sources.items():
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
        if path.suffix == ".py":
            # Parsed only when the text is there: parsing every source for every message is slow.
            found = _python_uses(msgid, path, source) if msgid in source else []
        else:
            found = _template_uses(msgid, source)
        uses += [(name, line, elided) for line, elided in found]
    return uses


def _messages_with_de_before_a_name() -> list[str]:
    return [
        msgid
        for msgid, forms in _catalogue()
        if {name for form in forms for name in DE_BEFORE_PLACEHOLDER.findall(form)} - NUMERIC
    ]


def test_de_before_a_name_is_elided_wherever_the_message_is_shown():
    sources = {**_sources(".py"), **_sources(".html")}
    not_elided, not_found = [], []
    for msgid in _messages_with_de_before_a_name():
        if msgid in NEVER_A_VOWEL:
            continue
        uses = _uses(msgid, sources)
        if not uses:
            not_found.append(msgid)
        not_elided += [(msgid, path, line) for path, line, elided in uses if not elided]
    assert not_elided == []
    # A message this test cannot find is either shown in a way it does not know (teach it) or
    # never elided (list it in NEVER_A_VOWEL, with the reason).
    assert not_found == []


def test_the_check_catches_a_message_shown_without_elision(tmp_path):
    page, code = tmp_path / "page.html", tmp_path / "views.py"
    page.write_text(
        "{% blocktranslate with name=tutor %}Load of {{ name }}{% endblocktranslate %}\n"
        "{% blocktranslate asvar t with name=s %}Needs of {{ name }}{% endblocktranslate %}"
        "{{ t|elided:s }}\n",
        encoding="utf-8",
    )
    code.write_text(
        'a = _("Load of %(name)s") % {"name": n}\n'
        'b = with_elision(_("Needs of %(name)s") % {"name": n}, n)\n',
        encoding="utf-8",
    )
    sources = {path: path.read_text(encoding="utf-8") for path in (page, code)}
    assert [elided for _f, _l, elided in _uses("Load of %(name)s", sources)] == [False, False]
    assert [elided for _f, _l, elided in _uses("Needs of %(name)s", sources)] == [True, True]
