"""The shortcuts that make "auto"'s GPs cheaper give what the long way gives."""

from __future__ import annotations

import pickle
import statistics

import numpy as np
import pytest
from scipy import stats

import tunesmith as ts
from tunesmith.encoding import UnitCube
from tunesmith.samplers._gp import GaussianProcess, _matern, _matern_value
from tunesmith.samplers._yeo_johnson import yeo_johnson, yeo_johnson_exponent
from tunesmith.samplers.auto import AutoSampler, _Timings
from tunesmith.samplers.gp import _sweep


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng, n: rng.normal(size=n),
        lambda rng, n: rng.lognormal(0, 2, size=n),
        lambda rng, n: -rng.lognormal(0, 1, size=n),
        lambda rng, n: rng.standard_cauchy(size=n),
        lambda rng, n: np.round(rng.normal(size=n), 1),
        lambda rng, n: np.zeros(n),
    ],
)
def test_the_yeo_johnson_exponent_is_scipys_to_the_last_bit(draw):
    rng = np.random.default_rng(0)
    for n in (3, 10, 57, 200):
        x = draw(rng, n)
        assert yeo_johnson_exponent(x) == stats.yeojohnson_normmax(x)


def test_the_yeo_johnson_transform_is_scipys_to_the_last_bit():
    rng = np.random.default_rng(0)
    x = np.r_[rng.standard_cauchy(200), 0.0, -0.0]
    for lmbda in (-2.0, -0.7, 0.0, 1e-17, 0.3, 1.0, 1.9, 2.0, 2.0 + 1e-17):
        assert np.array_equal(yeo_johnson(x, lmbda), stats.yeojohnson(x, lmbda))


def test_the_yeo_johnson_exponent_rejects_what_scipy_rejects():
    with pytest.raises(ValueError, match="finite"):
        yeo_johnson_exponent(np.array([0.0, np.inf, 1.0]))


def _timings_read_back(completed, count):
    """What "auto" read before it kept its timings: every completed trial, newest first
    (a fixed design's trials, noted "modelled": False, are no GP's proposals)."""
    objective, proposals = [], {"gp": [], "light": [], "local": []}
    for trial in reversed(completed):
        noted = trial.notes.get("auto")
        seconds = float(noted["seconds"]) if isinstance(noted, dict) else 0.0
        if len(objective) < 10 and trial.duration is not None:
            objective.append(max(trial.duration - seconds, 0.0))
        if not isinstance(noted, dict) or noted.get("modelled") is False:
            continue
        if len(proposals.get(noted["by"], "x" * count)) < count:
            proposals[noted["by"]].append(float(noted.get("cpu", seconds)))
    return (statistics.median(objective) if objective else 0.0), proposals


class _Watched:
    """The "auto" sampler, checking at every proposal that the timings it keeps are
    the ones read back."""

    def __init__(self, auto):
        self.auto, self.checked, self.history = auto, 0, None

    def sample(self, space, history, rng, trial):
        suggestion = self.auto.sample(space, history, rng, trial)
        count = max(3, self.auto.light_fit_every)
        kept = self.auto._timings.extended(history, count)
        assert kept.summary() == _timings_read_back(history.completed(), count)
        self.checked, self.history = self.checked + 1, history
        return suggestion


def test_autos_kept_timings_are_the_ones_read_back_from_every_trial():
    def objective(trial):
        return (trial.suggest_float("x", -3, 3) - 1) ** 2 + trial.suggest_int("n", 1, 9)

    # light_seconds=0: past the warm-up the light GP and TPE take turns, so every kind
    # of proposal is timed
    watched = _Watched(AutoSampler(warmup_trials=8, light_seconds=0.0, light_fit_every=4))
    histories = []
    for seed, trials in ((0, 20), (1, 40)):
        study = ts.create_study(sampler=watched, seed=seed)
        study.optimize(objective, n_trials=trials)
        histories.append(watched.history)
    by = {t.notes["auto"]["by"] for t in study.trials if "auto" in t.notes}
    assert watched.checked >= 60 and {"gp", "tpe"} <= by
    # a longer history from another source (another study) is read from its start
    short, long = histories
    kept = _Timings().extended(short, 10).extended(long, 10)
    assert kept.summary() == _timings_read_back(long.completed(), 10)


def test_the_posterior_mean_alone_is_the_mean_predict_gives():
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 3)), rng.normal(size=40)
    cat = np.array([False, False, True])
    x[:, 2] = rng.integers(0, 3, 40) / 3 + 1 / 6
    for theta in (
        np.array([1.0, 2.0, 0.5, 0.1, -5.0]),
        np.r_[1.0, 2.0, 0.5, 0.1, -5.0, 0.3, -0.2, 0, 0.4, 0.1, 0],
    ):
        model = GaussianProcess(x, y, cat, theta)
        points = rng.random((25, 3))
        assert np.array_equal(model.mean(points), model.predict(points)[0])


