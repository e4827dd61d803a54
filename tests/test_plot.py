"""Plots of a real study: each returns a matplotlib Figure that saves as a PNG, draws
what the study holds (log axes, categories, failed and pruned trials apart), and never
opens a window."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

import tunesmith as ts
from tunesmith import plot
from tunesmith.analysis.timeline import lanes


def objective(trial):
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    kind = trial.suggest_categorical("kind", ["linear", "tree"])
    depth = trial.suggest_int("depth", 1, 8) if kind == "tree" else 0
    if trial.number % 9 == 4:
        raise ValueError("diverged")
    loss = (math.log10(lr) + 2.5) ** 2 + 0.1 * depth
    for step in range(5):
        trial.report(loss + 1 / (step + 1), step)
        if trial.number % 6 == 1 and step == 2:
            raise ts.TrialPruned()
    return loss


@pytest.fixture(scope="module")
def study():
    study = ts.create_study(sampler="random", seed=0, study_name="plots")
    study.optimize(objective, n_trials=45, catch=(ValueError,))
    return study


def test_every_plot_is_a_figure_that_saves_as_png(study, tmp_path):
    figures = {
        "history": plot.plot_optimization_history(study),
        "slice": plot.plot_slice(study),
        "parallel": plot.plot_parallel_coordinate(study),
        "contour": plot.plot_contour(study, params=["lr", "depth"]),
        "importance": plot.plot_param_importances(study),
        "intermediate": plot.plot_intermediate_values(study),
        "edf": plot.plot_edf([study, study]),
        "timeline": plot.plot_timeline(study),
        "pareto": plot.plot_pareto_front(study, targets=(lambda t: t.value, lambda t: t.duration)),
    }
    for name, figure in figures.items():
        assert isinstance(figure, Figure), name
        path = tmp_path / f"{name}.png"
        figure.savefig(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_history_draws_the_best_so_far_and_failed_trials_apart(study):
    ax = plot.plot_optimization_history(study).axes[0]
    complete = study.get_trials([ts.TrialState.COMPLETE])
    best_line = next(line for line in ax.lines if line.get_label() == "best so far")
    assert np.allclose(best_line.get_ydata(), np.minimum.accumulate([t.value for t in complete]))
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    n_failed = len(study.get_trials([ts.TrialState.FAIL]))
    n_pruned = len(study.get_trials([ts.TrialState.PRUNED]))
    assert n_failed and n_pruned
    assert f"failed ({n_failed})" in labels and f"pruned ({n_pruned})" in labels
    # the failed trials' band lies below every value
    assert ax.get_ylim()[0] < min(t.value for t in complete)


def test_parameter_axes_follow_the_space(study):
    lr_axis, kind_axis, depth_axis = plot.plot_slice(study).axes[:3]
    assert lr_axis.get_xscale() == "log" and lr_axis.get_xlabel() == "lr (log)"
    assert [t.get_text() for t in kind_axis.get_xticklabels()] == ["linear", "tree"]
    assert depth_axis.get_xscale() == "linear"
    # depth is conditional: only "tree" trials are in its panel
    trees = [t for t in study.get_trials([ts.TrialState.COMPLETE]) if t.params["kind"] == "tree"]
    assert len(depth_axis.collections[0].get_offsets()) == len(trees)
    contour = plot.plot_contour(study, params=["lr", "kind"]).axes[0]
    assert contour.get_xscale() == "log" and contour.get_ylabel() == "kind"


def test_intermediate_values_mark_pruned_trials(study):
    ax = plot.plot_intermediate_values(study).axes[0]
    reported = [t for t in study.trials if t.intermediate_values]
    curves = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in curves) == len(reported)
    pruned_marks = sum(
        len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)
    )
    assert pruned_marks == len([t for t in reported if t.state is not ts.TrialState.COMPLETE])


def test_timeline_lanes_never_overlap_and_use_a_recorded_worker():
    def trial(number, start, end, **attrs):
        return ts.FrozenTrial(
            number, ts.TrialState.COMPLETE, 1.0, started_at=start, finished_at=end, user_attrs=attrs
        )

    trials = [trial(0, 0, 10), trial(1, 1, 3), trial(2, 4, 12), trial(3, 11, 13), trial(4, 0, 1,
              worker="host-a")]  # fmt: skip
    assert lanes(trials, now=20) == ["lane 1", "lane 2", "lane 2", "lane 1", "host-a"]


def test_an_empty_study_and_bad_arguments():
    empty = ts.create_study()
    for draw in (plot.plot_optimization_history, plot.plot_slice, plot.plot_contour,
                 plot.plot_intermediate_values, plot.plot_param_importances,
                 plot.plot_timeline):  # fmt: skip
        assert isinstance(draw(empty), Figure)
    study = ts.create_study(sampler="random", seed=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    with pytest.raises(ts.InvalidArgumentError, match=r"\['nope'\] appear in no trial"):
        plot.plot_slice(study, params=["nope"])
    with pytest.raises(ts.InvalidArgumentError, match="two parameter names"):
        plot.plot_contour(study, params=["x"])
    with pytest.raises(ts.InvalidArgumentError, match="`study` must be a study"):
        plot.plot_optimization_history("study")  # type: ignore[arg-type]
    with pytest.raises(ts.InvalidArgumentError, match="`directions` must be one of"):
        plot.plot_pareto_front(study, targets=(len, len), directions=("min", "max"))


def test_a_study_of_several_objectives_is_drawn_one_objective_at_a_time():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        lr = trial.suggest_float("lr", 1e-4, 1, log=True)
        return x + lr, 1 - x

    study = ts.create_study(directions=["minimize", "maximize"], sampler="random", seed=0)
    study.optimize(objective, n_trials=20)
    ax = plot.plot_optimization_history(study, objective=1).axes[0]
    best = next(line for line in ax.lines if line.get_label() == "best so far")
    assert np.allclose(best.get_ydata(), np.maximum.accumulate([t.values[1] for t in study.trials]))
    assert ax.get_ylabel() == "objective 1 (maximize)"
    slices = plot.plot_slice(study, objective=0).axes
    assert slices[1].get_xscale() == "log" and slices[0].get_ylabel() == "objective 0 (minimize)"
    for draw in (plot.plot_parallel_coordinate, plot.plot_contour, plot.plot_edf,
                 plot.plot_param_importances):  # fmt: skip
        assert isinstance(draw(study, objective=0), Figure)
        with pytest.raises(ts.InvalidArgumentError, match="has 2 objectives"):
            draw(study)
    assert isinstance(plot.plot_pareto_front(study), Figure)


def test_failed_trials_stay_behind_the_parallel_coordinates(study):
    ax = plot.plot_parallel_coordinate(study).axes[0]
    failed, complete = ax.collections
    assert len(failed.get_segments()) == len(study.get_trials([ts.TrialState.FAIL]))
    assert len(complete.get_segments()) == len(study.get_trials([ts.TrialState.COMPLETE]))
    assert failed.get_zorder() < complete.get_zorder() and failed.get_linestyle()[0][1]
