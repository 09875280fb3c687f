"""Image loading of every awkward kind of file: modes, animation, EXIF rotation, damage, bombs.

Each case gives either the picture a browser would show, with the face in it, or a MediaError that
names the file. analyze_media records such an error on the analysis instead of raising it.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from config.settings import Settings
from footprint.analysis.errors import MediaError
from footprint.analysis.faces import DEFAULT_TOLERANCE, analyze_image, detect_faces, face_distances, reference_encoding
from footprint.analysis.images import load_image
from footprint.analysis.media import analyze_media
from tests.conftest import FACES

MAX_PIXELS = 60_000_000
OBAMA = FACES / "obama.jpg"
BIDEN = FACES / "biden.jpg"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_settings() -> Settings:
    return Settings(_env_file=None, face_model="hog", face_upsample=1, face_max_side_px=1600, max_image_pixels=MAX_PIXELS)


@pytest.fixture(scope="module")
def obama_reference(model_settings) -> list[float]:
    return reference_encoding(OBAMA, model_settings)


@pytest.fixture(scope="module")
def obama_rgb() -> Image.Image:
    with Image.open(OBAMA) as image:
        return image.convert("RGB")


@pytest.fixture(scope="module")
def files(tmp_path_factory, obama_rgb) -> dict[str, Path]:
    """Write one file of each awkward kind, all showing obama.jpg (scaled to 400 px wide)."""
    folder = tmp_path_factory.mktemp("images")
    small = obama_rgb.resize((400, round(400 * obama_rgb.height / obama_rgb.width)))
    paths: dict[str, Path] = {}

    paths["cmyk"] = folder / "cmyk.jpg"
    small.convert("CMYK").save(paths["cmyk"], quality=90)

    gray16 = (np.asarray(small.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    paths["gray16"] = folder / "gray16.png"
    Image.fromarray(gray16).save(paths["gray16"])

    paths["palette"] = folder / "palette.png"
    small.convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(paths["palette"])

    rgba = small.convert("RGBA")
    alpha = np.full((rgba.height, rgba.width), 255, dtype=np.uint8)
    alpha[:20, :20] = 0
    rgba.putalpha(Image.fromarray(alpha))
    paths["rgba"] = folder / "rgba.png"
    rgba.save(paths["rgba"])

    paths["gray"] = folder / "gray.jpg"
    small.convert("L").save(paths["gray"], quality=90)

    with Image.open(BIDEN) as biden:
        biden_frame = biden.convert("RGB").resize(small.size)
    paths["animated"] = folder / "animated.gif"
    small.save(paths["animated"], save_all=True, append_images=[biden_frame], duration=500, loop=0)

    # Pixels stored turned 90 degrees counterclockwise; EXIF orientation 6 ("rotate 90 CW to
    # display") turns them upright again.
    paths["exif_rotated"] = folder / "exif_rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    small.rotate(90, expand=True).save(paths["exif_rotated"], exif=exif, quality=90)

    paths["webp"] = folder / "photo.webp"
    small.save(paths["webp"], quality=80)

    data = OBAMA.read_bytes()
    paths["corrupt"] = folder / "corrupt.jpg"
    paths["corrupt"].write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    paths["truncated"] = folder / "truncated.jpg"
    paths["truncated"].write_bytes(data[: len(data) // 2])
    paths["empty"] = folder / "empty.png"
    paths["empty"].write_bytes(b"")
    paths["bomb"] = folder / "bomb.png"
    paths["bomb"].write_bytes(_png_header(100_000, 100_000))
    paths["text"] = folder / "notes.png"
    paths["text"].write_text("this is not an image\n")
    return paths


def _png_header(width: int, height: int) -> bytes:
    """Return a PNG that claims width x height pixels but contains one empty data chunk."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _distance_to_obama(path: Path, settings: Settings, reference: list[float]) -> float:
    analysis = analyze_image(path, settings)
    assert analysis.faces, f"no face found in {path.name}"
    return float(face_distances([face.encoding for face in analysis.faces], [reference]).min())


