"""HTML report: one self-contained page (inline CSS and SVG, images as data URIs).

The page's Content-Security-Policy allows no network fetch at all, so opening it never contacts
anyone. Every text goes through Jinja2 autoescaping; transcripts are passed as (text, kind)
pieces, so a highlight never needs raw HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from config.settings import Settings, get_settings
from footprint import __version__
from footprint.consolidate.masking import sensitive_spans
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.media import MediaAnalysis
from footprint.report import charts
from footprint.report.data import FootprintView, ScanView
from footprint.report.summary import IDENTIFIER_ORDER, summarize
from footprint.report.thumbs import FaceBox, thumbnail_data_uri
from footprint.store.engine import session_scope
from footprint.store.models import MediaAnalysisRow

logger = logging.getLogger(__name__)

#: Template file inside footprint/report/templates.
TEMPLATE = "report.html.j2"

#: Transcript piece kinds: plain text, a subject's identifier, another email or phone (masked).
PLAIN, IDENTIFIER, MASKED = "plain", "identifier", "masked"


@dataclass
class Photo:
    """A thumbnail of one media file with the number of faces matched."""

    data_uri: str
    path: str
    matched: int
    faces: int
    footprint_id: int


@dataclass
class Transcript:
    """A transcript split into pieces (text, kind), kinds PLAIN, IDENTIFIER or MASKED."""

    path: str
    pieces: list[tuple[str, str]]
    language: str | None = None


@dataclass
class FootprintCard:
    """The page's card of one footprint."""

    footprint: FootprintView
    identifiers: list[tuple[str, str]]
    evidence: list[dict]
    photo: Photo | None = None
    transcripts: list[Transcript] = field(default_factory=list)


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("footprint.report", "templates"),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment


def highlight_transcript(text: str, findings: Sequence[Evidence], region: str) -> list[tuple[str, str]]:
    """Split ``text`` into pieces: subject identifiers (shown masked), other emails and phones
    (masked) and plain text between them.

    Findings with character offsets take priority; a masked span overlapping one is dropped.
    """
    spans: list[tuple[int, int, str, str]] = []
    for finding in findings:
        if finding.start is None or finding.end is None or not 0 <= finding.start < finding.end <= len(text):
            continue
        label = finding.masked_value or finding.identifier.value
        spans.append((finding.start, finding.end, label, IDENTIFIER))
    for start, end, masked in sensitive_spans(text, region):
        if not any(start < other_end and other_start < end for other_start, other_end, _, _ in spans):
            spans.append((start, end, masked, MASKED))

    pieces: list[tuple[str, str]] = []
    cursor = 0
    for start, end, label, kind in sorted(spans):
        if start < cursor:
            continue
        if start > cursor:
            pieces.append((text[cursor:start], PLAIN))
        pieces.append((label, kind))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], PLAIN))
    return pieces


def _load_analyses(hashes: set[str], settings: Settings) -> dict[str, MediaAnalysis]:
    if not hashes:
        return {}
    found = {}
    with session_scope(settings) as session:
        rows = session.execute(select(MediaAnalysisRow.sha256, MediaAnalysisRow.result).where(MediaAnalysisRow.sha256.in_(sorted(hashes))))
        for sha256, result in rows:
            try:
                found[sha256] = MediaAnalysis.from_dict(result)
            except (KeyError, TypeError, ValueError) as error:
                logger.warning("invalid media analysis %s skipped: %s", sha256[:12], error)
    return found


def _inside(world: Path, relative: str) -> Path | None:
    candidate = (world / relative).resolve()
    return candidate if candidate.is_relative_to(world) and candidate.is_file() else None


