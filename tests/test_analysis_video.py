"""Video analysis on videos generated here: real faces, speech from espeak-ng, several containers.

The videos are written with PyAV: obama.jpg for the first half, biden.jpg for the second, and a
spoken sentence with a name, a city and a phone number. The transcript then goes through
find_identities as a transcript would in a scan.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from config.settings import Settings
from footprint.analysis.errors import MediaError
from footprint.analysis.faces import DEFAULT_TOLERANCE, face_distances, reference_encoding
from footprint.analysis.identities import find_identities
from footprint.analysis.media import analyze_media
from footprint.analysis.video import analyze_video, sample_interval
from footprint.evidence import Confidence, IdentifierType, Method
from footprint.subject import Address, SubjectProfile
from tests.conftest import FACES

pytestmark = pytest.mark.slow

#: Spoken at 140 words per minute by espeak-ng. The bundled tiny.en model transcribes it as
#: "My name is Barack Obama. I live in Chicago. My phone number is 415. 555. 0123." on a CPU.
SENTENCE = "My name is Barack Obama. I live in Chicago. My phone number is four one five. Five five five. Zero one two three."

CANVAS = 480
FPS = 5


@pytest.fixture(scope="module")
def subject() -> SubjectProfile:
    return SubjectProfile(
        subject_id=1,
        names=["Barack Obama"],
        phones=["+14155550123"],
        addresses=[Address(city="Chicago", street="Greenwood Avenue", number="5046")],
        region="US",
    )


@pytest.fixture(scope="module")
def video_settings() -> Settings:
    return Settings(
        _env_file=None,
        face_model="hog",
        face_upsample=1,
        face_max_side_px=1600,
        video_frame_rate=1.0,
        video_max_frames=30,
        whisper_model="bundled",
        device="auto",
        compute_type="auto",
    )


def _speak(folder: Path, name: str, sentence: str) -> Path:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("espeak-ng is not installed; install the Debian package espeak-ng to generate speech")
    path = folder / name
    subprocess.run([espeak, "-s", "140", "-w", str(path), sentence], check=True)
    return path


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> Path:
    return _speak(tmp_path_factory.mktemp("speech"), "speech.wav", SENTENCE)


@pytest.fixture(scope="module")
def short_wav(tmp_path_factory) -> Path:
    """Two seconds of speech, for the container tests."""
    return _speak(tmp_path_factory.mktemp("speech"), "short.wav", "I live in Chicago.")


def _portrait(path: Path) -> np.ndarray:
    """Return the photo fitted into a white CANVAS x CANVAS square."""
    with Image.open(path) as source:
        photo = source.convert("RGB")
    photo.thumbnail((CANVAS, CANVAS))
    canvas = Image.new("RGB", (CANVAS, CANVAS), (255, 255, 255))
    canvas.paste(photo, ((CANVAS - photo.width) // 2, (CANVAS - photo.height) // 2))
    return np.asarray(canvas)


@pytest.fixture(scope="module")
def portraits() -> list[np.ndarray]:
    return [_portrait(FACES / "obama.jpg"), _portrait(FACES / "biden.jpg")]


def _audio_seconds(wav: Path) -> float:
    with av.open(str(wav)) as container:
        return float(container.duration / av.time_base)


def write_video(
    path: Path, frames: list[np.ndarray], seconds: float, *, video_codec: str, audio_codec: str | None, wav: Path | None
) -> Path:
    """Write a video showing each of ``frames`` for an equal share of ``seconds``, with optional audio."""
    with av.open(str(path), "w") as container:
        video = container.add_stream(video_codec, rate=FPS)
        video.width, video.height, video.pix_fmt = CANVAS, CANVAS, "yuv420p"
        audio = None
        if wav is not None:
            audio = container.add_stream(audio_codec, rate=48000)
            audio.layout = "mono"

        total = int(seconds * FPS)
        for index in range(total):
            image = frames[min(len(frames) - 1, index * len(frames) // total)]
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)

        if audio is not None:
            resampler = av.AudioResampler(format=audio.format.name, layout="mono", rate=48000)
            with av.open(str(wav)) as source:
                decoded = list(source.decode(audio=0))
            for chunk in [*decoded, None]:
                for resampled in resampler.resample(chunk):
                    resampled.pts = None
                    for packet in audio.encode(resampled):
                        container.mux(packet)
            for packet in audio.encode():
                container.mux(packet)
    return path


@pytest.fixture(scope="module")
def speaking_mp4(tmp_path_factory, portraits, speech_wav) -> Path:
    folder = tmp_path_factory.mktemp("videos")
    seconds = _audio_seconds(speech_wav) + 0.5
    return write_video(folder / "talk.mp4", portraits, seconds, video_codec="libx264", audio_codec="aac", wav=speech_wav)


@pytest.fixture(scope="module")
def speaking_analysis(speaking_mp4, video_settings):
    return analyze_media(speaking_mp4, settings=video_settings)


@pytest.fixture(scope="module")
def obama_reference(video_settings) -> list[float]:
    return reference_encoding(FACES / "obama.jpg", video_settings)


@pytest.fixture(scope="module")
def biden_reference(video_settings) -> list[float]:
    return reference_encoding(FACES / "biden.jpg", video_settings)


def test_video_analysis_fields(speaking_analysis, speaking_mp4):
    assert speaking_analysis.error is None
    assert speaking_analysis.kind == "video"
    assert (speaking_analysis.width, speaking_analysis.height) == (CANVAS, CANVAS)
    assert speaking_analysis.has_audio is True
    assert speaking_analysis.duration_s > 5
    assert speaking_analysis.frames_sampled == pytest.approx(speaking_analysis.duration_s, abs=1.5)
    assert set(speaking_analysis.models) == {"face", "speech"}


def test_video_distinct_faces_in_order(speaking_analysis, obama_reference, biden_reference):
    faces = speaking_analysis.faces
    assert len(faces) == 2
    assert faces[0].frame_time == 0.0
    assert faces[1].frame_time > faces[0].frame_time
    assert face_distances([faces[0].encoding], [obama_reference])[0] <= DEFAULT_TOLERANCE
    assert face_distances([faces[1].encoding], [biden_reference])[0] <= DEFAULT_TOLERANCE
    assert face_distances([faces[1].encoding], [obama_reference])[0] > DEFAULT_TOLERANCE


def test_video_transcript(speaking_analysis):
    transcript = speaking_analysis.transcript.lower()
    assert "barack obama" in transcript
    assert "chicago" in transcript
    assert speaking_analysis.language == "en"
    starts = [segment.start for segment in speaking_analysis.segments]
    assert starts == sorted(starts)


def test_video_transcript_identities(speaking_analysis, subject):
    findings = find_identities(speaking_analysis.transcript, subject, field="transcript", method=Method.SPEECH)
    by_type = {finding.identifier: finding for finding in findings}
    assert by_type[IdentifierType.NAME].detail["match"] == "exact"
    assert by_type[IdentifierType.ADDRESS].detail["match"] == "city"
    # The model may drop a digit of a spoken number ("415-55-0123"), which is a near match.
    assert by_type[IdentifierType.PHONE].confidence >= Confidence.MEDIUM
    assert all(finding.field == "transcript" for finding in findings)


def test_misheard_transcript_lower_confidence(speaking_analysis, subject):
    exact = find_identities(
        "My name is Barack Obama. I live in Chicago. My phone number is 415. 555. 0123.", subject, method=Method.SPEECH
    )
    misheard = find_identities(
        "My name is Barack Obamma. I live in Chicago. My phone number is 415. 55. 0123.", subject, method=Method.SPEECH
    )

    def confidence(findings, identifier):
        return next(f.confidence for f in findings if f.identifier is identifier)

    assert confidence(exact, IdentifierType.PHONE) is Confidence.HIGH
    assert confidence(misheard, IdentifierType.PHONE) < confidence(exact, IdentifierType.PHONE)
    assert confidence(misheard, IdentifierType.NAME) < confidence(exact, IdentifierType.NAME)


@pytest.mark.parametrize(("suffix", "video_codec", "audio_codec"), [("webm", "libvpx", "libopus"), ("mkv", "libx264", "libopus")])
def test_other_containers(tmp_path, portraits, short_wav, video_settings, suffix, video_codec, audio_codec):
    path = write_video(
        tmp_path / f"talk.{suffix}", portraits[:1], 2.0, video_codec=video_codec, audio_codec=audio_codec, wav=short_wav
    )
    analysis = analyze_media(path, settings=video_settings)
    assert analysis.error is None
    assert analysis.kind == "video"
    assert len(analysis.faces) == 1
    assert analysis.has_audio is True
    assert "chicago" in analysis.transcript.lower()


def test_video_without_audio(tmp_path, portraits, video_settings):
    path = write_video(tmp_path / "mute.mp4", portraits[:1], 2.0, video_codec="libx264", audio_codec=None, wav=None)
    analysis = analyze_media(path, settings=video_settings)
    assert analysis.error is None
    assert analysis.has_audio is False
    assert analysis.transcript is None
    assert analysis.language is None
    assert "speech" not in analysis.models
    assert len(analysis.faces) == 1


def test_long_video_sampling_spans_duration(tmp_path, portraits, video_settings):
    settings = video_settings.model_copy(update={"video_max_frames": 3})
    path = write_video(tmp_path / "long.mkv", portraits, 30.0, video_codec="libx264", audio_codec=None, wav=None)
    analysis = analyze_video(path, settings)
    assert analysis.frames_sampled == 3
    assert [face.frame_time for face in analysis.faces] == [0.0, 20.0]


def test_sample_interval():
    assert sample_interval(10.0, 1.0, 30) == 1.0
    assert sample_interval(120.0, 1.0, 30) == 4.0
    assert sample_interval(None, 2.0, 30) == 0.5
    with pytest.raises(ValueError, match="invalid video frame rate 0"):
        sample_interval(10.0, 0, 30)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="the ffmpeg command sets the rotation metadata")
def test_rotated_video_turned_upright(tmp_path, portraits, video_settings):
    # Stored frames are turned 90 degrees clockwise, and the display matrix turns them back.
    sideways = np.ascontiguousarray(np.rot90(portraits[0], k=-1))
    plain = write_video(tmp_path / "plain.mp4", [sideways], 2.0, video_codec="libx264", audio_codec=None, wav=None)
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-i", str(plain), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated)],
        check=True,
    )
    assert analyze_video(plain, video_settings).faces == []
    assert len(analyze_video(rotated, video_settings).faces) == 1


def test_corrupt_video(tmp_path, speaking_mp4, video_settings):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(4000))
    with pytest.raises(MediaError) as error:
        analyze_video(broken, video_settings)
    assert error.value.path == str(broken)
    analysis = analyze_media(broken, settings=video_settings)
    assert analysis.error.startswith(str(broken))
    assert analysis.faces == []

    truncated = tmp_path / "truncated.webm"
    truncated.write_bytes(speaking_mp4.read_bytes()[:3000])
    assert analyze_media(truncated, settings=video_settings).error is not None
