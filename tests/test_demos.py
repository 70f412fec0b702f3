"""A page's table and its picture share one run, however their arguments are ordered."""

from gd_app import demos
from gd_app.demos import fit_one as fit


def test_table_and_picture_share_one_run_whatever_the_argument_order():
    # From empty caches, whatever other tests computed before: the table computes the run
    # (one miss), the picture finds it (one hit).
    for cached in (fit._one_run, demos.one_parameter_picture):
        cached.cache_clear()
    params = dict(seed=7, theta1=0.1, alpha=0.8, N=12)  # order and omitted defaults differ
    before = fit._one_run.cache_info()
    demos.one_parameter(**params)
    demos.one_parameter_picture(step=3, **dict(reversed(list(params.items()))), m=20)
    after = fit._one_run.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 1
