"""The lessons page's parts: pick a lesson and a step, predict, reveal, go on.

Each step runs its scenario through the demo pages' own view models and pictures;
the question and its answer key come from that run (:mod:`gd_app.outcomes`), the
answer is kept in the session (:mod:`gd_app.predict`).
"""

from __future__ import annotations

import functools

import streamlit as st

from gd_app import lessons, outcomes, predict, ui
from gd_app.controls import Control

LESSON, STEP = "lesson", "lesson_step"  # public keys: a link starts a class on one step


@functools.cache
def catalogue() -> tuple[tuple[lessons.Lesson, ...], tuple[str, ...]]:
    """Every lesson file, checked once when the app starts (restart to load a new file)."""
    return lessons.load()


def _scenario(page: str):
    """The page's view model and picture function."""
    from gd_app import demos
    from gd_app.demos import optimizers

    return {
        "one_parameter": (demos.one_parameter, demos.one_parameter_picture),
        "two_parameters": (demos.two_parameters, demos.two_parameters_picture),
        "symbolic": (demos.symbolic, demos.symbolic_picture),
        "optimizers": (optimizers.optimizers, optimizers.optimizers_picture),
    }[page]


def pick(all_lessons: tuple[lessons.Lesson, ...]) -> tuple[lessons.Lesson, int]:
    """The lesson and step pickers. The link holds both (``lesson`` by file name,
    ``lesson_step`` from 1); a link's value that names no lesson or step is reported."""
    by_name = {lesson.name: lesson for lesson in all_lessons}
    if "_lesson_link_read" not in st.session_state:  # a session's first visit: the link decides
        st.session_state["_lesson_link_read"] = True
        _from_link(by_name)

    def restart() -> None:
        st.session_state[STEP] = 1

    name = st.selectbox(
        "Lesson",
        list(by_name),
        format_func=lambda n: by_name[n].title,
        key=LESSON,
        on_change=restart,
    )
    lesson = by_name[name]
    numbers = list(range(1, len(lesson.steps) + 1))
    if st.session_state.get(STEP) not in numbers:
        st.session_state[STEP] = 1
    number = st.selectbox(
        "Step",
        numbers,
        format_func=lambda k: f"Step {k} of {len(numbers)}: {lesson.steps[k - 1].title}",
        key=STEP,
    )
    st.query_params[LESSON] = name  # plain query parameters: the picker shows titles
    st.query_params[STEP] = str(number)
    return lesson, number


def _from_link(by_name: dict) -> None:
    raw_name, raw_step = st.query_params.get(LESSON), st.query_params.get(STEP)
    names = tuple(by_name)
    name = raw_name if raw_name in by_name else names[0]
    numbers = tuple(str(k) for k in range(1, len(by_name[name].steps) + 1))
    step = raw_step if raw_step in numbers else "1"
    st.session_state[LESSON], st.session_state[STEP] = name, int(step)
    checks = [
        (Control(LESSON, "lesson", names[0], kind="choice", options=names), raw_name, name),
        (Control(STEP, "step", 1, kind="choice", options=numbers), raw_step, step),
    ]
    ui.report_refused("lessons", "lesson", checks)


def show_step(lesson: lessons.Lesson, number: int) -> None:
    """One step: scenario, question, picture; once answered the reveal, the verdict, the
    paragraph, and the way on."""
    step = lesson.steps[number - 1]
    view, draw = _scenario(step.page)
    st.header(f"Step {number}: {step.title}", anchor=False)
    st.markdown(step.intro)
    base = (st.context.url or "").removesuffix("/lessons")
    st.markdown(
        f"[Open this scenario on the {lessons.TITLES[step.page]} page]"
        f"({base}/{step.page}?{step.query()}) (prediction on; some controls hidden or locked)"
    )
    try:
        demo = view(**step.values)
        question = outcomes.question(step.page, step.values, step.question, step.method)
    except Exception as error:  # a formula the budget refused, say: the lesson goes on
        st.error(ui.escape_markdown(f"This step's scenario can't run here: {error}"))
        return
    where = f"lesson_{lesson.name}_{number}"
    answer = predict.ask(where, step.values, question)
    rows = getattr(demo, "longest", None) or len(demo.table)
    theme = ui.current_theme()
    if answer is None:
        ui.show_picture(draw(step=0, theme=theme, reveal=True, **step.values))
        return
    ui.show_picture(draw(step=rows - 1, theme=theme, **step.values))
    if hasattr(demo, "verdict"):
        ui.show_verdicts(demo)
    else:
        st.markdown("\n".join(f"- **{m}**: {ui.escape_markdown(s)}" for m, s in demo.sentences))
    st.markdown(step.explain)
    if number < len(lesson.steps):
        st.button(
            "Next step",
            key="next_step",
            type="primary",
            icon=":material/arrow_forward:",
            on_click=lambda: st.session_state.update({STEP: number + 1}),
        )
    else:
        st.success("That was the last step of this lesson.", icon=":material/flag:")


def worksheet_button(lesson: lessons.Lesson) -> None:
    base = (st.context.url or "").removesuffix("/lessons")
    st.download_button(
        "Download the worksheet (Markdown)",
        lessons.worksheet(lesson, base),
        file_name=f"{lesson.name}.md",
        mime="text/markdown",
        icon=":material/print:",
        help="Every step's question and options, with a link to its scenario, to print.",
    )


def answered(lesson: lessons.Lesson) -> int:
    """How many of ``lesson``'s steps have a committed answer in this session."""
    return sum(
        predict.committed(f"lesson_{lesson.name}_{k}", step.values) is not None
        for k, step in enumerate(lesson.steps, 1)
    )
