"""Benchmarks of footprint: media analysis, end-to-end scans, workers, rescans, loading, memory.

``python -m bench`` runs the scenarios, prints a table and writes JSON with the machine it ran on.
Each scenario measures a ratio against a reference in the same run where there is one (a bare
library loop, one worker, the first scan, a plain ``executemany``), so that a slow machine
changes both sides alike. docs/benchmarks.md records the results and the commands.
"""

#: Version of the JSON layout that ``python -m bench`` writes; bump it when a key changes.
RESULTS_FORMAT = 1
