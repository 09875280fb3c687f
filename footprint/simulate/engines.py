"""Search engines of the simulated world: web documents about people and the results that list them.

A :class:`WebDocument` is one page (a directory listing, a news article, a PDF, an image or a video
page). Each engine indexes each document with its own coverage probability and ranks the documents
of one query in its own random order, so the same URL can appear in several engines at other ranks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from footprint.simulate.groundtruth import Exposure, item_record
from footprint.simulate.media import MediaInfo
from footprint.simulate.population import BASE_DATE
from footprint.simulate.writer import WorldWriter

#: Result types and categories allowed by the world format.
RESULT_TYPES = ("webpage", "pdf", "image", "video")
CATEGORIES = ("professional", "news", "directory", "academic", "social_media", "personal")

#: Fictional domains per category, under reserved names (".example" and "example.*", RFC 2606).
DOMAINS: dict[str, tuple[str, ...]] = {
    "news": ("example-news.com", "citytribune.example", "metro-daily.example"),
    "directory": ("peoplefinder.example", "whitepages.example", "phonebook.example"),
    "academic": ("scholar.example.edu", "repository.example.edu"),
    "professional": ("bizprofiles.example.com", "speakers.example.org"),
    "personal": ("blogs.example.net",),
    "video": ("videos.example.com",),
}

#: Days before the world's date that a document may be published.
PUBLISHED_WINDOW_DAYS = 6 * 365


@dataclass(frozen=True)
class EngineSpec:
    """One search engine.

    Parameters:
        name: engine name, also the file name ``engines/NAME.jsonl``.
        coverage: probability that the engine indexes a document, per category, 0 to 1.
    """

    name: str
    coverage: dict[str, float]


ENGINES: dict[str, EngineSpec] = {
    "google": EngineSpec("google", {"professional": 0.95, "news": 0.95, "directory": 0.9, "academic": 0.95,
                                    "social_media": 0.9, "personal": 0.8}),
    "yahoo": EngineSpec("yahoo", {"professional": 0.5, "news": 0.7, "directory": 0.6, "academic": 0.4,
                                  "social_media": 0.6, "personal": 0.4}),
    "bing": EngineSpec("bing", {"professional": 0.75, "news": 0.8, "directory": 0.7, "academic": 0.6,
                                "social_media": 0.7, "personal": 0.6}),
}


@dataclass
class WebDocument:
    """One web page that search engines may list.

    Parameters:
        url: the page URL, unique in the world.
        title, snippet: what a result shows.
        result_type: one of RESULT_TYPES.
        domain: host of the URL.
        category: one of CATEGORIES.
        query: the search query that finds it ("\\"John Doe\\"").
        published: publication date.
        owner: person id of who published it (a personal page or a profile), or None.
        exposure: identifiers the title, snippet and media show.
        media: the image or video of an image or video result.
        always_in: engine names that list it whatever their coverage (the subjects' hard cases).
    """

    url: str
    title: str
    snippet: str
    result_type: str
    domain: str
    category: str
    query: str
    published: date
    owner: str | None
    exposure: Exposure
    media: list[MediaInfo] = field(default_factory=list)
    always_in: tuple[str, ...] = ()


def published_date(rng: random.Random) -> date:
    """Return a publication date within PUBLISHED_WINDOW_DAYS before the world's date."""
    return BASE_DATE - timedelta(days=rng.randrange(PUBLISHED_WINDOW_DAYS))


def name_query(full_name: str) -> str:
    """Return the exact-phrase query for a name."""
    return f'"{full_name}"'


class SearchIndex:
    """Writes the search results of batches of documents, with their ground truth.

    Parameters:
        writer: the world's JSONL writer.
    """

    def __init__(self, writer: WorldWriter) -> None:
        self.writer = writer

    def document_number(self) -> int:
        """Return a number that makes a document URL unique in the world."""
        return self.writer.next_number("document")

    def publish(self, documents: list[WebDocument], rng: random.Random) -> int:
        """Index a batch of documents in every engine and write the results; returns the count.

        Ranks count from 1 per engine and query within the batch, so a batch should hold every
        document of a query (a subject with its namesakes, or one base person).
        """
        written = 0
        for engine in ENGINES.values():
            listed = [
                doc for doc in documents
                if engine.name in doc.always_in or rng.random() < engine.coverage[doc.category]
            ]
            by_query: dict[str, list[WebDocument]] = {}
            for doc in listed:
                by_query.setdefault(doc.query, []).append(doc)
            for query, docs in by_query.items():
                order = sorted(range(len(docs)), key=lambda _index: rng.random())
                for rank, index in enumerate(order, start=1):
                    self._write_result(engine.name, query, rank, docs[index])
                    written += 1
        return written

    def _write_result(self, engine: str, query: str, rank: int, doc: WebDocument) -> None:
        number = self.writer.next_number(f"{engine}:r")
        result_id = f"{engine}:r:{number:06d}"
        media = [info.path for info in doc.media]
        record: dict[str, Any] = {
            "kind": "result",
            "id": result_id,
            "query": query,
            "rank": rank,
            "url": doc.url,
            "title": doc.title,
            "snippet": doc.snippet,
            "result_type": doc.result_type,
            "domain": doc.domain,
            "category": doc.category,
            "published": doc.published.isoformat(),
            "media": media,
        }
        self.writer.engine(engine, record)
        exposure = Exposure(
            by_person={person: set(types) for person, types in doc.exposure.by_person.items()},
            light_faces=set(doc.exposure.light_faces),
            notes=list(doc.exposure.notes),
        )
        for info in doc.media:
            exposure.add_media(info)
        truth = item_record(source=engine, item_id=result_id, url=doc.url, kind="result", owner=doc.owner,
                            exposure=exposure, media=media)
        self.writer.ground_truth(truth)
