"""Guided lessons: predict what a run will do, see it, and read why."""

import streamlit as st

from gd_app import lesson_view, ui

ui.run_through_navigation()
st.title("Lessons")
st.markdown(
    "Each lesson is a few short steps. In every step you see a gradient-descent run's "
    "settings and its start, **predict** what the run will do, then see what it did and why. "
    "Your answers stay in this browser tab; the link keeps the lesson and step, so a class "
    "can start together."
)

lessons, problems = lesson_view.catalogue()
for problem in problems:
    st.warning(
        ui.escape_markdown(f"A lesson file was not loaded: {problem}"), icon=":material/rule:"
    )
if not lessons:
    st.stop()
lesson, number = lesson_view.pick(lessons)
st.caption(
    f"{lesson.summary} Answered so far: {lesson_view.answered(lesson)} of {len(lesson.steps)}."
)
lesson_view.worksheet_button(lesson)
lesson_view.show_step(lesson, number)
