"""Controls on every demo page: the scrubber, the play speed and prediction mode."""

from __future__ import annotations

from gd_app.controls.base import Control

STEP = Control(
    "step",
    "highlight iterate",
    0,
    0,
    None,
    1,
    help="Pick one iteration: it is marked in every figure and in the table.",
)

SPEED = Control(
    "speed",
    "play speed (frames per second)",
    4,
    1,
    10,
    1,
    help="How many iterates ▶ Play shows per second; slower frames are dropped, not queued.",
)


# ---------------------------------------------------------------- prediction mode (for a class)
PREDICT = Control(
    "predict",
    "predict first",
    False,
    kind="toggle",
    help="Hide how the run ends (the path past the start, the verdict, α_crit, the final "
    "numbers and the table past row 0) until you have answered a question about it.",
)
