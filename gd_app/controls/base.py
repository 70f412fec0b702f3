"""What a control is: its public key, label, range, default and kind, and helpers on them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    key: str
    label: str
    default: float | int | str
    low: float | int | None = None
    high: float | int | None = None
    step: float | int | None = None
    kind: str = "slider"  # slider | number | text | select (a select slider) | choice | toggle
    help: str = ""
    format: str | None = None
    options: tuple = ()  # the values of a select slider or a choice


def two_digit_values(low: float, high: float) -> tuple[float, ...]:
    """Every number with two significant digits from ``low`` to ``high``: 1.0, 1.1, … 9.9 per
    decade, so a select slider over them moves in steps of 1 % to 10 % across many decades."""
    values = {
        float(f"{digits / 10}e{exponent}")
        for exponent in range(-12, 4)
        for digits in range(10, 100)
    }
    return tuple(sorted(v for v in values if low <= v <= high))


def allowed_values(control: Control) -> tuple[float, ...]:
    """Every value a slider or select slider can take (its grid), low to high."""
    if control.kind == "select":
        return tuple(control.options)
    count = round((control.high - control.low) / control.step)
    return tuple(round(control.low + k * control.step, 10) for k in range(count + 1))


def control(controls: tuple[Control, ...], key: str) -> Control:
    return next(c for c in controls if c.key == key)


def defaults(controls: tuple[Control, ...]) -> dict:
    return {c.key: c.default for c in controls}
