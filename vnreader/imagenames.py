"""What an image file's name looks like: the one detector, for extraction and speech.

Portals leave the photo's file name where a caption should be ("HOI NGHI HOP BCH.jpg",
"IMG_1234.JPG"), and link a photo to its own file for a larger view. Both are told by the
extensions below.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["IMAGE_EXTENSIONS", "is_image_address", "is_image_file_name"]

#: The extensions of image files, lower case, without the dot.
IMAGE_EXTENSIONS = (
    "jpg",
    "jpeg",
    "png",
    "gif",
    "bmp",
    "webp",
    "tif",
    "tiff",
    "svg",
    "heic",
    "jfif",
)

_EXTENSION = "(?:" + "|".join(IMAGE_EXTENSIONS) + ")"
#: A whole line that is one file name: letters, digits, spaces and the punctuation of
#: file names, then an image extension.
_FILE_NAME = re.compile(rf"[\w\s\-–.,()&%+~'!\[\]#@=]{{1,160}}\.{_EXTENSION}", re.IGNORECASE)
_ADDRESS_END = re.compile(rf"\.{_EXTENSION}$", re.IGNORECASE)


def is_image_file_name(text: str) -> bool:
    """Whether ``text`` is only an image file name ("HOI NGHI HOP BCH.jpg")."""
    return bool(_FILE_NAME.fullmatch(text.strip()))


def is_image_address(address: str) -> bool:
    """Whether an address (a link's ``href``) points at an image file: ``/anh/x.JPG?w=2``."""
    try:
        path = urlsplit(address.strip()).path
    except ValueError:
        return False
    return bool(_ADDRESS_END.search(path))
