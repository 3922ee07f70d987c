"""A person's picture: any JPEG, PNG or WebP upload is stored as one 400x400 PNG at the path Zou serves."""

import io
import struct

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from config.errors import ApplicationError, field_error
from people.models import Person
from people.services.escalation import ensure_may_manage

AVATAR_SIZE = (400, 400)
# Decoding is done in memory, and the header says the size before anything is decoded. A JPEG decodes
# straight to a reduced scale (Pillow's draft: 1/2 to 1/8), so phone photos of any common size pass; PNG and
# WebP decode whole, so they are held far lower. MPO: multi-picture JPEG from phone cameras.
AVATAR_MAX_PIXELS = {"JPEG": 64_000_000, "MPO": 64_000_000, "PNG": 16_000_000, "WEBP": 16_000_000}
AVATAR_FORMATS = frozenset(AVATAR_MAX_PIXELS)


def avatar_path(person_id) -> str:
    return f"pictures/thumbnails/persons/{person_id}.png"


def person_set_avatar(*, acting_user: Person, person: Person, upload) -> str:
    ensure_may_manage(acting_user=acting_user, person=person)
    if upload is None:
        raise field_error("file", "File not provided.")
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in AVATAR_FORMATS:
                raise field_error("file", "The file must be a JPEG, PNG or WebP image.")
            limit = AVATAR_MAX_PIXELS[image_format]
            if probe.width * probe.height > limit:
                raise field_error("file", f"The image is too large (at most {limit // 1_000_000} megapixels).")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image_format in ("JPEG", "MPO"):
                # Decode at the smallest scale that still covers twice the avatar's size.
                image.draft("RGB", (AVATAR_SIZE[0] * 2, AVATAR_SIZE[1] * 2))
            image.load()
            picture = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGBA"), AVATAR_SIZE)
    except ApplicationError:
        raise
    # Pillow reports a corrupt file (a bad chunk checksum, a PNG with no image data...) through the same
    # exceptions it treats as "not an image" when opening: SyntaxError, IndexError, TypeError, struct.error.
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, IndexError, TypeError, EOFError,
            struct.error, Image.DecompressionBombError):
        raise field_error("file", "The file must be a JPEG, PNG or WebP image.") from None
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    path = avatar_path(person.pk)
    # The storage overwrites in place (allow_overwrite), so the path stays the one Zou clients expect.
    default_storage.save(path, ContentFile(buffer.getvalue()))
    Person.objects.filter(pk=person.pk).update(has_avatar=True, updated_at=timezone.now())
    return path


@transaction.atomic
def person_clear_avatar(*, acting_user: Person, person: Person) -> None:
    ensure_may_manage(acting_user=acting_user, person=person)
    Person.objects.filter(pk=person.pk).update(has_avatar=False, updated_at=timezone.now())
    path = avatar_path(person.pk)
    transaction.on_commit(lambda: default_storage.delete(path))
