"""people.services.avatars called directly: which uploads are pictures, and what is stored."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from config.errors import ApplicationError
from people.models import Person
from people.services.avatars import avatar_path, person_clear_avatar, person_set_avatar
from tests.people.services.conftest import refused_field

RED, BLUE = (255, 0, 0), (0, 0, 255)


def picture(fmt: str, size=(800, 600), *, mode="RGB", color=RED, exif=None) -> io.BytesIO:
    buffer = io.BytesIO()
    image = Image.new(mode, size, color)
    if exif is not None:
        image.save(buffer, format=fmt, exif=exif)
    else:
        image.save(buffer, format=fmt)
    buffer.seek(0)
    return buffer


def stored(person: Person) -> Image.Image:
    with default_storage.open(avatar_path(person.pk)) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_picture_is_stored_as_a_400_pixel_png_where_zou_serves_it(artist, fmt):
    path = person_set_avatar(acting_user=artist, person=artist, upload=picture(fmt))
    assert path == f"pictures/thumbnails/persons/{artist.pk}.png"
    image = stored(artist)
    assert (image.format, image.size, image.mode) == ("PNG", (400, 400), "RGBA")
    red, green, blue, alpha = image.getpixel((200, 200))
    assert red > 240 and green < 15 and blue < 15 and alpha == 255  # JPEG and WebP are lossy
    assert Person.objects.get(pk=artist.pk).has_avatar


def test_a_new_picture_replaces_the_old_one_in_place(artist):
    person_set_avatar(acting_user=artist, person=artist, upload=picture("PNG", color=RED))
    person_set_avatar(acting_user=artist, person=artist, upload=picture("PNG", color=BLUE))
    assert stored(artist).getpixel((10, 10)) == (*BLUE, 255)
    assert default_storage.listdir("pictures/thumbnails/persons")[1] == [f"{artist.pk}.png"]


def test_a_phone_photo_is_turned_upright_before_cropping(artist):
    """EXIF orientation 6 means "rotate 90 degrees clockwise to display": the left half ends up on top."""
    sideways = Image.new("RGB", (800, 400), RED)
    sideways.paste(BLUE, (400, 0, 800, 400))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    sideways.save(buffer, format="JPEG", exif=exif.tobytes(), quality=95)
    buffer.seek(0)
    person_set_avatar(acting_user=artist, person=artist, upload=buffer)
    image = stored(artist)
    top, bottom = image.getpixel((200, 60)), image.getpixel((200, 340))
    assert top[0] > 240 and top[2] < 15
    assert bottom[2] > 240 and bottom[0] < 15


@pytest.mark.parametrize("upload", [
    pytest.param(lambda: picture("GIF", mode="P", color=1), id="gif"),
    pytest.param(lambda: picture("BMP"), id="bmp"),
    pytest.param(lambda: io.BytesIO(b"%PDF-1.4 not a picture"), id="pdf"),
    pytest.param(lambda: io.BytesIO(picture("PNG").getvalue()[:60]), id="truncated-png"),
    pytest.param(lambda: io.BytesIO(b""), id="empty"),
])
def test_anything_but_a_jpeg_png_or_webp_is_refused(artist, upload):
    with pytest.raises(ApplicationError) as refused:
        person_set_avatar(acting_user=artist, person=artist, upload=upload())
    assert (refused_field(refused), refused.value.message) == ("file", "The file must be a JPEG, PNG or WebP image.")
    assert not default_storage.exists(avatar_path(artist.pk))
    assert not Person.objects.get(pk=artist.pk).has_avatar


def test_a_picture_over_40_megapixels_is_refused(artist):
    # One bit per pixel and a single colour: 40,008,000 pixels in a few kilobytes of PNG.
    huge = picture("PNG", size=(8000, 5001), mode="1", color=0)
    with pytest.raises(ApplicationError) as refused:
        person_set_avatar(acting_user=artist, person=artist, upload=huge)
    assert (refused_field(refused), refused.value.message) == (
        "file", "The image is too large (at most 16 megapixels).")
    assert not Person.objects.get(pk=artist.pk).has_avatar


def test_no_file_is_named_as_such(artist):
    with pytest.raises(ApplicationError) as refused:
        person_set_avatar(acting_user=artist, person=artist, upload=None)
    assert (refused_field(refused), refused.value.message) == ("file", "File not provided.")


def test_clearing_removes_the_file_once_committed(artist, django_capture_on_commit_callbacks):
    person_set_avatar(acting_user=artist, person=artist, upload=picture("PNG"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person_clear_avatar(acting_user=artist, person=artist)
    assert not Person.objects.get(pk=artist.pk).has_avatar
    assert default_storage.exists(avatar_path(artist.pk))  # a rollback would still find it
    for callback in callbacks:
        callback()
    assert not default_storage.exists(avatar_path(artist.pk))


def test_png_and_webp_are_held_to_16_megapixels(artist):
    too_big = picture("PNG", size=(4001, 4001), mode="1", color=0)  # 16,008,001 pixels
    with pytest.raises(ApplicationError) as refused:
        person_set_avatar(acting_user=artist, person=artist, upload=too_big)
    assert refused.value.message == "The image is too large (at most 16 megapixels)."
    person_set_avatar(acting_user=artist, person=artist, upload=picture("PNG", size=(4000, 4000), mode="1",
                                                                        color=0))
    assert Person.objects.get(pk=artist.pk).has_avatar


def test_a_48_megapixel_phone_jpeg_is_decoded_small(artist, monkeypatch):
    """A JPEG is decoded at a reduced scale: the image Pillow loads is far smaller than the photo."""
    from PIL import ImageFile

    loaded_sizes = []
    real_load = ImageFile.ImageFile.load

    def recording_load(image):
        loaded_sizes.append(image.size)
        return real_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    photo = picture("JPEG", size=(8000, 6000), mode="RGB", color=(10, 120, 200))
    person_set_avatar(acting_user=artist, person=artist, upload=photo)
    assert Person.objects.get(pk=artist.pk).has_avatar
    assert loaded_sizes and max(w * h for w, h in loaded_sizes) <= 8000 * 6000 // 16  # 3 MP, not 48
