"""The server settings in .streamlit/config.toml, and that Streamlit still has them."""

import tomllib

from streamlit import config

from tests.conftest import ROOT

SETTINGS = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_every_setting_is_one_this_streamlit_knows():
    known = config.get_config_options()
    for section, options in SETTINGS.items():
        for name in options:
            assert f"{section}.{name}" in known, f"Streamlit has no option {section}.{name}"


def test_no_full_garbage_collection_after_every_rerun():
    """A gc.collect(2) per rerun held the GIL ~150 ms over this app's heap (bench/latency.py)."""
    assert SETTINGS["runner"]["postScriptGC"] is False
    assert config.get_option("runner.postScriptGC") is False  # read from the repository's file
