"""Pictures of the simulated world: face crops, light and heavy transforms, scenery, group photos.

All functions are pure: they take a seeded ``random.Random`` and return new Pillow images, so the
same seed draws the same pixels. After a light transform, the dlib HOG detector still finds the face
and matches it to the original within the default tolerance. After a heavy one, it does not. The
simulator tests check both with the real model.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from footprint.simulate.faces import FacePhoto

#: Pixel size (width, height) of video frames and of scenery pictures.
FRAME_SIZE = (480, 360)

#: Pixel size (width, height) of group pictures.
GROUP_SIZE = (720, 400)

#: Side of a profile picture, pixels.
AVATAR_SIDE_PX = 220

#: Transforms that keep the face detectable and matchable.
LIGHT_TRANSFORMS = ("crop", "scale", "rotate", "brightness", "jpeg", "mirror")

#: Transforms that hide the face from the detector: a face about 24 px wide, a face upside down,
#: a face pixelated to 10x10 blocks, a face blurred with a 32 px Gaussian radius.
HEAVY_TRANSFORMS = ("tiny", "upside_down", "pixelate", "blur")


def numpy_rng(rng: random.Random) -> np.random.Generator:
    """Return a numpy generator seeded from ``rng`` (advances ``rng`` by one draw)."""
    return np.random.default_rng(rng.getrandbits(64))


def _random_color(rng: random.Random, low: int = 0, high: int = 255) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def scenery(rng: random.Random, size: tuple[int, int] = FRAME_SIZE) -> Image.Image:
    """Draw a landscape without people: a sky gradient, a sun and two ranges of hills."""
    width, height = size
    top = np.array(_random_color(rng, 40, 200), dtype=np.float32)
    bottom = np.array(_random_color(rng, 120, 255), dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    sky = top * (1 - ramp) + bottom * ramp
    pixels = np.broadcast_to(sky, (height, width, 3)).copy()
    noise = numpy_rng(rng).standard_normal(size=(height, width, 3), dtype=np.float32) * 4.0
    image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))

    draw = ImageDraw.Draw(image)
    sun_x, sun_y, sun_r = rng.randint(0, width), rng.randint(0, height // 3), rng.randint(15, 45)
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=_random_color(rng, 200, 255))
    for layer in range(2):
        base = int(height * (0.55 + 0.2 * layer))
        amplitude = rng.randint(10, 50)
        phase = rng.uniform(0, 6.28)
        frequency = rng.uniform(1.0, 4.0) / width
        points = [(x, base + amplitude * np.sin(phase + 6.28 * frequency * x)) for x in range(0, width + 16, 16)]
        draw.polygon([(0, height), *points, (width, height)], fill=_random_color(rng, 20, 140))
    return image


def portrait(photo: FacePhoto, side: int, margin: float = 2.2, shift: tuple[float, float] = (0.0, 0.0)) -> Image.Image:
    """Crop a square around the face, ``margin`` times the face height wide, resized to ``side`` px.

    ``shift`` moves the crop centre by a fraction of the face size (x, y). Parts of the square that
    fall outside the photo are filled by stretching its edge rows and columns.
    """
    top, right, bottom, left = photo.box
    face = max(bottom - top, right - left)
    centre_x = (left + right) / 2 + shift[0] * face
    centre_y = (top + bottom) / 2 + shift[1] * face
    half = face * margin / 2
    box = (int(centre_x - half), int(centre_y - half), int(centre_x + half), int(centre_y + half))
    width, height = photo.image.size
    pad = max(0, -box[0], -box[1], box[2] - width, box[3] - height)
    source = photo.image
    if pad:
        padded = np.pad(np.asarray(source), ((pad, pad), (pad, pad), (0, 0)), mode="edge")
        source = Image.fromarray(padded)
        box = (box[0] + pad, box[1] + pad, box[2] + pad, box[3] + pad)
    return source.crop(box).resize((side, side), Image.Resampling.LANCZOS)


def _reencode(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


def light_transform(photo: FacePhoto, kind: str, rng: random.Random) -> Image.Image:
    """Return the photo with a transform from LIGHT_TRANSFORMS; the face stays detectable.

    Ranges per kind:
        crop: a square of 1.8 to 2.6 face heights.
        scale: the whole photo with a longer side of 420 to 600 px.
        rotate: 4 to 8 degrees either way.
        brightness: a factor of 0.65 to 0.8 or 1.2 to 1.35.
        jpeg: re-encoding at quality 20 to 35.
        mirror: a horizontal flip.
    """
    if kind == "crop":
        shift = (rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2))
        return portrait(photo, rng.randint(320, 420), margin=rng.uniform(1.8, 2.6), shift=shift)
    if kind == "scale":
        image = photo.image.copy()
        side = rng.randint(420, 600)
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        return image
    if kind == "rotate":
        angle = rng.uniform(4.0, 8.0) * rng.choice((-1, 1))
        image = portrait(photo, 400, margin=2.4)
        return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    if kind == "brightness":
        factor = rng.uniform(0.65, 0.8) if rng.random() < 0.5 else rng.uniform(1.2, 1.35)
        image = ImageEnhance.Brightness(portrait(photo, 380, margin=2.2)).enhance(factor)
        return ImageEnhance.Contrast(image).enhance(rng.uniform(0.9, 1.1))
    if kind == "jpeg":
        return _reencode(portrait(photo, 380, margin=2.2), rng.randint(20, 35))
    if kind == "mirror":
        return ImageOps.mirror(portrait(photo, 380, margin=rng.uniform(2.0, 2.5)))
    raise ValueError(f"unknown light transform {kind!r}: use one of {', '.join(LIGHT_TRANSFORMS)}")


def heavy_transform(photo: FacePhoto, kind: str, rng: random.Random) -> Image.Image:
    """Return the photo with a transform from HEAVY_TRANSFORMS; the face is not detectable."""
    if kind == "tiny":
        canvas = scenery(rng, FRAME_SIZE)
        face = portrait(photo, 48, margin=2.0)
        canvas.paste(face, (rng.randint(0, FRAME_SIZE[0] - 48), rng.randint(FRAME_SIZE[1] // 2, FRAME_SIZE[1] - 48)))
        return canvas
    if kind == "upside_down":
        return portrait(photo, 380, margin=2.2).rotate(180)
    if kind == "pixelate":
        small = portrait(photo, 380, margin=2.0).resize((10, 10), Image.Resampling.BILINEAR)
        return small.resize((380, 380), Image.Resampling.NEAREST)
    if kind == "blur":
        return portrait(photo, 380, margin=2.0).filter(ImageFilter.GaussianBlur(32))
    raise ValueError(f"unknown heavy transform {kind!r}: use one of {', '.join(HEAVY_TRANSFORMS)}")


def avatar(photo: FacePhoto, rng: random.Random) -> Image.Image:
    """Return a profile picture: a lightly varied square crop of the face, AVATAR_SIDE_PX wide."""
    image = portrait(
        photo,
        AVATAR_SIDE_PX,
        margin=rng.uniform(1.9, 2.3),
        shift=(rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1)),
    )
    if rng.random() < 0.5:
        image = ImageOps.mirror(image)
    return ImageEnhance.Color(image).enhance(rng.uniform(0.8, 1.2))


def group_picture(faces: list[FacePhoto], rng: random.Random, size: tuple[int, int] = GROUP_SIZE) -> Image.Image:
    """Place the faces side by side in front of scenery, each portrait about 0.55 of the height."""
    canvas = scenery(rng, size)
    width, height = size
    side = int(height * 0.55)
    slot = width // max(1, len(faces))
    for index, photo in enumerate(faces):
        face = portrait(photo, side, margin=2.1)
        x = index * slot + max(0, (slot - side) // 2) + rng.randint(-10, 10)
        y = height - side - rng.randint(10, 60)
        canvas.paste(face, (max(0, min(width - side, x)), y))
    return canvas


def fit_frame(image: Image.Image, background: Image.Image) -> Image.Image:
    """Place ``image`` centred on a copy of ``background``, scaled to fit its height or width."""
    frame = background.copy()
    scale = min(frame.width / image.width, frame.height / image.height)
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    fitted = image.resize(size, Image.Resampling.LANCZOS)
    frame.paste(fitted, ((frame.width - fitted.width) // 2, (frame.height - fitted.height) // 2))
    return frame


def encode(image: Image.Image, fmt: str, quality: int = 88) -> bytes:
    """Encode an image as "jpg" or "png" bytes, with no metadata, so equal pixels give equal bytes."""
    buffer = io.BytesIO()
    if fmt == "png":
        image.save(buffer, format="PNG", compress_level=6)
    elif fmt == "jpg":
        image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    else:
        raise ValueError(f"unknown image format {fmt!r}: use jpg or png")
    return buffer.getvalue()
