"""Accessibility: axe-core 4.14 (Deque's rules engine) finds no serious or critical
violation on any page of the app, and headings go down one level at a time (#14).

Every page the app's navigation lists is checked, so pages added later are too.
axe-core comes from npm: ``npm ci --prefix .ci/axe`` (``.ci/run`` does it) puts the
pinned version in ``.ci/axe/node_modules``; ``AXE_CORE`` may name another axe.min.js.
Without it (or without Chromium) the test skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e_support import (  # noqa: F401  (fixtures, used by name)
    ROOT,
    VIEWPORT,
    _need,
    browser,
    logs,
    new_context,
    open_page,
    page,
    server,
)

pytestmark = pytest.mark.browser

AXE = Path(os.environ.get("AXE_CORE") or ROOT / ".ci/axe/node_modules/axe-core/axe.min.js")
AXE_VERSION = "4.14."
PAGES = ["/", "/one_parameter", "/two_parameters", "/symbolic"]  # at least these
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return {version: axe.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }))};
}"""


def navigation_paths(tab) -> list[str]:
    """The paths of every page the sidebar's navigation links to."""
    hrefs = tab.locator('[data-testid="stSidebarNavLink"]').evaluate_all(
        "links => links.map(a => a.href)"
    )
    return [urlsplit(href).path or "/" for href in hrefs]


def axe_violations(tab) -> tuple[str, list[dict]]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate(RUN_AXE)
    return result["version"], result["violations"]


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("size", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_no_serious_or_critical_violation_on_any_page(server, page, size):  # noqa: F811
    _need(AXE.exists(), f"axe-core is not installed (no {AXE}; run `npm ci --prefix .ci/axe`)")
    page.set_viewport_size(size)
    open_page(page, server.url + "/", ready="h1")
    paths = navigation_paths(page)
    assert set(PAGES) <= set(paths), paths
    found, report = {}, []
    for path in paths:
        ready = "h1" if path == "/" else '[data-testid="stImage"]'  # every demo has a figure
        open_page(page, server.url + path, ready=ready)
        version, violations = axe_violations(page)
        assert version.startswith(AXE_VERSION), version
        found[path] = violations
        report.append(
            f"{path}: " + (", ".join(f"{v['id']} ({v['impact']})" for v in violations) or "none")
        )
    print(f"\naxe-core {version} at {size['width']}×{size['height']}: " + "; ".join(report))
    blocking = {
        path: [v for v in violations if v["impact"] in BLOCKING]
        for path, violations in found.items()
    }
    assert not any(blocking.values()), json.dumps(blocking, indent=1, ensure_ascii=False)
    # Moderate, but named in #14: headings must not skip a level (h1 straight to h3).
    order = {path: [v for v in vs if v["id"] == "heading-order"] for path, vs in found.items()}
    assert not any(order.values()), json.dumps(order, indent=1, ensure_ascii=False)
