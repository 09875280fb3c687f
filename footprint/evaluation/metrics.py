"""Confusion counts and the scores derived from them."""

from __future__ import annotations

from dataclasses import dataclass


def safe_ratio(numerator: int, denominator: int, empty: float = 1.0) -> float:
    """Return numerator / denominator, or ``empty`` when the denominator is 0.

    An empty denominator means nothing to get wrong (no prediction, nothing to find), hence 1.0.
    """
    return numerator / denominator if denominator else empty


def f1_score(precision: float, recall: float) -> float:
    """Return the harmonic mean of precision and recall (0.0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class Counts:
    """True and false positives and negatives of one binary decision over a set of cases."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one case."""
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return safe_ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return safe_ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)

    def to_dict(self) -> dict[str, float | int]:
        """Return the counts and the three scores, scores rounded to 4 places."""
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
        }
