"""Deleting a person removes their avatar file once the delete is committed."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from people.services.avatars import avatar_path, person_set_avatar
from people.services.persons import person_delete


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("avatar.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db(transaction=True)
def test_a_deleted_persons_avatar_file_is_removed(admin, user):
    person_set_avatar(acting_user=admin, person=user, upload=png_upload())
    path = avatar_path(user.pk)
    assert default_storage.exists(path)
    person_delete(acting_user=admin, person=user)
    assert not default_storage.exists(path)
