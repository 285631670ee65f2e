"""Member photos and business logos: an upload is checked by its content (Pillow), never by
its name or declared type, and re-encoded on the server: resized, orientation applied, every
byte of metadata (EXIF with its GPS position, ICC profiles, comments) left behind. Only the
pixels we wrote are stored and served.

Refused: more than PICTURE_MAX_BYTES, anything Pillow does not recognise as JPEG, PNG, WebP or
GIF, pictures larger than MAX_PIXELS (decompression bombs: a small file that unpacks to
gigabytes, detected from the header before any pixel is decoded), and broken files.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from chamber.exceptions import ChamberError

PICTURE_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: any phone's photo, far below a bomb
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
PHOTO_SIZE = 400  # a square photo, 400 x 400
LOGO_BOX = (600, 300)  # a logo fits inside, its shape kept


@dataclass(frozen=True)
class Processed:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


def _refuse(message: str) -> ChamberError:
    return ChamberError(message, field="picture")


def _open(data: bytes) -> Image.Image:
    if not data:
        raise _refuse("Choose a picture to upload.")
    if len(data) > PICTURE_MAX_BYTES:
        raise _refuse("The picture is larger than 5 MB; choose a smaller one.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
            width, height = image.size
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise _refuse("The picture has too many pixels; choose a smaller one.")
            image.load()
    except ChamberError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse("The picture has too many pixels; choose a smaller one.") from exc
    except UnidentifiedImageError as exc:
        raise _refuse("This is not a picture we can read: use a JPEG, PNG, WebP or GIF.") from exc
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
        raise _refuse("The picture looks damaged; try another file.") from exc
    image = ImageOps.exif_transpose(image)  # the way the camera was held, then EXIF is gone
    return image


def process_photo(data: bytes) -> Processed:
    """A person's photo: the centre square, PHOTO_SIZE pixels a side, as JPEG."""
    image = _open(data)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image = ImageOps.fit(image.convert("RGB"), (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return Processed(out.getvalue(), "image/jpeg", *image.size)


def process_logo(data: bytes) -> Processed:
    """A business's logo: within LOGO_BOX, its shape and transparency kept, as PNG."""
    image = _open(data)
    image = image.convert("RGBA")
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return Processed(out.getvalue(), "image/png", *image.size)
