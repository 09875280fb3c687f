"""Streaming JSON Lines output of a world: one open file per platform and engine, plus the ground truth.

Records are written as soon as they are built, so memory stays bounded whatever the population.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import IO, Any

#: Platform and search engine names, in the order their files are listed in the manifest.
PLATFORM_NAMES = ("facebook", "instagram", "linkedin", "x")
ENGINE_NAMES = ("google", "yahoo", "bing")

#: Ground-truth file name, relative to the world directory.
GROUND_TRUTH_FILE = "ground_truth.jsonl"


def dump_json(record: dict[str, Any]) -> str:
    """Serialise one record on one line; keys keep their insertion order, so output is stable."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class WorldWriter:
    """Open JSONL files of one world and the record counts per file.

    Parameters:
        root: the world directory; ``platforms/``, ``engines/`` and the ground-truth file are created.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counts: Counter[str] = Counter()
        self._handles: dict[str, IO[str]] = {}
        (root / "platforms").mkdir(parents=True, exist_ok=True)
        (root / "engines").mkdir(parents=True, exist_ok=True)
        for name in PLATFORM_NAMES:
            self._open(f"platforms/{name}.jsonl")
        for name in ENGINE_NAMES:
            self._open(f"engines/{name}.jsonl")
        self._open(GROUND_TRUTH_FILE)
        self._next_ids: Counter[str] = Counter()

    def _open(self, relative: str) -> None:
        self._handles[relative] = open(self.root / relative, "w", encoding="utf-8", newline="\n")
        self.counts[relative] = 0

    def next_number(self, key: str) -> int:
        """Return 1, 2, 3, ... for each call with the same key ("facebook:p", "google:r")."""
        self._next_ids[key] += 1
        return self._next_ids[key]

    def platform(self, name: str, record: dict[str, Any]) -> None:
        """Append a profile or post record to ``platforms/NAME.jsonl``."""
        self._write(f"platforms/{name}.jsonl", record)

    def engine(self, name: str, record: dict[str, Any]) -> None:
        """Append a result record to ``engines/NAME.jsonl``."""
        self._write(f"engines/{name}.jsonl", record)

    def ground_truth(self, record: dict[str, Any]) -> None:
        """Append a person, item or media record to the ground truth."""
        self._write(GROUND_TRUTH_FILE, record)

    def _write(self, relative: str, record: dict[str, Any]) -> None:
        self._handles[relative].write(dump_json(record) + "\n")
        self.counts[relative] += 1

    def close(self) -> None:
        """Flush and close every file."""
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()
