"""Face detection and matching on the bundled photos with the real dlib models."""

from __future__ import annotations

import logging
from pathlib import Path

import dlib
import numpy as np
import pytest
from PIL import Image, ImageEnhance

from config.settings import Settings
from footprint.analysis import faces
from footprint.analysis.errors import MediaError
from footprint.analysis.faces import (
    DEFAULT_TOLERANCE,
    analyze_image,
    detect_faces,
    encode_faces,
    face_confidence,
    face_distances,
    reference_encoding,
)
from footprint.analysis.images import load_image
from footprint.evidence import Confidence
from tests.conftest import FACES

OBAMA = FACES / "obama.jpg"
OBAMA2 = FACES / "obama2.jpg"
BIDEN = FACES / "biden.jpg"


@pytest.fixture(scope="module")
def model_settings() -> Settings:
    return Settings(_env_file=None, face_model="hog", face_upsample=1, face_max_side_px=1600, max_image_pixels=60_000_000)


@pytest.fixture(scope="module")
def obama_reference(model_settings) -> list[float]:
    return reference_encoding(OBAMA, model_settings)


@pytest.fixture(scope="module")
def transformed(tmp_path_factory) -> dict[str, Path]:
    """obama2.jpg cropped, scaled, rotated, brightened and recompressed, each as a JPEG file."""
    folder = tmp_path_factory.mktemp("transformed")
    with Image.open(OBAMA2) as source:
        photo = source.convert("RGB")
    width, height = photo.size
    variants = {
        "crop": photo.crop((int(width * 0.1), int(height * 0.05), int(width * 0.9), int(height * 0.7))),
        "scale_0.5": photo.resize((width // 2, height // 2), Image.Resampling.LANCZOS),
        "rotate_10": photo.rotate(10, expand=True, fillcolor=(255, 255, 255)),
        "brightness_1.4": ImageEnhance.Brightness(photo).enhance(1.4),
    }
    paths = {}
    for name, image in variants.items():
        paths[name] = folder / f"{name}.jpg"
        image.save(paths[name], quality=95)
    paths["jpeg_q30"] = folder / "jpeg_q30.jpg"
    photo.save(paths["jpeg_q30"], quality=30)
    return paths


def _distance(path: Path, settings: Settings, reference: list[float]) -> float:
    analysis = analyze_image(path, settings)
    assert len(analysis.faces) == 1, f"{path.name}: expected one face, found {len(analysis.faces)}"
    return float(face_distances([analysis.faces[0].encoding], [reference])[0])


@pytest.mark.slow
def test_obama2_matches_obama(model_settings, obama_reference):
    distance = _distance(OBAMA2, model_settings, obama_reference)
    assert distance <= DEFAULT_TOLERANCE
    assert face_confidence(distance, DEFAULT_TOLERANCE) >= Confidence.HIGH


@pytest.mark.slow
def test_biden_does_not_match_obama(model_settings, obama_reference):
    distance = _distance(BIDEN, model_settings, obama_reference)
    assert distance > DEFAULT_TOLERANCE
    assert face_confidence(distance, DEFAULT_TOLERANCE) is Confidence.NONE


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["crop", "scale_0.5", "rotate_10", "brightness_1.4", "jpeg_q30"])
def test_transformed_obama2_matches(transformed, variant, model_settings, obama_reference):
    assert _distance(transformed[variant], model_settings, obama_reference) <= DEFAULT_TOLERANCE


@pytest.mark.slow
def test_recompressed_same_photo_is_certain(tmp_path, model_settings, obama_reference):
    with Image.open(OBAMA) as source:
        source.convert("RGB").resize((455, 568)).save(tmp_path / "small.jpg", quality=40)
    distance = _distance(tmp_path / "small.jpg", model_settings, obama_reference)
    assert face_confidence(distance, DEFAULT_TOLERANCE) is Confidence.CERTAIN


@pytest.mark.slow
def test_upscaled_boxes_map_to_original_coordinates():
    image = load_image(OBAMA, max_pixels=60_000_000)
    (box,) = detect_faces(image, max_side=1600)
    factor = 3000 / max(image.shape[:2])
    size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
    large = np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BILINEAR))
    assert max(large.shape[:2]) == 3000

    (large_box,) = detect_faces(large, max_side=1600)
    face_side = (large_box[2] - large_box[0])
    assert face_side > (box[2] - box[0]) * factor * 0.8
    for original, mapped in zip(box, large_box, strict=True):
        assert abs(original * factor - mapped) < 0.1 * face_side
    top, right, bottom, left = large_box
    assert 0 <= top < bottom <= large.shape[0]
    assert 0 <= left < right <= large.shape[1]


