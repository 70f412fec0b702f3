"""The floor for bench/latency.py: a bare Streamlit app, a slider and one cached PNG per value.

Every PNG (1680x960, the one-parameter figure's size) is drawn and encoded in
the first run, so a later rerun only looks one up: what is left is Streamlit's
own cost (the rerun, the websocket round trip, the media fetch and the decode).
"""

import io

import numpy as np
import streamlit as st
from PIL import Image

VALUES = [round(0.1 + 0.05 * i, 2) for i in range(119)]  # as the one-parameter α slider


@st.cache_resource
def pictures() -> dict[float, bytes]:
    """A plot-like picture per value: white, a grey grid, and a curve that moves with it."""
    x = np.linspace(0, 1, 1680)
    out = {}
    for value in VALUES:
        rgb = np.full((960, 1680, 3), 255, np.uint8)
        rgb[::96] = rgb[:, ::168] = 200
        y = (480 + 400 * np.sin(2 * np.pi * (x * value + value))).astype(int)
        for dy in range(-2, 3):
            rgb[np.clip(y + dy, 0, 959), np.arange(1680)] = (0, 114, 178)
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
        out[value] = buffer.getvalue()
    return out


alpha = st.sidebar.slider("learning rate α", 0.1, 6.0, 1.15, 0.05, key="alpha", bind="query-params")
st.image(pictures()[round(alpha, 2)], width=1680, output_format="PNG")