@pytest.mark.parametrize("kind", ["cmyk", "gray16", "palette", "rgba", "gray", "animated", "exif_rotated", "webp"])
def test_readable_kinds_show_obama(files, kind, model_settings, obama_reference):
    image = load_image(files[kind], max_pixels=MAX_PIXELS)
    assert image.dtype == np.uint8
    assert image.ndim == 3
    assert image.shape[2] == 3
    assert _distance_to_obama(files[kind], model_settings, obama_reference) <= DEFAULT_TOLERANCE


def test_gray16_scaled_not_saturated(files, obama_rgb):
    image = load_image(files["gray16"], max_pixels=MAX_PIXELS)
    expected = np.asarray(obama_rgb.resize((image.shape[1], image.shape[0])).convert("L"), dtype=np.float64)
    assert abs(float(image[..., 0].mean()) - float(expected.mean())) < 3.0
    assert (image == 255).mean() < 0.5


def test_rgba_transparent_is_white(files):
    image = load_image(files["rgba"], max_pixels=MAX_PIXELS)
    assert image[5, 5].tolist() == [255, 255, 255]


def test_animated_gif_first_frame_only(files, model_settings):
    analysis = analyze_image(files["animated"], model_settings)
    assert len(analysis.faces) == 1


def test_exif_rotation_applied(files, obama_rgb):
    image = load_image(files["exif_rotated"], max_pixels=MAX_PIXELS)
    assert image.shape[0] > image.shape[1]
    with Image.open(files["exif_rotated"]) as stored:
        sideways = np.asarray(stored.convert("RGB"))
    assert sideways.shape[1] > sideways.shape[0]
    assert detect_faces(sideways) == []


def test_cmyk_colours_close_to_original(files, obama_rgb):
    image = load_image(files["cmyk"], max_pixels=MAX_PIXELS).astype(np.float64)
    original = np.asarray(obama_rgb.resize((image.shape[1], image.shape[0])), dtype=np.float64)
    assert np.abs(image - original).mean() < 20.0


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("corrupt", "not an image file"),
        ("truncated", "truncated or damaged"),
        ("empty", "file is empty (0 bytes)"),
        ("bomb", "decompression bomb"),
        ("text", "not an image file"),
    ],
)
def test_bad_files_raise_media_error(files, kind, reason):
    with pytest.raises(MediaError) as error:
        load_image(files[kind], max_pixels=MAX_PIXELS)
    assert error.value.path == str(files[kind])
    assert str(error.value).startswith(f"{files[kind]}: ")
    assert reason in error.value.reason


def test_small_max_pixels_rejects(files):
    with pytest.raises(MediaError, match="exceeds the limit of 1000 pixels"):
        load_image(OBAMA, max_pixels=1000)


def test_missing_file_raises(tmp_path):
    with pytest.raises(MediaError, match="file not found"):
        load_image(tmp_path / "missing.jpg", max_pixels=MAX_PIXELS)


def test_truncated_rejected_after_face_recognition_import(files):
    # face_recognition 1.3.0 sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True when imported.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition  # noqa: F401
    with pytest.raises(MediaError, match="truncated"):
        load_image(files["truncated"], max_pixels=MAX_PIXELS)


def test_analyze_media_never_raises(files, model_settings):
    for kind, path in files.items():
        analysis = analyze_media(path, settings=model_settings)
        assert analysis.kind == "image"
        if kind in ("corrupt", "truncated", "empty", "bomb", "text"):
            assert analysis.error is not None
            assert analysis.error.startswith(str(path))
            assert analysis.faces == []
        else:
            assert analysis.error is None, analysis.error
            assert len(analysis.faces) == 1
        assert analysis.models["face"].startswith("dlib-")
        assert len(analysis.sha256) == 64


def test_media_error_pickles():
    import pickle

    error = pickle.loads(pickle.dumps(MediaError("/x/y.jpg", "file not found")))
    assert (error.path, error.reason, str(error)) == ("/x/y.jpg", "file not found", "/x/y.jpg: file not found")
