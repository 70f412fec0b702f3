"""Play controls and the Download section through AppTest, as a visitor uses them (issue 12)."""

import threading

import pytest
from streamlit.testing.v1 import AppTest

from gd_app import animation
from tests.conftest import ROOT

PAGES = [
    "pages/one_parameter.py",
    "pages/two_parameters.py",
    "pages/symbolic.py",
    "pages/optimizers.py",
]
DOWNLOADS = ["History (CSV)", "Figure (PNG, 300 dpi)", "Figure (SVG)", "Python script"]


def run(page, **query):
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def downloads(at):
    return [element.proto.label for element in at.get("download_button")]


def labels(at):
    return [button.label for button in at.button]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_play_controls_and_a_download_section(page):
    at = run(page)
    assert not at.exception
    assert [h.value for h in at.header][-1] == "Download"
    assert downloads(at) == DOWNLOADS
    assert labels(at) == ["Back", "Play", "Next", "Build animation"]
    speed = at.slider(key="speed")
    assert (speed.min, speed.max, speed.value) == (1, 10, 4)
    assert at.button(key="step_back").disabled  # at iterate 0
    if page != "pages/optimizers.py":  # the lab compares methods: no single marked row
        marked = at.table[0].value
        assert len(marked) == 1 and marked["k"].iloc[0] == "0"


def test_play_pause_and_step_buttons_move_the_scrubber():
    at = run("pages/one_parameter.py", N="6")
    at.button(key="play").click().run()
    assert not at.exception
    step = at.slider(key="step")
    assert step.value == 1 and step.disabled, "playing: the first frame, scrubber locked"
    assert labels(at)[:3] == ["Back", "Pause", "Next"]
    assert at.table[0].value["k"].iloc[0] == "1"
    at.button(key="play").click().run()  # pause
    assert at.slider(key="step").value == 1 and not at.slider(key="step").disabled
    assert labels(at)[:3] == ["Back", "Play", "Next"]
    at.button(key="step_forward").click().run()
    assert at.slider(key="step").value == 2
    assert at.table[0].value["k"].iloc[0] == "2"
    for _ in range(2):
        at.button(key="step_back").click().run()
    assert at.slider(key="step").value == 0 and at.button(key="step_back").disabled


def test_play_at_the_last_iterate_starts_again_and_next_stops_at_the_end():
    at = run("pages/one_parameter.py", N="4", step="3")
    assert at.button(key="step_forward").disabled
    at.button(key="play").click().run()
    assert at.slider(key="step").value == 1  # from 0 again, first frame shown


def test_a_refused_speed_in_the_link_is_explained():
    at = run("pages/two_parameters.py", speed="50")
    assert at.slider(key="speed").value == 4
    assert any("speed" in w.value and "1 to 10" in w.value for w in at.warning)


def test_build_animation_one_build_per_session_then_download(monkeypatch):
    release, started = threading.Event(), threading.Event()
    real = animation.build_gif

    def held(*args, progress, **kwargs):
        started.set()
        progress(0, 4)
        release.wait(30)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(animation, "build_gif", held)
    at = run("pages/one_parameter.py", N="4", speed="9")
    build_button = next(b for b in at.button if b.label == "Build animation")
    build_button.click().run()
    assert started.wait(30)
    assert "Build animation" not in labels(at), "one build per session at a time"
    assert any("frame 0 of 4" in p.proto.text for p in at.get("progress"))
    # Another run's animation can't start while this one builds.
    at.slider(key="N").set_value(5).run()
    assert "Build animation" not in labels(at)
    assert any("other animation" in p.proto.text for p in at.get("progress"))
    release.set()
    assert at.session_state["_gif_build"].finished.wait(60)
    at.slider(key="N").set_value(4).run()
    assert "Animation (GIF)" in downloads(at)
    at.slider(key="N").set_value(5).run()
    assert "Build animation" in labels(at)