class _Counted:
    """An acquisition that counts the points it scores: a bumpy function of the cube."""

    def __init__(self, weights):
        self.weights, self.scored = weights, 0

    def __call__(self, points):
        self.scored += len(points)
        return np.sin(points @ self.weights) + np.cos(3 * points[:, ::-1] @ self.weights)


def test_a_two_round_sweep_skips_only_dimensions_whose_best_cell_cannot_have_changed():
    space = {
        "a": ts.Int(0, 20),
        "b": ts.Categorical(["x", "y", "z"]),
        "c": ts.Float(0, 1),
        "d": ts.Int(0, 99),  # too many cells to sweep them all: drawn at random
        "e": ts.Int(1, 8),
    }
    cube = UnitCube(space)
    discrete = cube.cells > 0
    skipped = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        starts = rng.random((3, cube.dims))
        low, high = np.clip(starts[0] - 0.3, 0, 1), np.clip(starts[0] + 0.3, 0, 1)
        acquisition = _Counted(rng.normal(size=cube.dims))
        draws = np.random.default_rng(seed)
        twice = _sweep(acquisition, cube, starts, discrete, draws, low, high)
        twice = _sweep(acquisition, cube, twice, discrete, draws, low, high)
        full = acquisition.scored
        acquisition.scored = 0
        rounds = _sweep(
            acquisition, cube, starts, discrete, np.random.default_rng(seed), low, high, rounds=2
        )
        assert np.array_equal(rounds, twice)
        assert acquisition.scored <= full
        skipped += acquisition.scored < full
    assert skipped >= 10


@pytest.mark.parametrize("warped", [False, True])
def test_a_gp_extended_by_new_observations_is_the_gp_built_afresh(warped):
    rng = np.random.default_rng(1)
    cat = np.array([False, True, False, False])
    x = rng.random((60, 4))
    x[:, 1] = rng.integers(0, 3, 60) / 3 + 1 / 6
    y = np.sin(3 * x).sum(axis=1)
    theta = np.r_[np.log([4.0, 1.0, 9.0, 2.0]), 0.2, -6.0]
    if warped:
        theta = np.r_[theta, rng.normal(0, 0.3, 8)]
    model = GaussianProcess(x[:40], y[:40], cat, theta)
    for end in (40, 41, 47, 60):  # nothing new, one, several, and more after that
        model = model.extended(x[:end], y[:end])
        fresh = GaussianProcess(x[:end], y[:end], cat, theta)
        lower = np.tril(fresh.factor[0])
        assert np.allclose(np.tril(model.factor[0]), lower, rtol=1e-9, atol=1e-12)
        points = rng.random((30, 4))
        for got, want in zip(model.predict(points), fresh.predict(points), strict=True):
            assert np.allclose(got, want, rtol=1e-7, atol=1e-10)
    # other inputs than its own and more: built afresh
    other = model.extended(x[::-1], y[::-1])
    assert np.array_equal(other.factor[0], GaussianProcess(x[::-1], y[::-1], cat, theta).factor[0])


def test_the_kernel_and_its_derivative_are_those_of_the_formula_to_the_last_bit():
    r2 = np.r_[0.0, -1e-17, 1e-300, np.random.default_rng(0).exponential(2.0, 500), 1e4]
    sqrt5 = np.sqrt(5.0)
    for signal in (0.05, 1.0, 17.3):
        r = np.sqrt(np.maximum(r2, 0.0))
        decay = np.exp(-sqrt5 * r)
        k = signal * (1.0 + sqrt5 * r + (5.0 / 3.0) * r2) * decay
        dk_dr2 = -(5.0 / 6.0) * signal * (1.0 + sqrt5 * r) * decay
        assert np.array_equal(_matern(r2, signal)[0], k)
        assert np.array_equal(_matern(r2, signal)[1], dk_dr2)
        assert np.array_equal(_matern_value(r2, signal), k)


def test_a_pickled_auto_sampler_leaves_its_models_behind_and_goes_on_the_same():
    def objective(trial):
        return sum((trial.suggest_float(f"x{i}", -2, 2) - 0.3) ** 2 for i in range(10))

    def run(pickled):
        study = ts.create_study(sampler=AutoSampler(local_seconds=1.0, warmup_trials=12), seed=0)
        study.optimize(objective, n_trials=25)
        assert study.sampler.local_light._models  # the light GP in a trust region keeps one
        if pickled:
            study.sampler = pickle.loads(pickle.dumps(study.sampler))
            assert not study.sampler.local_light._models
        study.optimize(objective, n_trials=3)
        return [t.params for t in study.trials]

    # the copy builds its model afresh: the same proposals as extending it (in this space)
    assert run(pickled=True) == run(pickled=False)