@pytest.mark.slow
def test_upscaled_encoding_still_matches(obama_reference):
    image = load_image(OBAMA, max_pixels=60_000_000)
    large = np.asarray(Image.fromarray(image).resize((image.shape[1] * 3, image.shape[0] * 3)))
    boxes = detect_faces(large, max_side=1600)
    encodings = encode_faces(large, boxes)
    assert len(encodings) == 1
    assert len(encodings[0]) == 128
    assert face_distances(encodings, [obama_reference])[0] <= DEFAULT_TOLERANCE


@pytest.mark.slow
def test_analyze_image_fields(model_settings):
    analysis = analyze_image(OBAMA, model_settings)
    assert analysis.kind == "image"
    assert (analysis.width, analysis.height) == (910, 1137)
    assert len(analysis.faces) == 1
    assert len(analysis.faces[0].encoding) == 128
    assert analysis.faces[0].frame_time is None
    assert analysis.models == {"face": f"dlib-{dlib.__version__} hog upsample=1 face_recognition_models-0.3.0"}
    assert len(analysis.sha256) == 64
    assert analysis.elapsed_s > 0


@pytest.mark.slow
def test_reference_without_face_raises(tmp_path, model_settings):
    blank = tmp_path / "wall.png"
    Image.new("RGB", (300, 300), (200, 180, 160)).save(blank)
    with pytest.raises(MediaError) as error:
        reference_encoding(blank, model_settings)
    assert f"no face found in {blank}" in str(error.value)
    assert "80 px" in error.value.reason


def test_reference_missing_or_not_image(tmp_path, model_settings):
    with pytest.raises(MediaError, match="file not found"):
        reference_encoding(tmp_path / "missing.jpg", model_settings)
    text = tmp_path / "photo.jpg"
    text.write_text("not a photo")
    with pytest.raises(MediaError, match="not an image file"):
        reference_encoding(text, model_settings)


def test_face_distances_shapes():
    rng = np.random.default_rng(0)
    encodings = rng.normal(size=(3, 128))
    references = rng.normal(size=(2, 128))
    distances = face_distances(encodings, references)
    expected = np.linalg.norm(encodings[:, None, :] - references[None, :, :], axis=2).min(axis=1)
    assert distances.shape == (3,)
    assert np.allclose(distances, expected)
    assert face_distances([], references).shape == (0,)
    assert np.isinf(face_distances(encodings.tolist(), [])).all()
    assert face_distances(encodings.tolist(), []).shape == (3,)
    assert face_distances(encodings[0], encodings[0])[0] == pytest.approx(0.0, abs=1e-6)


def test_face_distances_rejects_wrong_length():
    with pytest.raises(ValueError, match="expected N x 128"):
        face_distances([[0.0] * 64], [[0.0] * 128])


@pytest.mark.parametrize(
    ("distance", "expected"),
    [
        (0.0, Confidence.CERTAIN),
        (0.30, Confidence.CERTAIN),
        (0.35, Confidence.HIGH),
        (0.50, Confidence.HIGH),
        (0.55, Confidence.LOW),
        (0.58, Confidence.LOW),
        (0.59, Confidence.NONE),
        (0.84, Confidence.NONE),
        (float("inf"), Confidence.NONE),
        (float("nan"), Confidence.NONE),
    ],
)
def test_face_confidence_mapping(distance, expected):
    assert face_confidence(distance, 0.5) is expected


def test_face_confidence_rejects_bad_tolerance():
    with pytest.raises(ValueError, match="invalid face tolerance 1.5"):
        face_confidence(0.3, 1.5)


def test_detect_faces_rejects_non_rgb():
    with pytest.raises(ValueError, match=r"expected an \(H, W, 3\) uint8 RGB array"):
        detect_faces(np.zeros((10, 10), dtype=np.uint8))


@pytest.mark.skipif(dlib.DLIB_USE_CUDA, reason="dlib is built with CUDA, so the CNN detector runs")
def test_cnn_without_cuda_falls_back_to_hog(caplog, monkeypatch):
    monkeypatch.setattr(faces, "_cnn_fallback_logged", False)
    with caplog.at_level(logging.WARNING, logger="footprint.analysis.faces"):
        assert faces.resolve_detector("cnn") == "hog"
    assert "without CUDA" in caplog.text


def test_invalid_detector_rejected():
    with pytest.raises(ValueError, match="invalid face model 'mtcnn'"):
        faces.resolve_detector("mtcnn")

