"""Plain words: no text a visitor sees or downloads names the documents the demos grew from
("the seed's", "seed 000", "seed 004"), an issue number or the code's internal names.

Every page of the app's navigation runs through AppTest; all it sends to the browser
(markdown, captions, alerts, labels, help tooltips, alt texts, column help, link labels)
is read from the elements' protobufs, so a tooltip counts as much as a paragraph. Each
page's downloads (history CSV, Python script, lesson worksheets) are scanned as well.
The random-seed control ("random seed", ``seed = 0`` in a script) is not such a mention.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from gd_app import export, lessons
from gd_app.controls import OPTIMIZERS, defaults
from tests.conftest import ROOT
from tests.test_export import PAGES as EXPORT_PARAMS

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))

FORBIDDEN = {
    "a source document": re.compile(
        r"the seeds?'s?\b|\bseeds'|\bseed\s*0\d\d\b|\((?:first|second) demo\)", re.IGNORECASE
    ),
    "an issue number": re.compile(r"\bissues?\s*#?\d+|(?<![\w&/])#\d{1,4}\b", re.IGNORECASE),
    "an internal name": re.compile(
        r"\bgd_(?:app|core)\b|\bstreamlit_app\b|\b(?:pages|tests|bench)/\w+\.py\b|\bFitRun\b"
        r"|\bTrajectory\b"
        r"|\bLeastSquares\b|\bStopReason\b|\bfit_png\b|\b_\w+_run\b|\bst\.\w+\(",
    ),
}


def mentions(text: str) -> list[str]:
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            start = max(match.start() - 50, 0)
            found.append(f"{what}: …{text[start : match.end() + 50]}…")
    return found


def shown_text(at: AppTest) -> str:
    """Every string the run sent to the browser, from each element's protobuf."""
    texts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            for field, value in proto.ListFields():
                if field.name in ("data", "arrow_data"):  # a table's cells: checked below
                    continue
                texts.append(str(value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:  # the cells a table shows (statuses, names)
        texts.append(frame.value.to_csv(index=False))
    return "\n".join(texts)


def test_the_patterns_catch_what_they_should_and_spare_the_random_seed():
    assert mentions("Stop after the first step smaller than this (the seed's rule).")
    assert mentions("One-parameter fit h(x) = θ1·x (seed 000, first demo)")
    assert mentions("see issue 22") and mentions("as #14 asked")
    assert mentions("drawn by gd_app.plotting") and mentions("run pages/symbolic.py")
    assert not mentions("random seed: picks which noise is drawn; seed = 0")
    assert not mentions("np.random.default_rng(seed).standard_normal(m)")
    assert not mentions("the colour #0072B2 and x from 9 to 11")


@pytest.mark.parametrize("page", ["streamlit_app.py", *PAGES])
def test_no_page_shows_sources_issue_numbers_or_internal_names(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    text = shown_text(at)
    assert len(text) > 500, "the page showed next to nothing"
    assert not mentions(text), mentions(text)


@pytest.mark.parametrize("page", [*EXPORT_PARAMS, "optimizers"])
def test_no_download_names_them_either(page):
    hooks = export.hooks(page)
    params = EXPORT_PARAMS.get(page) or defaults(OPTIMIZERS)
    for name, text in (("CSV", hooks.history_csv(**params)), ("script", hooks.script(**params))):
        assert text.strip(), name
        assert not mentions(text), (name, mentions(text))


def test_no_lesson_worksheet_names_them():
    found, problems = lessons.load()
    assert found and not problems, problems
    for lesson in found:
        text = lessons.worksheet(lesson, "http://localhost:8501")
        assert not mentions(text), (lesson.name, mentions(text))


def test_the_scan_reads_tooltips_alt_texts_and_table_cells():
    """What the scan reads includes help tooltips, figure alt texts and table statuses."""
    at = AppTest.from_file(str(ROOT / "pages/two_parameters.py"), default_timeout=120).run()
    text = shown_text(at)
    assert "The start plus N − 1 gradient-descent steps." in text  # N's help tooltip
    assert "Cost function: a colour map of the full-batch cost" in text  # a panel's alt text
    assert "Iteration number; 0 is the start." in text  # a table column's help
    assert at.dataframe[0].value["status"].iloc[1] in text  # a table cell
