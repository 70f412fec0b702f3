"""Prediction mode: ask what a run will do, hide the outcome until the answer, then reveal.

The question is a radio whose key is ``prediction``; an answer is committed with the
"Check my prediction" button and kept in the session, under the page (or lesson step)
and the run's settings: changing any control asks again. The answer key comes from
the run (:mod:`gd_app.outcomes`), never from a lesson file.
"""

from __future__ import annotations

import streamlit as st

from gd_app.outcomes import Question

KEY = "prediction"  # the question's widget: what the student predicts
COMMIT = "commit_prediction"  # its button
ANSWERS = "_predictions"  # session: {(where, settings): the committed choice}


def settings_key(values: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in values.items()))


def committed(where: str, values: dict) -> str | None:
    """The answer committed for these settings at ``where``, if any."""
    return st.session_state.get(ANSWERS, {}).get((where, settings_key(values)))


def ask(where: str, values: dict, question: Question) -> str | None:
    """The question, or (once answered) the reveal. Returns the committed answer or None."""
    key = (where, settings_key(values))
    answers = st.session_state.setdefault(ANSWERS, {})
    asked = f"_prediction_asked_{where}"
    if st.session_state.get(asked) != key:  # new settings: a fresh question, no answer ticked
        st.session_state[asked] = key
        st.session_state.pop(KEY, None)
    if key in answers:
        reveal(question, answers[key])
        return answers[key]
    with st.container(border=True):
        st.markdown("**Predict first.** " + question.prompt)
        choice = st.radio(
            "Your prediction",
            question.options,
            index=None,
            key=KEY,
            help="Pick what you expect, then check it. The outcome stays hidden until then.",
        )
        if st.button(
            "Check my prediction",
            key=COMMIT,
            type="primary",
            disabled=choice is None,
            icon=":material/visibility:",
        ):
            answers[key] = choice
            st.rerun()
    st.caption(
        "Hidden until you answer: the path past the iterate shown, the verdict, α_crit and "
        "the theory lines, the final numbers and the table past row 0."
    )
    return None


def reveal(question: Question, answer: str) -> None:
    """What happened, whether the prediction was right, and one sentence why."""
    right = answer == question.answer
    text = (
        f"{question.happened} You predicted: {answer}. "
        + ("That's right. " if right else f"Not quite: the answer is '{question.answer}'. ")
        + f"Why: {question.reason}"
    )
    from gd_app.text import escape_markdown

    (st.success if right else st.warning)(
        escape_markdown(text),
        icon=":material/check_circle:" if right else ":material/lightbulb:",
    )
