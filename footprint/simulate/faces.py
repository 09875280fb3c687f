"""The face pool: real photos, each with one located face, split into subjects' faces and strangers.

Every pool photo and every subject reference photo is decoded, downscaled and passed through
face_recognition once, so that the generator knows where each face is (for crops and group
pictures) and which pool photos show a subject. A pool photo within :data:`SAME_PERSON_DISTANCE` of
a subject's reference photo becomes another photo of that subject; one within
:data:`AMBIGUOUS_DISTANCE` is left out, because giving it to anyone else would plant the subject's
face on a stranger; the rest are strangers' faces that base people, namesakes and look-alikes reuse.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from footprint.media import IMAGE_SUFFIXES

logger = logging.getLogger(__name__)

#: Largest side, in pixels, that pool and reference photos are reduced to before anything else.
#: Detection at this size takes about 0.3 s per photo with the HOG model on one core.
WORK_MAX_SIDE_PX = 800

#: Face distance below which a pool photo counts as the same person as a subject's reference photo.
#: Matches the default ``face_tolerance`` of the settings.
SAME_PERSON_DISTANCE = 0.5

#: Face distance below which a pool photo is too close to a subject to give to anyone else.
#: face_recognition documents 0.6 as its own default tolerance.
AMBIGUOUS_DISTANCE = 0.6


class FacePoolError(ValueError):
    """The face pool or a subject photo cannot be used; the message names the file or folder."""


@dataclass
class FacePhoto:
    """One photo with a located face.

    Parameters:
        name: file name, as written to the ground truth ("biden.jpg").
        sha256: hex SHA-256 of the file.
        image: the photo as RGB, downscaled to at most WORK_MAX_SIDE_PX on its longer side.
        box: (top, right, bottom, left) of the largest face in ``image``, pixels.
        encoding: 128-d face_recognition encoding of that face.
        owner: person id of the subject shown, or None for a stranger.
    """

    name: str
    sha256: str
    image: Image.Image
    box: tuple[int, int, int, int]
    encoding: np.ndarray
    owner: str | None = None


@dataclass
class FacePool:
    """Photos available to the generator.

    Parameters:
        folder: the pool folder.
        strangers: photos that show no subject, reused for every non-subject person.
        subject_photos: per subject person id, the reference photos first, then pool photos of
            the same person.
        skipped: "name (reason)" for each pool file that could not be used.
        ambiguous: names of pool photos left out because they are close to a subject's face.
    """

    folder: Path
    strangers: list[FacePhoto] = field(default_factory=list)
    subject_photos: dict[str, list[FacePhoto]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)

    def reference_photos(self, person_id: str) -> list[FacePhoto]:
        """Return the photos of a subject (reference photos first); empty when none was given."""
        return self.subject_photos.get(person_id, [])

    def pool_files(self) -> list[dict[str, str]]:
        """Return name and SHA-256 of each usable pool photo, sorted by name, for the manifest."""
        photos = [*self.strangers, *(p for photos in self.subject_photos.values() for p in photos if p.owner)]
        unique = {(photo.name, photo.sha256) for photo in photos}
        return [{"name": name, "sha256": sha} for name, sha in sorted(unique)]


def _face_recognition():
    # face_recognition_models imports pkg_resources, which warns on every import with setuptools>=70.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition

    return face_recognition


def _load_photo(path: Path) -> tuple[Image.Image, str]:
    data = path.read_bytes()
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)
        image = image.convert("RGB")
    image.thumbnail((WORK_MAX_SIDE_PX, WORK_MAX_SIDE_PX), Image.Resampling.LANCZOS)
    return image, hashlib.sha256(data).hexdigest()


class UnusablePhotoError(FacePoolError):
    """A photo that cannot be decoded or shows no detectable face.

    Parameters:
        path: the photo.
        reason: why it is unusable ("no face found", the decoder's message).
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def locate_face(path: Path) -> FacePhoto:
    """Decode a photo and locate its largest face.

    Raises UnusablePhotoError naming the file when it cannot be read or shows no detectable face.
    """
    face_recognition = _face_recognition()
    try:
        image, sha = _load_photo(path)
    except FileNotFoundError:
        raise UnusablePhotoError(path, "file not found") from None
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as error:
        raise UnusablePhotoError(path, f"cannot be decoded: {error}") from None
    pixels = np.asarray(image)
    boxes = face_recognition.face_locations(pixels, number_of_times_to_upsample=1, model="hog")
    if not boxes:
        raise UnusablePhotoError(path, "no face found")
    box = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
    encoding = face_recognition.face_encodings(pixels, [box])[0]
    return FacePhoto(name=path.name, sha256=sha, image=image, box=tuple(int(v) for v in box), encoding=encoding)


def _pool_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise FacePoolError(
            f"face pool folder {folder} does not exist: pass --faces DIR with a folder of JPEG or PNG "
            "photos that each show one frontal face"
        )
    if not folder.is_dir():
        raise FacePoolError(f"face pool {folder} is not a folder: pass --faces DIR with a folder of photos")
    files = sorted(path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        suffixes = ", ".join(sorted(IMAGE_SUFFIXES))
        raise FacePoolError(
            f"face pool folder {folder} contains no image files ({suffixes}): add photos that each show "
            "one frontal face"
        )
    return files


def load_face_pool(folder: Path, subject_photos: dict[str, list[Path]]) -> FacePool:
    """Load the face pool and the subjects' reference photos.

    ``subject_photos`` maps a subject person id to its reference photo paths. Raises FacePoolError
    when the folder is missing, holds no image file, or none of its files is a readable photo with a
    detectable face, and when a subject's reference photo cannot be used.
    """
    files = _pool_files(folder)
    pool = FacePool(folder=folder)

    references: dict[str, list[FacePhoto]] = {}
    for person_id, paths in subject_photos.items():
        references[person_id] = []
        for path in paths:
            try:
                photo = locate_face(Path(path))
            except UnusablePhotoError as error:
                raise FacePoolError(
                    f"subject photo {path} is unusable ({error.reason}): give a JPEG or PNG photo with one "
                    "frontal face at least 80 px wide"
                ) from None
            photo.owner = person_id
            references[person_id].append(photo)
        pool.subject_photos[person_id] = list(references[person_id])

    reference_hashes = {photo.sha256 for photos in references.values() for photo in photos}
    readable = 0
    for path in files:
        try:
            photo = locate_face(path)
        except UnusablePhotoError as error:
            pool.skipped.append(f"{path.name} ({error.reason})")
            continue
        readable += 1
        if photo.sha256 in reference_hashes:
            # The subject's own reference photo sitting in the pool: already used as a reference.
            continue

        closest_owner, closest_distance = None, float("inf")
        for person_id, photos in references.items():
            for reference in photos:
                distance = float(np.linalg.norm(reference.encoding - photo.encoding))
                if distance < closest_distance:
                    closest_owner, closest_distance = person_id, distance
        if closest_owner is not None and closest_distance < SAME_PERSON_DISTANCE:
            photo.owner = closest_owner
            pool.subject_photos[closest_owner].append(photo)
            logger.info("pool photo %s shows subject %s (distance %.2f)", photo.name, closest_owner, closest_distance)
        elif closest_distance < AMBIGUOUS_DISTANCE:
            pool.ambiguous.append(photo.name)
            logger.warning(
                "pool photo %s left out: distance %.2f to subject %s is too close to give it to anyone else",
                photo.name,
                closest_distance,
                closest_owner,
            )
        else:
            pool.strangers.append(photo)

    if readable == 0:
        details = "; ".join(pool.skipped[:5]) + (" ..." if len(pool.skipped) > 5 else "")
        raise FacePoolError(
            f"face pool folder {folder} has no readable photo with a detectable face ({details}): add JPEG "
            "or PNG photos that each show one frontal face"
        )
    for entry in pool.skipped:
        logger.warning("face pool file skipped: %s", entry)
    if not pool.strangers:
        logger.warning(
            "face pool %s holds no face of anyone but the subjects: other people get pictures without faces",
            folder,
        )
    return pool

