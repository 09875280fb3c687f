"""Evaluation of stored scans against a simulated world's ground truth.

:func:`evaluate_scan` returns precision, recall and F1 of the subject links, per threshold and
per identifier type, face verification counts and the wrong items with their evidence.
"""

from footprint.evaluation.evaluate import EvaluationResult, ItemOutcome, ThresholdMetrics, evaluate_scan
from footprint.evaluation.metrics import Counts
from footprint.evaluation.truth import GroundTruth, GroundTruthError, load_ground_truth

__all__ = [
    "Counts",
    "EvaluationResult",
    "GroundTruth",
    "GroundTruthError",
    "ItemOutcome",
    "ThresholdMetrics",
    "evaluate_scan",
    "load_ground_truth",
]
