"""Speech for simulated videos: espeak-ng synthesis and the bundled recorded speech.

Synthesis runs the ``espeak-ng`` program. Where it is not installed, the shared library bundled
with the ``espeakng_loader`` package is called through ctypes, in a fresh Python process per text.
The library keeps state between calls, so a text spoken second in one process comes out with other
samples than the same text spoken first. Both paths write 16-bit mono WAV files, and the same text
always gives the same samples on one machine.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
import sys
import threading
import wave
from pathlib import Path

from footprint.simulate.subjects import ASSETS_DIR

logger = logging.getLogger(__name__)

#: Voice and speaking rate (words per minute) of generated speech. Texts are English.
VOICE = "en-us"
WORDS_PER_MINUTE = 165

#: Real recorded speech: the start of John F. Kennedy's inaugural address (public domain).
RECORDED_SPEECH = ASSETS_DIR / "speech" / "jfk.flac"

#: Seconds of the recording used in videos, and the words spoken in them (the whole clip is 11 s).
RECORDED_CLIP_S = 8.0
RECORDED_TRANSCRIPT = "And so, my fellow Americans, ask not what your country can do for you"

#: Seconds a synthesis may take before it counts as failed.
SYNTHESIS_TIMEOUT_S = 60

# espeak-ng API constants (speak_lib.h): synchronous output, the rate parameter, UTF-8 text.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_RATE = 1
_ESPEAK_CHARS_UTF8 = 1
_POSITION_CHARACTER = 1


class SpeechError(RuntimeError):
    """Speech synthesis is unavailable or failed; the message explains how to fix it."""


def espeak_program() -> str | None:
    """Return the path of the espeak-ng (or espeak) program, or None when neither is installed."""
    return shutil.which("espeak-ng") or shutil.which("espeak")


def espeak_version() -> str:
    """Return the version line of the synthesiser in use, for the world manifest."""
    program = espeak_program()
    if program:
        result = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=10, check=False)
        return result.stdout.strip().split("  Data at")[0]
    return "espeak-ng library from espeakng_loader"


def synthesize(text: str, out_path: Path) -> Path:
    """Speak ``text`` into a WAV file at ``out_path`` and return the path.

    Raises SpeechError when no synthesiser is available or synthesis fails.
    """
    program = espeak_program()
    if program:
        command = [program, "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", str(out_path), text]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=SYNTHESIS_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise SpeechError(f"{program} timed out after {SYNTHESIS_TIMEOUT_S} s writing {out_path}") from None
        if result.returncode != 0 or not out_path.exists():
            raise SpeechError(f"{program} failed writing {out_path}: {result.stderr.strip() or result.returncode}")
        return out_path
    return synthesize_with_library(text, out_path)


class _LibrarySynthesizer:
    """The espeak-ng shared library of espeakng_loader, initialised once per process."""

    _instance: _LibrarySynthesizer | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise SpeechError(
                "speech synthesis needs the espeak-ng program (Debian/Ubuntu: apt-get install espeak-ng) "
                "or the espeakng-loader package (pip install espeakng-loader)"
            ) from None
        library_path = espeakng_loader.get_library_path()
        try:
            self.library = ctypes.CDLL(library_path)
        except OSError as error:
            raise SpeechError(
                f"cannot load {library_path}: {error}; install the espeak-ng program (apt-get install espeak-ng)"
            ) from None
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        self.library.espeak_Initialize.restype = ctypes.c_int
        self.sample_rate = self.library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent, 0)
        if self.sample_rate <= 0:
            raise SpeechError(f"espeak-ng library at {library_path} failed to initialise (code {self.sample_rate})")

        self._chunks: list[bytes] = []
        callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
        # The callback object must stay referenced for as long as the library may call it.
        self._callback = callback_type(self._collect)
        self.library.espeak_SetSynthCallback(self._callback)
        if self.library.espeak_SetVoiceByName(VOICE.encode()) != 0:
            raise SpeechError(f"espeak-ng library has no voice {VOICE!r}")
        self.library.espeak_SetParameter(_ESPEAK_RATE, WORDS_PER_MINUTE, 0)

    def _collect(self, samples, count, _events) -> int:
        if samples and count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        return 0

    @classmethod
    def get(cls) -> _LibrarySynthesizer:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def speak(self, text: str) -> bytes:
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            self._chunks = []
            code = self.library.espeak_Synth(
                data, len(data), 0, _POSITION_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            self.library.espeak_Synchronize()
            if code != 0:
                raise SpeechError(f"espeak-ng library failed to speak (code {code})")
            return b"".join(self._chunks)


def synthesize_with_library(text: str, out_path: Path) -> Path:
    """Speak ``text`` with the espeak-ng library of espeakng_loader into a 16-bit mono WAV file.

    Runs in a child Python process so that every text is the first one the library speaks.
    """
    command = [sys.executable, "-m", "footprint.simulate.speech", str(out_path), text]
    # The child must import this package even when it is not installed, so its root goes on the path.
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=SYNTHESIS_TIMEOUT_S, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        raise SpeechError(f"espeak-ng library timed out after {SYNTHESIS_TIMEOUT_S} s writing {out_path}") from None
    if result.returncode != 0 or not out_path.exists():
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit code {result.returncode}"
        raise SpeechError(f"espeak-ng library failed writing {out_path}: {message}")
    return out_path


def _write_with_library(text: str, out_path: Path) -> None:
    synthesizer = _LibrarySynthesizer.get()
    samples = synthesizer.speak(text)
    if not samples:
        raise SpeechError(f"espeak-ng library produced no audio for a {len(text)}-character text")
    with wave.open(str(out_path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(synthesizer.sample_rate)
        handle.writeframes(samples)


if __name__ == "__main__":
    # Child process of synthesize_with_library: OUT_PATH TEXT.
    _write_with_library(sys.argv[2], Path(sys.argv[1]))
