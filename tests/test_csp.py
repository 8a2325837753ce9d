"""The Content-Security-Policy allows scripts and styles from appui's static files only.

Every template is scanned for what the browser would refuse: an inline ``<script>``, an
``on…=`` handler, an ``hx-on`` attribute (htmx evaluates it as code), a ``javascript:`` URL, a
``style=`` attribute or a ``<style>`` element. Print templates rendered by WeasyPrint into PDFs
(``reports/base_print.html`` and the templates extending it) keep their ``<style>``: no
browser applies a CSP to them. Static scripts are scanned for ``eval`` and its cousins.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client

ROOT = Path(settings.BASE_DIR)

# One start tag with its attributes; template tags and quoted values may hold ">" (e.g.
# {% if a > b %}). Possessive loop: no backtracking, linear in the template's length.
TAG = re.compile(
    r"""<(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:[^>"'{]|"[^"]*"|'[^']*'|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|\{)*+)>""",
    re.DOTALL,
)
QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
HANDLER = re.compile(r"(?:^|[\s}])(?P<name>on[a-z]+|(?:data-)?hx-on[\w:.-]*)\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"(?:^|[\s}])style\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# Data blocks are never executed, so the CSP lets them through.
DATA_TYPES = re.compile(r"""\stype\s*=\s*["']?(application/(ld\+)?json|text/template)""", re.I)
PRINT_BASE = "reports/base_print.html"
UNSAFE_JS = re.compile(
    r"""\beval\s*\(|\bnew\s+Function\s*\(|setAttribute\(\s*["'](style|on[a-z]+)["']"""
    r"""|set(Timeout|Interval)\(\s*["']""",
)


def template_problems(text: str, *, printed: bool = False) -> list[str]:
    """What the CSP would refuse in one template's source (one line per problem)."""
    problems = []
    for match in TAG.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        name, attrs = match.group("name").lower(), match.group("attrs")
        if name == "script" and not re.search(r"\ssrc\s*=", attrs) and not DATA_TYPES.search(attrs):
            problems.append(f"inline <script> at line {line}")
        if name == "style" and not printed:
            problems.append(f"<style> element at line {line}")
        bare = QUOTED.sub('""', attrs)
        for handler in HANDLER.finditer(bare):
            problems.append(f"{handler.group('name')}= handler at line {line}")
        if STYLE_ATTRIBUTE.search(bare):
            problems.append(f"style= attribute at line {line}")
        if JAVASCRIPT_URL.search(attrs):
            problems.append(f"javascript: URL at line {line}")
    return problems


def template_files() -> list[Path]:
    dirs = [ROOT / "templates", *sorted((ROOT / "appui").glob("*/templates"))]
    return sorted(p for d in dirs for p in d.rglob("*.html"))


def is_print_template(path: Path, text: str) -> bool:
    return path.as_posix().endswith(PRINT_BASE) or f'extends "{PRINT_BASE}"' in text


class TestTheScanner:
    """The scanner itself: each kind of problem is found, and allowed forms pass."""

    @pytest.mark.parametrize(
        "html",
        [
            "<script>alert(1)</script>",
            '<script type="text/javascript">x()</script>',
            '<button type="button" onclick="window.print()">Imprimer</button>',
            '<select name="niveau" {% if x > 1 %}disabled{% endif %} onchange="go()">',
            '<form hx-on::after-request="this.reset()">',
            '<div data-hx-on:click="x()">',
            '<a href="javascript:void(0)">',
            '<span class="bar" style="width: 40%"></span>',
            "<style>p { color: red }</style>",
        ],
    )
    def test_it_finds_what_the_policy_refuses(self, html):
        assert template_problems(html)

    @pytest.mark.parametrize(
        "html",
        [
            "<script src=\"{% static 'appui/appui.js' %}\" defer></script>",
            '<script type="application/json" id="data">{"a": 1}</script>',
            '<button type="button" data-print>Imprimer</button>',
            '<select name="niveau" data-autosubmit>',
            '<p>Mention="très bien" onze=11</p>',
            '<span class="bar pct-w-40"></span>',
            '<input name="onboarding">',
        ],
    )
    def test_it_lets_allowed_forms_through(self, html):
        assert template_problems(html) == []

    def test_print_templates_may_keep_their_style_element(self):
        assert template_problems("<style>@page { size: A4 }</style>", printed=True) == []
        assert template_problems('<p style="x">', printed=True)


def test_no_template_needs_an_unsafe_policy():
    files = template_files()
    assert len(files) > 50  # the scan reads the real templates
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for problem in template_problems(text, printed=is_print_template(path, text)):
            problems.append(f"{path.relative_to(ROOT)}: {problem}")
    assert problems == [], "\n".join(problems)


def test_no_static_script_evaluates_strings():
    scripts = [
        p
        for d in [ROOT / "static" / "appui", *sorted((ROOT / "appui").glob("*/static"))]
        for p in sorted(d.rglob("*.js"))
    ]
    assert scripts
    problems = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in scripts
        for m in UNSAFE_JS.finditer(p.read_text(encoding="utf-8"))
    ]
    assert problems == [], "\n".join(problems)


def test_the_policy_allows_no_inline_code():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive in ("default-src", "script-src", "style-src"):
        assert directives[directive] == ["'self'"], directive
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_htmx_neither_injects_styles_nor_evaluates_code(db):
    html = engines["django"].from_string("{% include 'base.html' %}").render({})
    match = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", html)
    assert match, "base.html configures htmx"
    assert '"includeIndicatorStyles": false' in match.group(1)
    assert '"allowEval": false' in match.group(1)


def test_pages_carry_the_policy(db):
    response = Client().get("/compte/connexion/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
