"""Pareto dominance, non-dominated sorting, crowding distance and the hypervolume,
against fronts computed by hand and by inclusion-exclusion."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tunesmith as ts
from tunesmith.pareto import (
    crowded_order,
    crowding_distance,
    loss_hypervolume,
    nondominated_sort,
    pareto_mask,
)


@pytest.mark.parametrize(
    ("points", "reference", "expected"),
    [
        ([[1.0, 3.0], [2.0, 1.0]], [4.0, 4.0], 7.0),
        ([[1.0, 3.0], [2.0, 1.0], [3.0, 3.5], [5.0, 0.0]], [4.0, 4.0], 7.0),  # dominated, outside
        ([[1.0, 1.0], [1.0, 1.0]], [2.0, 3.0], 2.0),  # a repeated point counts once
        ([[1.0, 1.0, 1.0]], [2.0, 2.0, 2.0], 1.0),
        ([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]], [2.0, 2.0, 2.0], 5.0),
        ([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]], [2.0, 2.0, 2.0], 4.0),
        ([[0.0, 0.0, 0.0, 0.0]], [1.0, 2.0, 3.0, 4.0], 24.0),
        ([[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]], [2.0, 2.0, 2.0, 2.0], 12.0),
        ([[3.0, 1.0]], [2.0, 2.0], 0.0),
    ],
)
def test_hypervolume_of_hand_computed_fronts(points, reference, expected):
    assert ts.hypervolume(points, reference) == pytest.approx(expected)


def _inclusion_exclusion(points, reference):
    """The union of the boxes [p, r] by inclusion-exclusion over every subset."""
    total = 0.0
    for size in range(1, len(points) + 1):
        for subset in itertools.combinations(points, size):
            corner = np.max(subset, axis=0)
            total += (-1) ** (size + 1) * np.prod(np.maximum(reference - corner, 0.0))
    return total


@pytest.mark.parametrize("objectives", [2, 3, 4])
def test_hypervolume_matches_inclusion_exclusion_on_random_points(objectives):
    rng = np.random.default_rng(objectives)
    for _ in range(20):
        points = rng.random((7, objectives))
        reference = np.full(objectives, 1.1)
        assert loss_hypervolume(points, reference) == pytest.approx(
            _inclusion_exclusion(points, reference)
        )


def test_hypervolume_of_a_study_takes_its_directions_and_front():
    study = ts.create_study(directions=["minimize", "maximize"], seed=0)
    for values in [(1.0, 3.0), (2.0, 4.0), (3.0, 1.0), (2.5, 2.0)]:
        study.tell(study.ask(), values)
    # front: (1, 3) and (2, 4); reference latency 5, score 0
    assert ts.hypervolume(study, reference=(5.0, 0.0)) == pytest.approx(4 * 3 + 3 * 1)
    with pytest.raises(ts.InvalidArgumentError, match="2 finite numbers"):
        ts.hypervolume(study, reference=(5.0,))
    with pytest.raises(ts.InvalidArgumentError, match="own directions"):
        ts.hypervolume(study, reference=(5.0, 0.0), directions=["minimize", "minimize"])


def test_nondominated_sort_peels_fronts():
    losses = np.array([[1, 4], [2, 2], [4, 1], [3, 3], [5, 5], [2, 5], [3, 3]], dtype=float)
    assert nondominated_sort(losses).tolist() == [0, 0, 0, 1, 2, 1, 1]
    assert pareto_mask(losses).tolist() == [True, True, True, False, False, False, False]


def test_constrained_domination_puts_feasible_points_first():
    losses = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [0.5, 2.0]])
    violation = np.array([0.5, 0.0, 0.0, 0.2])
    # feasible 1 and 2 form the first front; the infeasible ones follow by violation
    assert nondominated_sort(losses, violation).tolist() == [2, 0, 0, 1]


def test_crowding_distance_keeps_the_extremes_and_measures_the_gaps():
    front = np.array([[0.0, 4.0], [1.0, 3.0], [2.0, 1.0], [4.0, 0.0]])
    distance = crowding_distance(front)
    assert np.isinf(distance[[0, 3]]).all()
    assert distance[1:3] == pytest.approx([2 / 4 + 3 / 4, 3 / 4 + 3 / 4])


@pytest.mark.parametrize("objectives", [2, 3])
def test_pareto_mask_matches_pairwise_comparison_with_ties(objectives):
    rng = np.random.default_rng(5)
    for _ in range(30):
        losses = rng.integers(0, 4, size=(12, objectives)).astype(float)  # many ties
        expected = [not any(np.all(b <= a) and np.any(b < a) for b in losses) for a in losses]
        assert pareto_mask(losses).tolist() == expected


def test_crowded_order_peels_fronts_and_puts_infeasible_points_last():
    losses = np.array([[1, 4], [2, 2], [4, 1], [3, 3], [5, 5], [0, 0]], dtype=float)
    violation = np.array([0, 0, 0, 0, 0, 2.0])
    order = crowded_order(losses, violation).tolist()
    assert sorted(order[:3]) == [0, 1, 2]
    assert sorted(order[:2]) == [0, 2] and order[2] == 1  # extremes first: infinite crowding
    assert order[3:] == [3, 4, 5]
    assert sorted(crowded_order(losses, violation, count=2)[:3].tolist()) == [0, 1, 2]
