"""Guided lessons: TOML files in the top-level ``lessons/`` folder, checked when the app starts.

A lesson file holds a ``title``, a ``summary``, an ``order`` (where it is listed) and
3 to 6 ``[[steps]]``. A step is a scenario on one demo page (its settings, the
controls it hides or locks), a prediction question, and short paragraphs:

* ``page``: one_parameter, two_parameters, symbolic or optimizers;
* ``settings``: control keys and values, each within the control's range;
* ``hide``, ``lock``: lists of control keys (optional);
* ``question``: outcome | steps | lowest (``method`` names the lab method an
  outcome question is about);
* ``intro``: shown before the answer; ``explain``: shown with the reveal.

The answer key is never in the file: it comes from the run (:mod:`gd_app.outcomes`).
A file with an unknown key or a value out of range is reported by file and key, and
the other lessons still load.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from gd_app import teacher
from gd_app.controls import (
    LAB_METHODS,
    LAB_PRESETS,
    MAX_FORMULA,
    ONE_PARAMETER,
    OPTIMIZERS,
    SYMBOLIC,
    TWO_PARAMETERS,
    Control,
)

FOLDER = Path(__file__).resolve().parent.parent / "lessons"
PAGES = {
    "one_parameter": ONE_PARAMETER,
    "two_parameters": TWO_PARAMETERS,
    "symbolic": SYMBOLIC,
    "optimizers": OPTIMIZERS,
}
TITLES = {
    "one_parameter": "One parameter",
    "two_parameters": "Two parameters",
    "symbolic": "Symbolic f(x)",
    "optimizers": "Optimizers",
}
LESSON_KEYS = {"title", "summary", "order", "steps"}
STEP_KEYS = {"title", "page", "settings", "hide", "lock", "question", "method", "intro", "explain"}
MIN_STEPS, MAX_STEPS = 3, 6
_OPTIONS = {"preset": LAB_PRESETS, "methods": LAB_METHODS}  # the lab's lists, given at call


@dataclass(frozen=True)
class Step:
    title: str
    page: str
    values: dict  # every control of the page: its default, or the lesson's setting
    hide: tuple[str, ...]
    lock: tuple[str, ...]
    question: str
    method: str | None
    intro: str
    explain: str

    def query(self) -> str:
        """The scenario's link query: its settings, what it hides or locks, prediction on."""
        controls = PAGES[self.page]
        return teacher.share_query(
            controls, self.values, hide=list(self.hide), lock=list(self.lock), predict=True
        )


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem: the ``lesson`` key of a link
    title: str
    summary: str
    order: int
    steps: tuple[Step, ...] = field(default=())


class LessonError(ValueError):
    """One problem of one file, by key."""


