"""Faces and logos (issue 11): uploads are checked by their content (Pillow), re-encoded and
resized on the server with every byte of metadata left behind, size-limited, refused with
the reason by the field, and served with their own type, never sniffed or run."""

from __future__ import annotations

import gc
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from chamber.extensions import db
from chamber.members.models import Business, Member, Picture
from tests.conftest import csrf_token

# werkzeug's test client spools a body over 500 KB to a temporary file it never closes (the
# app closes its own copy): collected at once below, and not the app's leak.
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


def _image(fmt: str = "JPEG", size=(1200, 800), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}  # GPSInfo: where the photo was taken
    return _image("JPEG", exif=exif.tobytes())


def _upload(client, path: str, data: bytes, filename: str = "me.jpg"):
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "picture": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )
    gc.collect()  # the test client's spooled body (see pytestmark)
    return response


def _pictures() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Picture))


def test_member_photo_is_resized_stripped_and_served_safely(make_member, login, client, app):
    ann = make_member(full_name="Ann Baker")
    login(ann)
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif()  # the upload carries GPS

    response = _upload(client, "/settings/photo", _jpeg_with_gps())

    assert response.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, ann.id)
    picture = db.session.scalar(sa.select(Picture).where(Picture.member_id == ann.id))
    stored = Image.open(io.BytesIO(picture.data))
    assert (stored.format, stored.size) == ("JPEG", (400, 400))
    assert not stored.getexif() and "exif" not in stored.info
    assert b"SpyCam" not in picture.data
    page = client.get("/settings").get_data(as_text=True)
    address = f"/members/{ann.id}/photo?v={member.photo_digest}"
    assert address in page.replace("&amp;", "&")

    served = client.get(address)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    # signed in: chamber.security keeps every personal response out of caches (no-store)
    assert served.headers["Cache-Control"] == "no-store"
    assert served.data == picture.data

    anonymous = app.test_client()
    assert anonymous.get(address).status_code == 302  # members only: to sign-in


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"<script>alert(1)</script>", "me.jpg", "not a picture we can read"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            "me.svg",
            "not a picture we can read",
        ),
        (b"GIF89a" + b"\x00" * 40, "me.gif", "not a picture we can read"),
        (None, "truncated.jpg", "damaged"),
        ("bomb", "bomb.png", "too many pixels"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "huge.jpg", "larger than 5 MB"),
        (b"", "empty.jpg", "Choose a picture"),
    ],
)
def test_what_is_not_a_sensible_picture_is_refused_by_the_field(
    make_member, login, client, data, filename, message
):
    if data is None:
        data = _jpeg_with_gps()[:2000]
    elif data == "bomb":  # 64 megapixels of one bit: a tiny file, gigabytes once decoded
        data = _image("PNG", size=(8000, 8000), mode="1", color=0)
        assert len(data) < 100_000
    ann = make_member()
    login(ann)

    response = _upload(client, "/settings/photo", data, filename)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="picture-error"' in page and message in page
    assert _pictures() == 0
    db.session.expire_all()
    assert db.session.get(Member, ann.id).photo_digest == ""


def test_a_request_far_over_the_limit_is_cut_off(make_member, login, client):
    login(make_member())
    response = _upload(client, "/settings/photo", b"\xff" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert _pictures() == 0


def test_business_logo_keeps_its_shape_and_transparency_and_is_public_when_listed(
    make_member, login, client, app
):
    ann = make_member(full_name="Ann Primary", business_name="Bright Bakery", is_listed=True)
    bob = make_member(full_name="Bob Other", business=ann.business)
    business = ann.business
    business.is_listed = True
    db.session.commit()
    logo = _image("PNG", size=(1000, 200), mode="RGBA", color=(0, 0, 0, 0))

    login(bob)  # not the primary contact
    assert _upload(client, f"/members/businesses/{business.id}/logo", logo).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/settings")})
    login(ann)
    response = _upload(client, f"/members/businesses/{business.id}/logo", logo, "logo.png")
    assert response.status_code == 302

    db.session.expire_all()
    digest = db.session.get(Business, business.id).logo_digest
    anonymous = app.test_client()
    served = anonymous.get(f"/businesses/{business.id}/logo?v={digest}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"]  # public, and its address versioned
    stored = Image.open(io.BytesIO(served.data))
    assert stored.size == (600, 120) and stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0  # still transparent
    edit = client.get(f"/members/businesses/{business.id}/edit").get_data(as_text=True)
    assert "Remove logo" in edit

    business = db.session.get(Business, business.id)
    business.is_listed = False
    db.session.commit()
    assert anonymous.get(f"/businesses/{business.id}/logo").status_code == 404
    assert client.get(f"/businesses/{business.id}/logo").status_code == 200  # members


def test_removing_the_photo_brings_back_the_initials(make_member, login, client):
    ann = make_member(full_name="Ann Baker")
    login(ann)
    _upload(client, "/settings/photo", _image())
    client.post("/settings/photo/remove", data={"csrf_token": csrf_token(client, "/settings")})
    page = client.get("/settings").get_data(as_text=True)
    assert "avatar-initials" in page and ">AB</span>" in page
    assert _pictures() == 0


def test_an_upload_without_its_csrf_token_is_refused(make_member, login, client):
    login(make_member())
    response = client.post(
        "/settings/photo",
        data={"picture": (io.BytesIO(_image()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _pictures() == 0
