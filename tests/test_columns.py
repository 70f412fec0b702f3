"""One column spec per demo: the history table, its column_config, the CSV and the
exported script's columns all come from the demo's spec, in the spec's order."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from gd_app import demos, export
from gd_app.columns import Column, Spec
from gd_app.columns.fit import ONE_PARAMETER, TWO_PARAMETERS
from gd_app.columns.lab import LAB, LAB_HISTORY, LAB_SUMMARY, LAB_THEORY
from gd_app.columns.symbolic import SYMBOLIC
from gd_app.controls import ONE_PARAMETER as ONE_CONTROLS
from gd_app.controls import OPTIMIZERS, defaults
from gd_app.controls import SYMBOLIC as SYMBOLIC_CONTROLS
from gd_app.controls import TWO_PARAMETERS as TWO_CONTROLS
from gd_app.demos import optimizers as lab
from gd_core.lab import PRESETS

# Today's public names, written out here: the CSV headers a student's files carry.
PUBLIC = {
    "one": ("iteration", "theta1", "J", "grad_theta1", "step_theta1", "ratio", "status"),
    "two std": (
        "iteration",
        "theta0_std",
        "theta1_std",
        "theta0",
        "theta1",
        "J",
        "grad_theta0_std",
        "grad_theta1_std",
        "batch_grad_theta0_std",
        "batch_grad_theta1_std",
        "step_theta0_std",
        "step_theta1_std",
        "alpha",
        "ratio",
        "status",
    ),
    "symbolic": ("iteration", "x", "f", "df", "step", "d2f", "alpha_crit", "ratio", "status"),
}
FIT = [
    ("one_parameter", ONE_PARAMETER, ONE_CONTROLS, {}, "one"),
    ("one_parameter", ONE_PARAMETER, ONE_CONTROLS, {"batch": 3, "schedule": "cosine"}, None),
    ("two_parameters", TWO_PARAMETERS, TWO_CONTROLS, {}, None),
    (
        "two_parameters",
        TWO_PARAMETERS,
        TWO_CONTROLS,
        {"standardize": True, "batch": 5, "noise": 0.3, "x_low": 9.0, "x_high": 11.0},
        "two std",
    ),
    ("symbolic", SYMBOLIC, SYMBOLIC_CONTROLS, {}, "symbolic"),
]


def in_spec_order(spec: Spec, present) -> list[str]:
    return [name for name in spec.names if name in set(present)]


def printed_header(script: str, tmp_path) -> list[str]:
    path = tmp_path / "script.py"
    path.write_text(script)
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return list(pd.read_csv(io.StringIO(done.stdout)).columns)


@pytest.mark.parametrize("page, spec, controls, changes, public", FIT)
def test_table_csv_and_script_columns_are_the_specs(
    page, spec, controls, changes, public, tmp_path
):
    params = {**defaults(controls), **changes}
    hook = export.hooks(page)
    table = getattr(demos, page)(**params).table
    columns = list(table.columns)
    assert columns == in_spec_order(spec, columns) and len(columns) > 4
    if public is not None:  # the public names are today's
        assert columns == list(PUBLIC[public])
    csv = pd.read_csv(io.StringIO(hook.history_csv(**params)))
    assert list(csv.columns) == columns
    numeric = [name for name in spec.numeric if name in columns]
    assert "status" not in numeric
    assert printed_header(hook.script(**params), tmp_path) == numeric


@pytest.mark.parametrize(
    "change", [{"methods": ("adam", "momentum")}, {"methods": ("gd", "newton", "bfgs"), "N": 30}]
)
def test_lab_tables_csv_and_script_columns_are_the_specs(change, tmp_path):
    params = {**defaults(OPTIMIZERS), "N": 60, **change}
    for method, table in lab.optimizers(**params).histories.items():
        columns = list(table.columns)
        assert columns == in_spec_order(LAB_HISTORY, columns), method
    newton = lab.optimizers(**params).histories.get("newton")
    if newton is not None:
        assert {"h_evals", "tau", "note", "trial_points"} <= set(newton.columns)
    csv = pd.read_csv(io.StringIO(lab.history_csv(**params)))
    assert list(csv.columns) == list(LAB.names)
    assert list(csv.columns)[:8] == [
        "method", "iteration", "x", "y", "f", "df_dx", "df_dy", "grad_norm"
    ]  # fmt: skip
    assert printed_header(lab.script(**params), tmp_path) == list(LAB.names)
    assert LAB_HISTORY.names == LAB.names[1:]


@pytest.mark.parametrize(
    "spec", [ONE_PARAMETER, TWO_PARAMETERS, SYMBOLIC, LAB_HISTORY, LAB_SUMMARY, LAB_THEORY]
)
def test_column_config_labels_every_column_of_the_spec(spec):
    config = spec.config()
    assert list(config) == list(spec.names)
    for column in spec.columns:
        shown = config[column.name]
        assert shown["label"] == column.label and shown["help"] == column.help
        if column.numeric:
            assert shown["type_config"]["format"] == column.format


def test_a_column_the_spec_does_not_declare_is_refused():
    spec = Spec((Column("iteration", "k", format="%d"), Column("x", "x")))
    assert list(spec.frame({"x": [1.0], "iteration": [0]}).columns) == ["iteration", "x"]
    with pytest.raises(KeyError, match="undeclared"):
        spec.frame({"iteration": [0], "undeclared": [1.0]})
    with pytest.raises(ValueError):
        Spec((Column("x", "x"), Column("x", "x again")))


def test_the_lab_s_summary_and_theory_tables_are_their_specs_columns():
    params = {**defaults(OPTIMIZERS), "preset": "bowl", "f": PRESETS["bowl"][0], "N": 50}
    params["methods"] = ("gd", "momentum", "adam")
    demo = lab.optimizers(**params)
    assert list(demo.summary.columns) == list(LAB_SUMMARY.names)
    assert list(demo.summary["method"]) == ["gd", "momentum", "adam"]
    assert list(demo.theory_table.columns) == list(LAB_THEORY.names)
    assert list(demo.theory_table["method"]) == ["gd", "momentum"]  # the methods with a limit
