"""Checks the browser tests run inside their page walks: axe-core (accessibility), touch target
sizes on phones, focus that is never lost to <body>, and moving through a page with the keyboard
alone.

axe-core runs in the page through Playwright's evaluate (DevTools, which the Content-Security-
Policy does not govern), so the same windows still record the policy's violations."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")  # axe impacts the store must have none of
MIN_TARGET = 44  # px: the touch target size on phones
_axe = Axe()

# What a finger presses on the store's pages (radio buttons and checkboxes: their labels).
TARGETS = (
    "button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), a.button, "
    ".chip-remove, .trail-text a, .trail-product a, label.start, .sizes label, label.drawer-open, "
    ".header-nav a, .pagination a, .card-link, [role=option]"
)
SMALL_TARGETS_JS = """([selector, min]) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    if (box.height < min - 0.5 || box.width < min - 0.5)
      small.push(`${el.outerHTML.slice(0, 90)} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""


def assert_accessible(page, what: str = "") -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations = _axe.run(page).response["violations"]
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{what or page.url} at {page.viewport_size['width']} px:\n" + "\n".join(blocking)


def assert_touch_targets(page) -> None:
    """Every visible control is at least 44 × 44 px (phones)."""
    small = page.evaluate(SMALL_TARGETS_JS, [TARGETS, MIN_TARGET])
    assert not small, f"{page.url}: touch targets under {MIN_TARGET} px:\n" + "\n".join(small)


def focused(page) -> str:
    """The focused element, as a short description ("body" when the focus is lost)."""
    return page.evaluate(
        "() => { const e = document.activeElement; if (!e || e === document.body) return 'body';"
        " const name = e.name ? `[name=${e.name}]` : '';"
        " return e.tagName.toLowerCase() + name + ' ' + (e.textContent || '').trim().slice(0, 40); }"
    )


def assert_focus_kept(page) -> None:
    assert focused(page) != "body", f"the focus is lost to <body> on {page.url}"


def tab_to(page, predicate: str, limit: int = 120, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element `e` satisfies the JavaScript `predicate`;
    the focus must be on some element after every press."""
    test = f"() => {{ const e = document.activeElement; return !!e && e !== document.body && ({predicate}) }}"
    for _ in range(limit):
        if page.evaluate(test):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert_focus_kept(page)
    raise AssertionError(f"Tab never reached {predicate} on {page.url}")


FOCUS_RING_JS = """() => {
  const style = getComputedStyle(document.activeElement);
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = c => { const [r, g, b] = rgb(c).map(channel); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ring = lum(style.outlineColor);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          contrast: (Math.max(ring, 1) + 0.05) / (Math.min(ring, 1) + 0.05)};
}"""


def assert_focus_ring(page) -> None:
    """The focused element shows a solid ring at least 2 px wide, of 3:1 contrast against white."""
    ring = page.evaluate(FOCUS_RING_JS)
    assert ring["style"] != "none" and ring["width"] >= 2 and ring["contrast"] >= 3, ring
