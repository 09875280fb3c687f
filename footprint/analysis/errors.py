"""The error raised for a media file that cannot be analysed."""

from __future__ import annotations

from pathlib import Path


class MediaError(Exception):
    """A media file that cannot be read or analysed.

    Parameters:
        path: the file, as given by the caller.
        reason: what is wrong and what to do about it ("file is empty (0 bytes); download it again").

    ``str(error)`` is ``"<path>: <reason>"``, so the message always names the file.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):
        # Exception pickles self.args, which holds only the joined message. Celery and
        # multiprocessing pickle errors, so rebuild from both parts instead.
        return (type(self), (self.path, self.reason))


class ModelError(RuntimeError):
    """A face or speech model that cannot be found or loaded.

    This is a set-up problem of the host, not of one file, so :func:`footprint.analysis.media.analyze_media`
    lets it propagate instead of recording it as the file's error.
    """


def require_file(path: str | Path) -> Path:
    """Return ``path`` as a Path if it is a readable, non-empty regular file.

    Raises:
        MediaError: the path does not exist, is a directory, cannot be read or is empty.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MediaError(path, "file not found") from None
    except OSError as exc:
        raise MediaError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if path.is_dir():
        raise MediaError(path, "is a directory, not a media file")
    if size == 0:
        raise MediaError(path, "file is empty (0 bytes); download it again")
    return path