def _photo(footprint: FootprintView, analysis: MediaAnalysis | None, world: Path | None, settings: Settings) -> Photo | None:
    if world is None or analysis is None or not footprint.media_paths or analysis.kind not in ("image", "video"):
        return None
    path = _inside(world, footprint.media_paths[0])
    if path is None:
        return None
    matched_boxes = {
        tuple(finding.detail.get("box") or ())
        for finding in footprint.evidence
        if finding.identifier is IdentifierType.FACE and finding.confidence > Confidence.NONE
        and finding.detail.get("sha256") == analysis.sha256
    }
    faces = [FaceBox(tuple(face.box), tuple(face.box) in matched_boxes, face.frame_time) for face in analysis.faces]
    data_uri = thumbnail_data_uri(path, faces, settings.max_image_pixels)
    if data_uri is None:
        return None
    return Photo(data_uri, footprint.media_paths[0], sum(face.matched for face in faces), len(faces), footprint.footprint_id)


def _transcripts(footprint: FootprintView, analysis: MediaAnalysis | None, region: str) -> list[Transcript]:
    if analysis is None or not analysis.transcript:
        return []
    findings = [
        finding for finding in footprint.evidence
        if finding.method is Method.SPEECH and finding.detail.get("sha256") == analysis.sha256 and finding.confidence > Confidence.NONE
    ]
    path = footprint.media_paths[0] if footprint.media_paths else analysis.sha256[:12]
    return [Transcript(path, highlight_transcript(analysis.transcript, findings, region), analysis.language)]


def _evidence_rows(footprint: FootprintView) -> list[dict]:
    rows = []
    for finding in footprint.evidence:
        notes = []
        detail = finding.detail
        if detail.get("contradicts"):
            notes.append(f"against: {detail['contradicts']}")
        if detail.get("inherited_from"):
            notes.append(f"from profile {detail['inherited_from']}")
        if detail.get("context"):
            notes.append(f"context: {detail['context']}")
        if detail.get("discounted"):
            notes.append(f"discounted: {detail['discounted']}")
        if "distance" in detail:
            notes.append(f"face distance {detail['distance']}")
        rows.append({
            "identifier": finding.identifier.value, "method": finding.method.value,
            "confidence": finding.confidence.name.lower(), "value": finding.masked_value, "field": finding.field,
            "item": detail.get("item", ""), "notes": "; ".join(notes), "against": bool(detail.get("contradicts")),
        })
    return rows


def build_cards(view: ScanView, footprints: Sequence[FootprintView], settings: Settings, region: str = "US") -> list[FootprintCard]:
    """Return the page's card for each footprint, with thumbnail and transcript where available."""
    world = Path(view.world_dir).resolve() if view.world_dir and Path(view.world_dir).is_dir() else None
    analyses = _load_analyses({footprint.media_sha256 for footprint in footprints if footprint.media_sha256}, settings)
    cards = []
    for footprint in footprints:
        analysis = analyses.get(footprint.media_sha256 or "")
        identifiers = [
            (kind.value, footprint.identifiers[kind].name.lower()) for kind in IDENTIFIER_ORDER if kind in footprint.identifiers
        ]
        cards.append(
            FootprintCard(
                footprint=footprint, identifiers=identifiers, evidence=_evidence_rows(footprint),
                photo=_photo(footprint, analysis, world, settings), transcripts=_transcripts(footprint, analysis, region),
            )
        )
    return cards


def render_html(view: ScanView, footprints: Sequence[FootprintView], settings: Settings | None = None, region: str = "US") -> str:
    """Return the HTML report page of ``footprints`` of scan ``view``."""
    settings = settings or get_settings()
    summary = summarize(view, footprints)
    cards = build_cards(view, footprints, settings, region)
    photos = [card.photo for card in cards if card.photo is not None and card.photo.matched]
    chart_list = [
        charts.horizontal_bars("Footprints by source", summary.by_source),
        charts.horizontal_bars("Identifiers exposed", summary.by_identifier),
        charts.horizontal_bars("Footprints by confidence", summary.by_confidence),
        charts.columns("Footprints over time (first published)", summary.by_month),
    ]
    template = _environment().get_template(TEMPLATE)
    return template.render(
        view=view, summary=summary, cards=cards, photos=photos, charts=chart_list, version=__version__,
        PLAIN=PLAIN, IDENTIFIER=IDENTIFIER, MASKED=MASKED,
    )
