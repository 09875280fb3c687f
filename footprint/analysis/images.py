"""Image loading that gives the pixels a browser would show, or a MediaError naming the file.

Browsers apply the EXIF orientation, show the first frame of an animation, composite transparency
on the page background and map every colour mode to 8-bit sRGB. Face detection must see the same
picture, so :func:`load_image` does all of that and rejects what a browser would not display
(truncated or empty files, files that are not images) and decompression bombs.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from footprint.analysis.errors import MediaError, require_file

logger = logging.getLogger(__name__)

#: Background that transparent pixels are composited on: white, as a browser page.
BACKGROUND_RGB = (255, 255, 255)

#: Modes with an alpha channel. P, L and RGB images with a "transparency" key are converted to
#: RGBA first.
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})

#: Single-channel modes with more than 8 bits per sample.
_WIDE_GRAY_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N", "F"})

#: Errors that Pillow and its plugins raise on damaged data while decoding.
_DECODE_ERRORS = (OSError, ValueError, EOFError, SyntaxError, struct.error, zlib.error, IndexError)


def load_image(path: str | Path, *, max_pixels: int) -> np.ndarray:
    """Load an image as an (H, W, 3) uint8 RGB array, the way a browser displays it.

    Applies the EXIF orientation, takes the first frame of an animated GIF, WebP or PNG,
    composites transparency on white and converts CMYK, palette, grayscale and 16-bit modes to
    8-bit RGB.

    Raises:
        MediaError: the file is missing, empty, not an image, truncated or damaged, or larger
            than ``max_pixels`` pixels (width times height). Pillow's own limit of
            ``2 * Image.MAX_IMAGE_PIXELS`` (about 179 million pixels in Pillow 11) also applies,
            so a ``max_pixels`` above it has no effect.
    """
    _keep_truncated_images_rejected()
    path = require_file(path)

    # Pillow warns above Image.MAX_IMAGE_PIXELS. The explicit max_pixels check below replaces
    # that warning, so silence it instead of changing the process-wide limit.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                _check_size(path, image, max_pixels)
                image.seek(0)
                image.load()
                array = np.asarray(_to_display_rgb(path, image), dtype=np.uint8)
        except MediaError:
            raise
        except Image.DecompressionBombError as exc:
            raise MediaError(path, f"image rejected as a decompression bomb ({exc})") from exc
        except UnidentifiedImageError as exc:
            raise MediaError(path, "not an image file, or an image format Pillow cannot read") from exc
        except _DECODE_ERRORS as exc:
            raise MediaError(path, f"image data is truncated or damaged ({exc}); download the file again") from exc

    if array.ndim != 3 or array.shape[2] != 3:
        raise MediaError(path, f"decoded image has unexpected shape {array.shape}")
    return np.ascontiguousarray(array)


def _keep_truncated_images_rejected() -> None:
    """Reset PIL.ImageFile.LOAD_TRUNCATED_IMAGES to False if another module set it True.

    With the flag True, Pillow fills the missing part of a truncated file with grey instead of
    raising. ``import face_recognition`` (1.3.0) sets it True for the whole process.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        logger.debug("PIL.ImageFile.LOAD_TRUNCATED_IMAGES was set True by another module; resetting it to False")
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def _check_size(path: Path, image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise MediaError(path, f"image has invalid dimensions {width}x{height}")
    if width * height > max_pixels:
        raise MediaError(
            path,
            f"image of {width}x{height} = {width * height} pixels exceeds the limit of {max_pixels} "
            "pixels (possible decompression bomb); raise FOOTPRINT_MAX_IMAGE_PIXELS if the image is genuine",
        )


def _to_display_rgb(path: Path, image: Image.Image) -> Image.Image:
    """Return an RGB image of the first frame, upright, with transparency on white."""
    image = _apply_orientation(path, image)
    mode = image.mode

    if mode in _WIDE_GRAY_MODES:
        return Image.fromarray(_wide_gray_to_8bit(image)).convert("RGB")
    if mode == "CMYK":
        return _cmyk_to_rgb(path, image)
    if mode == "P" or "transparency" in image.info:
        # Palette images may carry transparency in the palette or a tRNS key. Converting via
        # RGBA keeps it, and the alpha composite below removes it.
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in _ALPHA_MODES:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, BACKGROUND_RGB + (255,))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode == "RGB":
        return image
    return image.convert("RGB")


def _apply_orientation(path: Path, image: Image.Image) -> Image.Image:
    try:
        transposed = ImageOps.exif_transpose(image)
    except (*_DECODE_ERRORS, KeyError, TypeError) as exc:
        # A broken EXIF block does not stop a browser from showing the pixels, so it does not
        # stop us either. The image keeps its stored orientation.
        logger.warning("ignoring unreadable EXIF orientation of %s: %s", path, exc)
        return image
    return transposed if transposed is not None else image


def _wide_gray_to_8bit(image: Image.Image) -> np.ndarray:
    """Scale a 16-bit, 32-bit integer or float grayscale image to 0..255.

    16-bit modes and integer data up to 65535 are divided by 257 (the exact 16-to-8-bit map).
    Data already within 0..255 is kept. Float data within 0..1 is multiplied by 255. Anything
    else is scaled so that its maximum becomes 255.
    """
    data = np.asarray(image).astype(np.float64)
    if data.size == 0:
        return data.astype(np.uint8)
    peak = float(np.nanmax(data))
    if image.mode.startswith("I;16"):
        scaled = data / 257.0
    elif image.mode == "F" and peak <= 1.0:
        scaled = data * 255.0
    elif peak <= 255.0:
        scaled = data
    elif peak <= 65535.0:
        scaled = data / 257.0
    else:
        scaled = data * (255.0 / peak)
    return np.clip(np.nan_to_num(scaled), 0, 255).round().astype(np.uint8)


def _cmyk_to_rgb(path: Path, image: Image.Image) -> Image.Image:
    """Convert CMYK with its embedded ICC profile when there is one, as browsers do."""
    profile_bytes = image.info.get("icc_profile")
    if profile_bytes:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes))
            target = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, target, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            logger.warning("ignoring unusable ICC profile of CMYK image %s: %s", path, exc)
    return image.convert("RGB")

