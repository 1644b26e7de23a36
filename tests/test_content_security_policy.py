"""No template relies on what the Content-Security-Policy blocks: inline scripts, inline
event handlers, javascript: links or <style> elements without the page's nonce.

The browser test (tests/e2e/test_content_security_policy.py) proves key pages under the
policy; this scan covers every template, including ones no browser test opens.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    for path in folder.rglob("*.html")
)
BLOCKED = {
    # A <script> runs only from a file of ours (src) or with the page's nonce; JSON data
    # blocks (json_script) don't run at all.
    "inline script": re.compile(
        r"<script\b(?![^>]*\b(?:src|nonce)=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>",
        re.IGNORECASE,
    ),
    "inline event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: link": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
    "style element without nonce": re.compile(r"<style\b(?![^>]*\bnonce=)", re.IGNORECASE),
}


def test_the_scan_finds_what_the_policy_blocks():
    offending = {
        "inline script": "{% block scripts %}<script>alert(1)</script>{% endblock %}",
        "inline event handler": '<button class="btn" onclick="window.print()">',
        "javascript: link": '<a href="javascript:void(0)">',
        "style element without nonce": "<style>.x { color: red }</style>",
    }
    for name, text in offending.items():
        assert BLOCKED[name].search(text), name
    allowed = (
        '<script src="/static/js/cascade.js"></script>'
        '<script nonce="{{ request.csp_nonce }}">x()</script>'
        '<script id="data" type="application/json">{}</script>'
        '<style nonce="{{ request.csp_nonce }}"></style>'
        '<button data-print data-on="x">Print</button><p>Someone = one</p>'
    )
    assert not [name for name, pattern in BLOCKED.items() if pattern.search(allowed)]


def test_no_template_has_anything_the_policy_blocks():
    assert len(TEMPLATES) > 50
    found = [
        f"{template.relative_to(ROOT)}: {name}: {match.group(0)[:80]}"
        for template in TEMPLATES
        for name, pattern in BLOCKED.items()
        for match in pattern.finditer(template.read_text(encoding="utf-8"))
    ]
    # Move scripts and handlers to static/js/; a <style> takes nonce="{{ request.csp_nonce }}".
    assert found == []
