"""Shared page checks for the browser tests: contrast, text sizes, tap targets, labels on
one line, and logging in. Each check runs in the page and returns what it found wrong."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD

# WCAG 2.1 relative luminance and contrast ratio of every visible piece of text against
# the background it is actually drawn on (the element's and its ancestors' background
# colours composited down to the white canvas; semi-transparent text is blended too).
# Returns [ratio, text, colour, background, selector] for each element under `min`.
CONTRAST_JS = r"""(min) => {
  const parse = (c) => {
    if (!c) return null;
    let m = c.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = c.match(/^color\(srgb ([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s\/]+/).filter(Boolean).map(parseFloat);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const background = (el) => {
    const layers = [];
    let opacity = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      opacity *= parseFloat(s.opacity);
      const bg = parse(s.backgroundColor);
      if (bg && bg[3] > 0) {
        layers.push(bg);
        if (bg[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return [result, opacity];
  };
  const label = (el) => {
    const cls = typeof el.className === 'string' ? el.className.trim() : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (cls ? '.' + cls.split(/\s+/).join('.') : '');
  };
  const bad = [];
  const check = (el, colour, text) => {
    const [bg, opacity] = background(el);
    let fg = parse(colour);
    if (!fg) return;
    fg = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
    const r = ratio(fg, bg);
    const back = 'rgb(' + bg.slice(0, 3).map(Math.round).join(',') + ')';
    if (r < min) bad.push([Math.round(r * 100) / 100, text.slice(0, 30), colour, back, label(el)]);
  };
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || s.visibility === 'hidden') continue;
    if (box.right <= 0 || el.closest('[aria-hidden="true"]')) continue;
    if (['INPUT', 'TEXTAREA'].includes(el.tagName)) {
      if (['hidden', 'checkbox', 'radio', 'file', 'color', 'range'].includes(el.type)) continue;
      if (el.value) check(el, s.color, el.value);
      else if (el.placeholder) {
        check(el, getComputedStyle(el, '::placeholder').color, el.placeholder);
      }
      continue;
    }
    if (el.tagName === 'SELECT') {
      const o = el.options[el.selectedIndex];
      if (o) check(el, s.color, o.text);
      continue;
    }
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
    if (!own.length) continue;
    check(el, s.color, own.map(n => n.textContent.trim()).join(' '));
  }
  return bad;
}"""

# Every visible element carrying text of its own: [font size px, text, selector].
TEXT_SIZES_JS = r"""(root) => {
  const out = [];
  const scope = root ? document.querySelector(root) : document.body;
  for (const el of scope.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width <= 1 || !box.height || style.visibility === 'hidden') continue;
    const text = el.textContent.trim().slice(0, 30);
    out.push([parseFloat(style.fontSize), text, el.tagName + '.' + el.className]);
  }
  return out;
}"""

# Every visible tap target under `root`: [height, width, label]. Buttons, form controls,
# links standing alone (in lists, table cells, navigation) and choices; a link inside a
# sentence is part of the text (WCAG 2.5.8 exempts it).
TARGETS = (
    "a.btn, button, input:not([type=hidden]), select, textarea, .form-check, .nav-link,"
    " .page-link, .dropdown-item, .list-group-item a, li > a, td > a, dd > a, .list-group a,"
    " label:has(input[type=radio]), label:has(input[type=checkbox])"
)
TARGETS_JS = r"""([root, sel]) => {
  const out = [];
  for (const el of document.querySelector(root).querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || !box.height || style.visibility === 'hidden') continue;
    // A radio or checkbox is tapped through its choice row or its label.
    const choice = el.matches('input[type=radio], input[type=checkbox]');
    if (choice && (el.closest('.form-check') || el.closest('label'))) continue;
    if (el.closest('.skip-link') || el.matches('.skip-link')) continue;
    const text = (el.textContent || el.name || el.type || '').trim().slice(0, 30);
    out.push([box.height, box.width, text]);
  }
  return out;
}"""


def small_targets(page, root: str, minimum: float) -> list:
    found = page.evaluate(TARGETS_JS, [root, TARGETS])
    return [(round(h), label) for h, _w, label in found if h < minimum - 0.5]


def small_text(page, root: str, minimum: float) -> list:
    found = page.evaluate(TEXT_SIZES_JS, root)
    return [(px, text, where) for px, text, where in found if px < minimum - 0.05]


# Each navigation bar item: [lines its label takes, label, item height, item top]. Lines
# are counted from the label's text boxes: boxes whose tops differ by more than half a
# box's height are on different lines.
NAV_LABELS_JS = r"""() => {
  const out = [];
  const sel = '.navbar .nav-link, .navbar .navbar-text, .navbar-brand, .navbar .btn';
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const rects = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    rects.sort((a, b) => a.top - b.top);
    let lines = 0, top = -1e9;
    for (const r of rects) {
      if (r.top > top + r.height / 2) { lines += 1; top = r.top; }
    }
    out.push([lines, el.textContent.trim().slice(0, 30), box.height, box.top]);
  }
  return out;
}"""


def log_in(page, phone: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="username"]').fill(phone)
    page.locator('input[name="password"]').fill(password)
    page.locator('#main [type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def low_contrast(page, minimum: float = 4.5) -> list:
    return page.evaluate(CONTRAST_JS, minimum)
