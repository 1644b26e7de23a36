"""The Simplified Chinese catalogue is complete, matches the source strings, and is used.

If test_catalogue_matches_the_source_strings fails, a string was added, changed or removed
in the code or a template without updating the catalogue. Run

    .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles \
        --ignore=tests --no-obsolete

then translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po (plain Simplified
Chinese as used in Beijing community offices; see the glossary in DOMAIN.md) and remove
any "#, fuzzy" flags.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO_RELATIVE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
PO_PATH = ROOT / PO_RELATIVE
MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    "zh_Hans",
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=tests",
    "--no-obsolete",
]
# Top-level entries that are not project source: never copied for the staleness check.
NOT_SOURCE = {
    ".venv",
    "venv",
    "staticfiles",
    "tests",
    "var",
    "test-artifacts",
    "node_modules",
    "htmlcov",
    "media",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """Return (header, entries) of a .po file; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    field_name: str | None = None
    index: int | None = None

    def finish() -> None:
        nonlocal entry
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)
        entry = None

    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if field_name == "msgstr":  # a comment after a msgstr starts a new entry
                finish()
            if entry is None:
                entry = Entry(line=number)
                field_name = None
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = keyword.match(line)
        if match:
            name, idx, value = match.groups()
            if name in ("msgctxt", "msgid") and field_name == "msgstr":
                finish()
            if entry is None:
                entry = Entry(line=number)
            if name == "msgid" and not entry.line:
                entry.line = number
            text = ast.literal_eval(value)
            field_name, index = name, int(idx) if idx is not None else 0
            if name == "msgstr":
                entry.msgstr[index] = text
            else:
                setattr(entry, name, text)
            continue
        if line.startswith('"') and entry is not None and field_name is not None:
            text = ast.literal_eval(line)
            if field_name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, field_name, (getattr(entry, field_name) or "") + text)
            continue
        raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()

    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f"{path} must have exactly one header entry"
    return headers[0], [e for e in entries if e is not headers[0]]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")) or [])


def listing(entries) -> str:
    return "\n  ".join(str(e) for e in entries)


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    assert PO_PATH.exists(), f"{PO_RELATIVE} is missing; run makemessages"
    return parse_po(PO_PATH)


def test_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue):
    header, entries = catalogue
    assert entries, "the catalogue is empty"
    untranslated = [e for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e for e in [header, *entries] if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated:\n  {listing(untranslated)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check, then remove the flag):\n  {listing(fuzzy)}"


def test_catalogue_uses_the_single_chinese_plural_form(catalogue):
    header, entries = catalogue
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    plural = [e for e in entries if e.msgid_plural is not None]
    wrong = [e for e in plural if set(e.msgstr) != {0}]
    assert not wrong, f"plural entries need exactly msgstr[0]:\n  {listing(wrong)}"


def test_translations_keep_every_placeholder(catalogue):
    _, entries = catalogue
    wrong = [
        e
        for e in entries
        for s in e.msgstr.values()
        if ("python-format" in e.flags or placeholders(s))
        and placeholders(s) != placeholders(e.msgid_plural or e.msgid)
    ]
    assert not wrong, f"placeholders differ from the English:\n  {listing(wrong)}"


def test_msgfmt_accepts_the_catalogue():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext (msgfmt) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", os.devnull, str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def _copy_source(destination: Path) -> None:
    """Copy what makemessages scans: the project without the venv, tests and run-time data."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for item in ROOT.iterdir():
        if item.name.startswith(".") or item.name in NOT_SOURCE:
            continue
        if item.is_dir():
            shutil.copytree(item, destination / item.name, ignore=ignore, symlinks=True)
        elif item.is_file():
            shutil.copy2(item, destination / item.name)


def test_catalogue_matches_the_source_strings(tmp_path, catalogue):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("gettext (xgettext, msgmerge) is not installed")
    _, committed = catalogue
    _copy_source(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # Import the copy, so that LOCALE_PATHS (and the file written) are in tmp_path.
        "PYTHONPATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    _, regenerated = parse_po(tmp_path / PO_RELATIVE)

    in_source = {e.key: e for e in regenerated}
    in_catalogue = {e.key: e for e in committed}
    missing = [in_source[k] for k in in_source.keys() - in_catalogue.keys()]
    stale = [in_catalogue[k] for k in in_catalogue.keys() - in_source.keys()]
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} source string(s) missing from {PO_RELATIVE}:\n  "
            + "\n  ".join(repr(e.msgid) for e in sorted(missing, key=lambda e: e.msgid))
        )
    if stale:
        problems.append(
            f"{len(stale)} entr(y/ies) in {PO_RELATIVE} no longer in the source:\n  "
            + "\n  ".join(repr(e.msgid) for e in sorted(stale, key=lambda e: e.msgid))
        )
    assert not problems, (
        "\n".join(problems)
        + "\nRun makemessages (see the top of tests/test_i18n.py) and translate."
    )


def test_known_strings_render_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
        assert translation.gettext("Awaiting verification") == "待核验"
        assert translation.gettext("Verified") == "已核验"
        message = translation.ngettext(
            "%(n)s row has a problem. Nothing was saved.",
            "%(n)s rows have problems. Nothing was saved.",
            3,
        ) % {"n": 3}
        assert "3" in message and "保存" in message
        rendered = Template(
            "{% load i18n %}{% translate 'Log out' %}|"
            "{% blocktranslate with name='王秀英' %}Hello, {{ name }}{% endblocktranslate %}"
        ).render(Context())
        assert rendered == "退出登录|王秀英，您好"


def test_compiled_catalogue_serves_every_entry(catalogue):
    """The .mo in use was compiled from this .po (run compilemessages if this fails)."""
    _, entries = catalogue
    stale = []
    with translation.override("zh-hans"):
        for e in entries:
            if e.msgid_plural is not None and e.msgctxt is not None:
                got = translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
            elif e.msgid_plural is not None:
                got = translation.ngettext(e.msgid, e.msgid_plural, 1)
            elif e.msgctxt is not None:
                got = translation.pgettext(e.msgctxt, e.msgid)
            else:
                got = translation.gettext(e.msgid)
            if got != e.msgstr[0]:
                stale.append(e)
    assert not stale, f"not served by the compiled catalogue:\n  {listing(stale)}"
