"""Canonical URLs and natural keys of footprints.

Two URLs that differ only in what a browser or a sharing button adds (scheme, ``www.``, default
port, trailing slash, fragment, tracking parameters, query order) name the same item. They get the
same canonical URL, so reposts and shared links become one footprint.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that only track a click or a campaign; they never change the page.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "igsh", "mc_cid",
    "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "si", "spm", "mkt_tok", "trk", "trkinfo",
})

#: Prefixes of tracking parameter families (``utm_source``, ``utm_medium``, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")

#: Ports that a scheme implies; they are dropped.
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL.

    Lower-cases scheme and host, maps http to https (the same page on every site we read), strips
    a leading ``www.``, the default port, user info, the fragment, a trailing slash and tracking
    parameters, and sorts the remaining query parameters. The path keeps its case, since paths are
    case-sensitive. Raises ValueError for anything but an absolute http(s) URL with a host.
    """
    if not isinstance(url, str):
        raise ValueError(f"invalid URL {url!r}: expected a string such as 'https://example.com/page'")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"invalid URL {url[:200]!r}: give an absolute http(s) URL such as 'https://example.com/page'")

    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"invalid URL {url[:200]!r}: the port is not a number from 0 to 65535") from None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"

    path = parts.path.rstrip("/")
    query_pairs = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(name)]
    query = urlencode(sorted(query_pairs))
    return urlunsplit(("https", netloc, path, query, ""))


def natural_key_for_media(sha256: str) -> str:
    """Return the natural key of a media-centric footprint: SHA-256 of ``media:<sha256>``."""
    return hashlib.sha256(f"media:{sha256}".encode()).hexdigest()


def natural_key_for_url(canonical: str) -> str:
    """Return the natural key of a URL footprint: SHA-256 of ``url:<canonical url>``."""
    return hashlib.sha256(f"url:{canonical}".encode()).hexdigest()
