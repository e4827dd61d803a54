"""GP-EI and TPE: they learn, they stay reproducible, they spread out under parallelism."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import optimize, special

import tunesmith as ts
from tunesmith.samplers._gp import (
    GaussianProcess,
    Prior,
    _differences,
    _neg_log_posterior,
    _neg_log_posterior_warped,
    fit_hyperparameters,
    log_expected_improvement,
    log_h,
    sample_hyperparameters,
)
from tunesmith.samplers._trust_region import INITIAL, SMALLEST, side_length

MODEL_SAMPLERS = ["gp", "tpe"]


def test_gp_converges_to_the_minimum_of_a_quadratic():
    study = ts.create_study(sampler="gp", seed=0)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1.234) ** 2, n_trials=20)
    assert abs(study.best_params["x"] - 1.234) < 0.01
    last = [t.params["x"] for t in study.trials[-5:]]
    assert np.median(np.abs(np.array(last) - 1.234)) < 0.1


def test_tpe_concentrates_near_the_minimum():
    study = ts.create_study(sampler="tpe", seed=0)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1.234) ** 2, n_trials=80)
    last = np.array([t.params["x"] for t in study.trials[-30:]])
    assert abs(study.best_params["x"] - 1.234) < 0.1
    assert np.median(np.abs(last - 1.234)) < 1.0  # random search: about 2.5


def test_expected_improvement_vanishes_at_an_observed_point_without_noise():
    x = np.array([[0.1], [0.4], [0.7], [0.9]])
    y = np.array([1.0, -0.5, 0.3, 1.2])
    theta = np.array([math.log(1 / 0.2**2), 0.0, math.log(1e-10)])
    model = GaussianProcess(x, y, np.array([False]), theta)
    at_points = log_expected_improvement(*model.predict(x), y.min())[0]
    between = log_expected_improvement(*model.predict(np.array([[0.5], [0.25]])), y.min())[0]
    # zero but for the 1e-8 jitter that keeps the Cholesky factor stable
    assert np.all(np.exp(at_points) < 1e-4)
    assert np.all(np.exp(between) > 1e-2)


def test_log_h_is_accurate_and_finite_far_into_the_tail():
    z = np.linspace(-6, 6, 121)
    naive = np.log(np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) + z * special.ndtr(z))
    assert np.allclose(log_h(z), naive, rtol=1e-9, atol=1e-12)
    far = log_h(np.array([-40.0, -1e3, -1e8]))
    assert np.all(np.isfinite(far)) and np.all(np.diff(far) < 0)
    # h(z) ~ φ(z) / z² for large |z|
    assert math.isclose(far[1], -0.5 * 1e6 - 0.5 * math.log(2 * math.pi) - 2 * math.log(1e3),
                        rel_tol=1e-6)  # fmt: skip


def test_the_marginal_likelihood_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.random((15, 3))
    x[:, 2] = (np.floor(x[:, 2] * 3) + 0.5) / 3
    cat = np.array([False, False, True])
    y = np.sin(5 * x[:, 0]) + x[:, 1] + (x[:, 2] > 0.5)
    squared, prior = _differences(x, x, cat), Prior()
    theta = rng.normal(size=5) * 0.5
    error = optimize.check_grad(
        lambda t: _neg_log_posterior(t, squared, y, prior)[0],
        lambda t: _neg_log_posterior(t, squared, y, prior)[1],
        theta,
    )
    assert error < 1e-4


def _assert_posterior_gradients(model, query, dims):
    """The posterior mean's and variance's gradients at ``query`` match central finite
    differences along the first ``dims`` inputs, and the values match predict()."""
    mean, variance, d_mean, d_variance = model.predict_with_gradient(query)
    assert np.allclose((mean, variance), model.predict(query))
    for dim in range(dims):
        step = np.zeros(query.shape[1])
        step[dim] = 1e-6
        plus, minus = model.predict(query + step), model.predict(query - step)
        assert np.allclose((plus[0] - minus[0]) / 2e-6, d_mean[:, dim], atol=1e-5)
        assert np.allclose((plus[1] - minus[1]) / 2e-6, d_variance[:, dim], atol=1e-5)


def test_posterior_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    x = rng.random((12, 2))
    y = x[:, 0] ** 2 - x[:, 1]
    cat = np.array([False, False])
    model = GaussianProcess(x, y, cat, fit_hyperparameters(x, y, cat))
    _assert_posterior_gradients(model, rng.random((3, 2)), dims=2)


def test_the_warped_likelihood_and_posterior_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    x = rng.random((15, 3))
    x[:, 2] = (np.floor(x[:, 2] * 3) + 0.5) / 3
    cat = np.array([False, False, True])
    y = np.sin(5 * x[:, 0] ** 0.3) + x[:, 1] + (x[:, 2] > 0.5)
    theta = rng.normal(size=3 * 3 + 2) * 0.5
    error = optimize.check_grad(
        lambda t: _neg_log_posterior_warped(t, x, y, cat, Prior())[0],
        lambda t: _neg_log_posterior_warped(t, x, y, cat, Prior())[1],
        theta,
    )
    assert error < 1e-4
    model = GaussianProcess(x, y, cat, fit_hyperparameters(x, y, cat, warp_inputs=True))
    query = rng.random((3, 3))
    query[:, 2] = x[:3, 2]
    _assert_posterior_gradients(model, query, dims=2)


def test_the_input_warp_stretches_the_end_where_the_function_changes():
    # flat over the upper 80% of the range (as a penalty that zeroes every coefficient),
    # changing fast below: the warp's a < 1 spreads the low end out
    def f(u: np.ndarray) -> np.ndarray:
        return np.where(u < 0.2, np.sin(40 * u), np.sin(8.0))

    x = np.linspace(0.0, 1.0, 25)[:, None]
    mean, spread = f(x[:, 0]).mean(), f(x[:, 0]).std()
    y = (f(x[:, 0]) - mean) / spread
    cat = np.array([False])
    theta = fit_hyperparameters(x, y, cat, warp_inputs=True)
    a, b = np.exp(theta[3]), np.exp(theta[4])
    assert a < 0.8 and a < b
    # and it predicts the fast part better between the observations
    grid = np.linspace(0.005, 0.195, 20)[:, None]
    truth = (f(grid[:, 0]) - mean) / spread
    warped = GaussianProcess(x, y, cat, theta).predict(grid)[0]
    plain = GaussianProcess(x, y, cat, fit_hyperparameters(x, y, cat)).predict(grid)[0]
    assert np.abs(warped - truth).mean() < np.abs(plain - truth).mean()


def test_slice_sampled_hyperparameters_follow_the_posterior():
    rng = np.random.default_rng(2)
    cat = np.array([False, False])

    def draws(n):
        x = rng.random((n, 2))
        y = np.sin(6 * x[:, 0])  # the second input does not matter
        y = (y - y.mean()) / y.std()
        start = fit_hyperparameters(x, y, cat)
        return sample_hyperparameters(x, y, cat, start, rng, count=40, burn=5)

    few, many = draws(6), draws(40)
    assert few.shape == (40, 4) and len(np.unique(few[:, 0])) == 40  # the chain moves
    # log length scale = -θ/2; 40 points pin the relevant one down far better than 6
    assert np.std(many[:, 0]) < 0.5 * np.std(few[:, 0])
    # and tell the relevant input (short length scale) from the irrelevant one
    assert np.median(many[:, 0]) > np.median(many[:, 1]) + 1.0


def test_integrated_gp_converges_and_rejects_a_bad_draw_count():
    study = ts.create_study(sampler=ts.GPSampler(integrate=5), seed=0)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1.234) ** 2, n_trials=20)
    assert abs(study.best_params["x"] - 1.234) < 0.05
    with pytest.raises(ts.InvalidArgumentError, match=r"`integrate` must be .* but got -1"):
        ts.GPSampler(integrate=-1)


@pytest.mark.parametrize("sampler", MODEL_SAMPLERS)
def test_a_seeded_study_is_reproducible(sampler):
    def run():
        study = ts.create_study(sampler=sampler, seed=4)
        study.optimize(
            lambda t: (t.suggest_float("x", 0, 1) - 0.3) ** 2 + t.suggest_int("k", 0, 4), 15
        )
        return [t.params for t in study.trials]

    assert run() == run()


@pytest.mark.parametrize("sampler", MODEL_SAMPLERS)
def test_pending_trials_get_distinct_suggestions(sampler):
    study = ts.create_study(sampler=sampler, seed=0)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1) - 0.3) ** 2, n_trials=12)
    pending = [study.ask() for _ in range(4)]
    xs = sorted(trial.suggest_float("x", 0, 1) for trial in pending)
    assert min(np.diff(xs)) > 0.002, xs


@pytest.mark.parametrize("sampler", MODEL_SAMPLERS)
def test_both_branches_of_a_conditional_space_get_model_based_suggestions(sampler):
    study = ts.create_study(sampler=sampler, seed=1)
    for number in range(60):  # the branch is given; the sampler chooses within it
        study.enqueue({"branch": "ab"[number % 2]})

    def objective(trial):
        if trial.suggest_categorical("branch", ["a", "b"]) == "a":
            return (trial.suggest_float("x", 0, 1) - 0.8) ** 2
        return (trial.suggest_float("y", 0, 1) - 0.2) ** 2

    study.optimize(objective, n_trials=60)
    late = study.trials[30:]
    xs = np.array([t.params["x"] for t in late if "x" in t.params])
    ys = np.array([t.params["y"] for t in late if "y" in t.params])
    # uniform draws would sit 0.3 to 0.5 away on average
    assert np.median(np.abs(xs - 0.8)) < 0.12 and np.median(np.abs(ys - 0.2)) < 0.12


@pytest.mark.parametrize("sampler", MODEL_SAMPLERS)
def test_failed_trials_do_not_break_the_model(sampler):
    study = ts.create_study(sampler=sampler, seed=0)

    def objective(trial):
        x = trial.suggest_float("x", -2, 2)
        return math.nan if trial.number % 3 == 0 else (x - 0.5) ** 2

    study.optimize(objective, n_trials=30)
    assert abs(study.best_params["x"] - 0.5) < 0.2


@pytest.mark.parametrize("sampler", MODEL_SAMPLERS)
def test_maximize_is_optimized_as_such(sampler):
    study = ts.create_study(sampler=sampler, direction="maximize", seed=0)
    study.optimize(lambda t: -((t.suggest_float("x", -3, 3) - 2) ** 2), n_trials=30)
    assert abs(study.best_params["x"] - 2) < 0.3


def _history_with_durations(cheap: float = 0.2):
    """Trials on [0, 1] with two equally good basins, at 0.2 and 0.8; the one at
    ``cheap`` is cheap, the other slow."""
    from tunesmith.events import ParamsSet, TrialCreated, TrialFinished
    from tunesmith.history import replay

    space = {"x": ts.Float(0, 1)}
    records, seq = [], 0
    for number, x in enumerate([0.0, 0.1, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9, 1.0]):
        loss = min((x - 0.2) ** 2, (x - 0.8) ** 2)
        seconds = 0.1 if (x < 0.5) == (cheap < 0.5) else 30.0
        for event in (
            TrialCreated(1000.0 * number),
            ParamsSet(number, space, {"x": x}),
            TrialFinished(number, ts.TrialState.COMPLETE, loss, 1000.0 * number + seconds),
        ):
            seq += 1
            records.append((seq, event))
    return space, replay(records, ts.Direction.MINIMIZE)


@pytest.mark.parametrize("cheap", [0.2, 0.8])
def test_expected_improvement_per_second_prefers_the_cheap_basin(cheap):
    space, history = _history_with_durations(cheap)
    trial = ts.FrozenTrial(9, ts.TrialState.RUNNING)

    def suggestions(sampler):
        return [
            sampler.sample(space, history, np.random.default_rng(seed), trial).params["x"]
            for seed in range(8)
        ]

    chosen = suggestions(ts.GPSampler(cost_aware=True))
    assert all(abs(x - cheap) < 0.1 for x in chosen), chosen
    # without costs, both basins (without the input warp, which may favour either)
    plain = suggestions(ts.GPSampler(warp_inputs=False))
    assert any(abs(x - 0.2) < 0.1 for x in plain) and any(abs(x - 0.8) < 0.1 for x in plain)


def test_the_parzen_estimator_is_a_distribution_over_a_discrete_space():
    from tunesmith.encoding import UnitCube
    from tunesmith.samplers.tpe import ParzenEstimator

    space = {"n": ts.Int(0, 4), "act": ts.Categorical(["relu", "tanh", None])}
    cube = UnitCube(space)
    rng = np.random.default_rng(3)
    observed = cube.snap(rng.random((40, 2)))
    estimator = ParzenEstimator(observed, rng.random(40) + 0.5, cube, 1.0)
    every_cell = cube.snap(
        np.array([[(i + 0.5) / 5, (j + 0.5) / 3] for i in range(5) for j in range(3)])
    )
    mass = np.exp(estimator.log_pdf(every_cell))
    assert math.isclose(mass.sum(), 1.0, rel_tol=1e-9)
    # and it follows the observations: cells never observed are the least likely
    seen = np.array([np.any(np.all(np.isclose(observed, cell), axis=1)) for cell in every_cell])
    assert not seen.all() and mass[~seen].max() < mass[seen].min()


def test_auto_leaves_the_full_gp_when_the_objective_is_cheaper_than_its_proposals():
    auto = ts.AutoSampler(warmup_trials=12)
    study = ts.create_study(sampler=auto, seed=0)
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=12)
    history = study.history()
    assert auto.choose({"x": ts.Float(-3, 3)}, history) is not auto.gp  # costs > 0 s
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=10)
    assert abs(study.best_params["x"] - 1) < 0.05


def test_auto_keeps_the_full_gp_during_its_warmup_whatever_the_timings():
    auto = ts.AutoSampler()
    study = ts.create_study(sampler=auto, seed=0)
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=19)
    assert auto.choose({"x": ts.Float(-3, 3)}, study.history()) is auto.gp


def test_auto_hands_the_trial_after_a_gp_tie_to_tpe():
    # a slope below x = 0.5 for y < 5, plateaus elsewhere: GP proposals that land on a
    # plateau tie earlier values
    def objective(trial: ts.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_int("y", 0, 9)
        return min(x, 0.5) if y < 5 else float(y)

    study = ts.create_study(seed=0)
    study.optimize(objective, n_trials=20)  # the warmup: the full GP, whatever the timings
    by = [trial.notes["auto"]["by"] for trial in study.trials]
    values = [trial.value for trial in study.trials]
    after_tie = [i + 1 for i in range(len(values) - 1) if by[i] == "gp" and values[i] in values[:i]]
    assert after_tie and all(by[i] == "tpe" for i in after_tie)
    assert min(values) < 0.1
    # and only then: every other trial is the GP's
    assert all(b == "gp" for i, b in enumerate(by) if i not in after_tie)


def test_the_interior_prior_keeps_the_gp_off_the_ends_of_integer_ranges_on_a_plateau():
    # flat but for a band in the middle of k and the upper three quarters of m: the GP's
    # variance is largest at the ends, so without the prior it keeps proposing them
    def plateau(trial: ts.Trial) -> float:
        k, m = trial.suggest_int("k", 1, 60), trial.suggest_int("m", 1, 40)
        return (0.0 if 20 <= k <= 30 else 1.0) + (0.0 if m > 10 else 0.5)

    def at_ends(interior_prior: float) -> int:
        count = 0
        for seed in (0, 2):
            study = ts.create_study(sampler=ts.GPSampler(interior_prior=interior_prior), seed=seed)
            study.optimize(plateau, n_trials=20)
            count += sum(
                t.params["k"] in (1, 60) or t.params["m"] in (1, 40) for t in study.trials[6:]
            )
        return count

    assert at_ends(10.0) < at_ends(0.0)


def test_auto_still_finds_an_integer_optimum_at_the_end_of_its_range():
    study = ts.create_study(seed=0)  # "auto": its GPs have the prior against the ends
    study.optimize(
        lambda t: (t.suggest_int("k", 1, 50) - 1) ** 2 + (t.suggest_float("x", 0, 1) - 0.3) ** 2,
        n_trials=20,
    )
    assert study.best_params["k"] == 1


def test_edge_width_keeps_the_gp_off_the_ends_of_log_scaled_ranges_where_nothing_pays():
    # c and g barely matter: without edge_width the GP's variance, largest at the ends,
    # sends it to c = 1e4 or g = 1e-5 again and again
    def flat_in_c_and_g(trial: ts.Trial) -> float:
        c = trial.suggest_float("c", 1e-4, 1e4, log=True)
        g = trial.suggest_float("g", 1e-5, 1.0, log=True)
        x = trial.suggest_float("x", 0.0, 1.0)
        return (x - 0.3) ** 2 + 0.01 * math.sin(math.log(c)) + 0.01 * math.cos(math.log(g))

    def at_ends(edge_width: float) -> int:
        count = 0
        for seed in (0, 1):
            study = ts.create_study(sampler=ts.GPSampler(edge_width=edge_width), seed=seed)
            study.optimize(flat_in_c_and_g, n_trials=20)
            count += sum(
                any(
                    math.isclose(t.params[name], end, rel_tol=1e-6)
                    for name, end in (("c", 1e-4), ("c", 1e4), ("g", 1e-5), ("g", 1.0))
                )
                for t in study.trials[5:]
            )
        return count

    assert at_ends(0.05) <= 5 < at_ends(0.0)  # of 30 trials


def test_auto_still_finds_an_optimum_at_the_end_of_a_log_scaled_range():
    study = ts.create_study(seed=0)  # "auto": its GPs shrink the variance at log ends
    study.optimize(
        lambda t: (
            (math.log10(t.suggest_float("c", 1e-3, 1e3, log=True)) - 3) ** 2
            + (t.suggest_float("x", 0, 1) - 0.3) ** 2
        ),
        n_trials=20,
    )
    assert study.best_params["c"] > 900


def test_the_trust_region_grows_after_improvements_and_shrinks_after_failures():
    dims = 10
    improving = np.arange(10.0, 0.0, -1.0)  # 10, 9, ..., 1: every trial a new best
    assert side_length(improving, 1, dims) == 1.6  # doubled, capped at the largest side
    stuck = np.array([1.0] + [2.0] * 20)  # no trial after the first improves on it
    assert side_length(stuck, 1, dims) == INITIAL / 4  # halved after each 10 failures
    # halved until it falls below the smallest side: back to the initial side
    halvings = int(np.floor(np.log2(INITIAL / SMALLEST))) + 1
    never = np.array([1.0] + [2.0] * (dims * halvings))
    assert side_length(never, 1, dims) == INITIAL


def _shifted_sphere(trial: ts.Trial) -> float:
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1.3 + 0.1 * i) ** 2 for i in range(10))


def test_a_gp_in_a_trust_region_proposes_only_inside_the_box_around_the_best_trial():
    study = ts.create_study(sampler=ts.GPSampler(trust_region=True), seed=0)
    study.optimize(_shifted_sphere, n_trials=30)
    x = np.array([[(t.params[f"x{i}"] + 5) / 10 for i in range(10)] for t in study.trials])
    losses = np.array([t.value for t in study.trials])
    startup = 11  # the star design before the model
    for n in range(startup, len(x)):
        half = side_length(losses[:n], startup, 10) / 2
        center = x[np.argmin(losses[:n])]
        assert np.all(np.abs(x[n] - center) <= half + 1e-9)


def test_a_gp_in_a_trust_region_starts_at_the_centre_and_steps_along_each_axis():
    study = ts.create_study(sampler=ts.GPSampler(trust_region=True), seed=0)
    study.optimize(_shifted_sphere, n_trials=12)
    x = np.array([[(t.params[f"x{i}"] + 5) / 10 for i in range(10)] for t in study.trials])
    assert np.allclose(x[0], 0.5)
    # trial k moves coordinate k - 1 by a sixth of its range, the others stay centred
    assert np.allclose(x[1:11] - 0.5, np.eye(10) / 6)
    assert not np.any(np.all(np.isclose(x[11], x[:11]), axis=1))  # then the model


def _shifted_styblinski_tang(trial: ts.Trial) -> float:
    """Styblinski-Tang in 10 dimensions, its minimum (0) 7-35 % of each range from an end."""
    x = np.array([trial.suggest_float(f"x{i}", -5, 5) for i in range(10)])
    z = x - 0.7 * np.linspace(-2, 2, 10) - 2.903534
    return float(0.5 * (z**4 - 16 * z**2 + 5 * z).sum() + 10 * 39.16617)


def test_auto_in_ten_dimensions_goes_well_beyond_its_star_design_within_30_trials():
    study = ts.create_study(sampler=ts.AutoSampler(local_seconds=1.0), seed=0)
    study.optimize(_shifted_styblinski_tang, n_trials=30)
    # trial 0 knows no space yet (its parameters are asked one by one: a Sobol point),
    # then the 10 axis steps from the centre: not the model's, not timed as its
    assert all(t.notes["auto"]["modelled"] is False for t in study.trials[:11])
    design = min(t.value for t in study.trials[:11])
    # 10 Sobol points before the trust region (6a304d1) left 155-174 at 30 trials (seeds
    # 0-2); the star design, its slopes and the Gaussian candidates 28-46
    assert study.best_value < min(60.0, design / 2)


def test_auto_in_twenty_dimensions_times_the_gp_not_its_star_design():
    # the star design (trial 0 knows no space yet and proposes nothing; then 20 axis
    # steps) outlasts the 20-trial warm-up; its proposals take microseconds, as the
    # objective does, so timed as the GP's they would decide by the machine's load
    # which GP comes next. The full GP has 9 trials (its warm-up), then the light one.
    study = ts.create_study(sampler=ts.AutoSampler(local_seconds=1.0), seed=0)
    study.optimize(
        lambda t: sum((t.suggest_float(f"x{i}", 0, 1) - 0.3) ** 2 for i in range(20)),
        n_trials=32,
    )
    assert all(t.notes["auto"]["modelled"] is False for t in study.trials[:21])
    by = [t.notes["auto"]["by"] for t in study.trials]
    assert by == ["gp"] * 30 + ["local"] * 2
    assert all("modelled" not in t.notes["auto"] for t in study.trials[21:])


def test_auto_searches_a_trust_region_in_ten_dimensions_and_finds_more_than_without():
    def run(auto: ts.AutoSampler) -> ts.Study:
        study = ts.create_study(sampler=auto, seed=0)
        study.optimize(_shifted_sphere, n_trials=50)
        return study

    # local_seconds=1: a loaded machine cannot make the light GP look too slow
    study = run(ts.AutoSampler(local_seconds=1.0))
    # past its warmup, on an objective cheaper than the GP: the light GP in a trust
    # region, not TPE (the full GP when a stalled machine makes the objective look slow)
    by = [t.notes["auto"]["by"] for t in study.trials[20:]]
    assert "tpe" not in by and "local" in by
    # 10 parameters, no trust region: TPE after the warmup (light_seconds=0: not the
    # light GP either, whatever the machine's timings)
    narrow = ts.AutoSampler(trust_region_dims=11, light_seconds=0)
    assert study.best_value < run(narrow).best_value / 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: ts.GPSampler(interior_prior=-1.0),
            "`interior_prior` must be",
        ),
        (lambda: ts.GPSampler(edge_width=0.6), "`edge_width` must be"),
        (lambda: ts.GPSampler(warping="bogus"), "GPSampler: `warping` must be one of 'power', "),
        (lambda: ts.GPSampler(n_startup_trials=0), "`n_startup_trials` must be an integer >= 1"),
        (lambda: ts.GPSampler(n_restarts=1.5), "`n_restarts` must be an integer >= 1, but got 1.5"),
        (lambda: ts.GPSampler(cost_aware="yes"), "`cost_aware` must be True or False"),
        (lambda: ts.GPSampler(fit_every=0), "`fit_every` must be an integer >= 1, but got 0"),
        (lambda: ts.GPSampler(fit_tolerance=-1e-6), "`fit_tolerance` must be a finite number"),
        (
            lambda: ts.GPSampler(prior={"noise_mean": 0}),
            "`prior` must be None or a tunesmith Prior",
        ),
        (
            lambda: ts.TPESampler(n_startup_trials=-3, n_ei_candidates=0),
            "TPESampler: `n_startup_trials` must be an integer >= 0, but got -3",
        ),
        (lambda: ts.TPESampler(n_ei_candidates=0), "`n_ei_candidates` must be an integer >= 1"),
        (lambda: ts.TPESampler(prior_weight=0), "`prior_weight` must be a finite number > 0"),
        (lambda: ts.AutoSampler(gp_trials=-1), "AutoSampler: `gp_trials` must be an integer >= 0"),
        (lambda: ts.AutoSampler(light_seconds="1"), "`light_seconds` must be a finite number"),
    ],
)
def test_bad_sampler_arguments_are_errors_naming_the_rule_and_the_value(make, message):
    with pytest.raises(ts.InvalidArgumentError, match=re.escape(message)):
        make()