# ---------------------------------------------------------------- checking
def check_value(control: Control, value, where: str):
    """``value`` as the control takes it, or LessonError naming ``where`` and the range."""
    options = control.options or _OPTIONS.get(control.key, ())
    kind = control.kind
    if kind == "toggle":
        if not isinstance(value, bool):
            raise LessonError(f"{where} = {value!r} is not allowed (true or false)")
        return value
    if kind == "text":
        if not isinstance(value, str) or len(value) > MAX_FORMULA:
            raise LessonError(f"{where} must be text of at most {MAX_FORMULA} characters")
        return value
    if kind == "choice":
        if value not in options:
            raise LessonError(f"{where} = {value!r} is not allowed (one of {', '.join(options)})")
        return value
    if kind == "multiselect":
        if not isinstance(value, list) or not value or any(v not in options for v in value):
            raise LessonError(
                f"{where} = {value!r} is not allowed (a list from {', '.join(options)})"
            )
        return list(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LessonError(f"{where} = {value!r} is not allowed (a number)")
    if kind == "select":
        match = [v for v in options if math.isclose(v, value, rel_tol=1e-9)]
        if not match:
            raise LessonError(
                f"{where} = {value!r} is not allowed (one of the slider's values, "
                f"{options[0]:g} to {options[-1]:g})"
            )
        return match[0]
    if not control.low <= value <= control.high:
        raise LessonError(
            f"{where} = {value!r} is not allowed ({control.low:g} to {control.high:g})"
        )
    return int(value) if isinstance(control.default, int) else float(value)


def _text(table: dict, key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LessonError(f"{where}{key} must be non-empty text")
    return value.strip()


def parse_step(raw: dict, where: str) -> Step:
    if not isinstance(raw, dict):
        raise LessonError(f"{where} must be a table")
    unknown = sorted(set(raw) - STEP_KEYS)
    if unknown:
        raise LessonError(f"{where}.{unknown[0]} is not a key of a step ({', '.join(STEP_KEYS)})")
    page = raw.get("page")
    if page not in PAGES:
        raise LessonError(f"{where}.page = {page!r} is not allowed (one of {', '.join(PAGES)})")
    controls = {c.key: c for c in PAGES[page]}
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise LessonError(f"{where}.settings must be a table")
    values = {key: control.default for key, control in controls.items()}
    if "methods" in values:
        values["methods"] = list(values["methods"])
    for key, value in settings.items():
        if key not in controls:
            raise LessonError(
                f"{where}.settings.{key} is not a control of {page} ({', '.join(controls)})"
            )
        values[key] = check_value(controls[key], value, f"{where}.settings.{key}")
    pinned = {}
    for part in ("hide", "lock"):
        keys = raw.get(part, [])
        if not isinstance(keys, list) or any(k not in controls for k in keys):
            bad = keys if not isinstance(keys, list) else [k for k in keys if k not in controls]
            raise LessonError(
                f"{where}.{part} names {bad!r}, not controls of {page} ({', '.join(controls)})"
            )
        pinned[part] = tuple(keys)
    question = raw.get("question", "outcome")
    allowed = {"lowest", "outcome"} if page == "optimizers" else {"outcome", "steps"}
    lab_outcome = page == "optimizers" and question == "outcome"
    if question not in allowed or (lab_outcome and "method" not in raw):
        raise LessonError(
            f"{where}.question = {question!r} is not allowed here (outcome or steps; on "
            "optimizers, lowest, or outcome with a method)"
        )
    method = raw.get("method")
    if method is not None and (page != "optimizers" or method not in values["methods"]):
        raise LessonError(f"{where}.method = {method!r} is not one of the step's methods")
    _check_combination(page, values, where)
    return Step(
        title=_text(raw, "title", f"{where}."),
        page=page,
        values=values,
        hide=pinned["hide"],
        lock=pinned["lock"],
        question=question,
        method=method,
        intro=_text(raw, "intro", f"{where}."),
        explain=_text(raw, "explain", f"{where}."),
    )


def _check_combination(page: str, values: dict, where: str) -> None:
    """What a page refuses beyond single ranges (x_low < x_high, batch ≤ m, …)."""
    if page in ("one_parameter", "two_parameters"):
        from gd_app.demos.fit import refusals

        refused = refusals(values)[1]
        if refused:
            raise LessonError(f"{where}.settings: {refused[0]}")


def parse_lesson(name: str, text: str) -> Lesson:
    """A lesson from the text of ``lessons/<name>.toml``; LessonError says what is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonError(f"not valid TOML: {error}") from None
    unknown = sorted(set(raw) - LESSON_KEYS)
    if unknown:
        raise LessonError(f"{unknown[0]} is not a key of a lesson ({', '.join(LESSON_KEYS)})")
    steps = raw.get("steps", [])
    if not isinstance(steps, list) or not MIN_STEPS <= len(steps) <= MAX_STEPS:
        count = len(steps) if isinstance(steps, list) else 0
        raise LessonError(f"steps: a lesson has {MIN_STEPS} to {MAX_STEPS} steps, not {count}")
    order = raw.get("order", 99)
    if isinstance(order, bool) or not isinstance(order, int):
        raise LessonError(f"order = {order!r} is not allowed (a whole number)")
    return Lesson(
        name=name,
        title=_text(raw, "title", ""),
        summary=_text(raw, "summary", ""),
        order=order,
        steps=tuple(parse_step(step, f"steps[{i + 1}]") for i, step in enumerate(steps)),
    )


def load(folder: Path = FOLDER) -> tuple[tuple[Lesson, ...], tuple[str, ...]]:
    """Every good lesson of ``folder`` (in order), and one message per bad file."""
    lessons, problems = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            lessons.append(parse_lesson(path.stem, path.read_text(encoding="utf-8")))
        except (LessonError, UnicodeDecodeError) as error:
            problems.append(f"{path.name}: {error}")
    return tuple(sorted(lessons, key=lambda lesson: (lesson.order, lesson.name))), tuple(problems)


# ---------------------------------------------------------------- the worksheet
def worksheet(lesson: Lesson, base_url: str) -> str:
    """A printable Markdown worksheet: each step's question, its options and the scenario's
    link (prediction on). It prints no answers: those come from running the scenario."""
    from gd_app.outcomes import blank

    lines = [f"# {lesson.title}", "", lesson.summary, ""]
    lines += ["Name: ______________________    Date: ____________", ""]
    for number, step in enumerate(lesson.steps, 1):
        prompt, options = blank(step.page, step.values, step.question, step.method)
        link = f"{base_url}/{step.page}?{step.query()}"
        lines += [f"## Step {number}: {step.title}", "", step.intro, ""]
        lines += [f"Open the scenario: <{link}>", ""]
        lines += [f"**Predict before you look.** {prompt}", ""]
        lines += [f"- [ ] {option}" for option in options]
        lines += ["", "What happened, and why? ________________________________________", ""]
    return "\n".join(lines) + "\n"
