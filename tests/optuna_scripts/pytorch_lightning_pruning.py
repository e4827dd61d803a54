"""Prune PyTorch Lightning training runs with the pruning callback (as in Optuna's
Lightning example, on scikit-learn's digits instead of a download)."""

import lightning.pytorch as pl
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import tunesmith as optuna
from tunesmith.integration import PyTorchLightningPruningCallback

EPOCHS = 8


class Net(pl.LightningModule):
    def __init__(self, hidden, dropout, lr):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 10)
        )
        self.lr = lr

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self.model(x), y)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        accuracy = (self.model(x).argmax(dim=1) == y).float().mean()
        self.log("val_acc", accuracy)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)


def loaders():
    data, target = load_digits(return_X_y=True)
    x = torch.tensor(data / 16.0, dtype=torch.float32)
    y = torch.tensor(target)
    train = TensorDataset(x[:1400], y[:1400])
    valid = TensorDataset(x[1400:], y[1400:])
    return DataLoader(train, batch_size=64, shuffle=True), DataLoader(valid, batch_size=400)


def objective(trial):
    hidden = trial.suggest_int("hidden", 4, 64, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    train, valid = loaders()
    trainer = pl.Trainer(
        max_epochs=EPOCHS,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[PyTorchLightningPruningCallback(trial, monitor="val_acc")],
    )
    trainer.fit(Net(hidden, dropout, lr), train_dataloaders=train, val_dataloaders=valid)
    return trainer.callback_metrics["val_acc"].item()


if __name__ == "__main__":
    torch.manual_seed(0)
    torch.set_num_threads(1)
    study = optuna.create_study(
        direction="maximize",
        pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2),
        sampler=optuna.samplers.TPESampler(seed=0),
    )
    study.optimize(objective, n_trials=14)
    pruned = study.get_trials(states=[optuna.trial.TrialState.PRUNED])
    print(f"{len(pruned)} of 14 pruned; best accuracy {study.best_value:.3f}")
    assert pruned and study.best_value > 0.85
    assert all(2 <= t.last_step < EPOCHS - 1 for t in pruned)
    assert sorted(study.best_trial.intermediate_values) == list(range(EPOCHS))
