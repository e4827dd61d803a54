"""Store a study in SQLite, resume it, copy it and list what the storage holds."""

import os
import sys

import tunesmith as optuna


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    url = f"sqlite:///{os.path.join(folder, 'example.db')}"
    storage = optuna.storages.RDBStorage(url=url, heartbeat_interval=60, grace_period=120)
    study = optuna.create_study(
        study_name="example-study", storage=storage, sampler=optuna.samplers.TPESampler(seed=0)
    )
    study.set_user_attr("contributors", ["alice"])
    study.optimize(objective, n_trials=5)

    study = optuna.create_study(study_name="example-study", storage=url, load_if_exists=True)
    study.optimize(objective, n_trials=5)
    assert len(study.trials) == 10

    loaded = optuna.load_study(study_name="example-study", storage=url)
    assert loaded.user_attrs == {"contributors": ["alice"]}

    optuna.copy_study(
        from_study_name="example-study",
        from_storage=url,
        to_storage=url,
        to_study_name="example-copy",
    )
    names = optuna.get_all_study_names(storage=url)
    summaries = optuna.study.get_all_study_summaries(storage=url)
    print(names, [s.n_trials for s in summaries])
    assert names == ["example-study", "example-copy"]
    optuna.delete_study(study_name="example-copy", storage=url)
    assert optuna.get_all_study_names(storage=url) == ["example-study"]
