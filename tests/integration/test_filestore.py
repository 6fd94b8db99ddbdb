"""The content-addressed file store: accepted kinds by content, atomic writes, deduplication."""
import hashlib

import pytest

from core.files import store as filestore
from core.common.errors import ValidationError
from db.models import StoredFile
from tests.hostile_files import png

PNG = png()


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    return tmp_path / "files"


def test_a_pdf_is_stored_once_under_its_hash(sqlite_only, store_dir):
    data = filestore.minimal_pdf("a")
    with sqlite_only.write() as s:
        first = filestore.store_bytes(s, data)
        second = filestore.store_bytes(s, data)
        assert first.sha256 == second.sha256 and first.media_type == "application/pdf"
    assert filestore.read_blob(first.sha256) == data
    assert filestore.blob_path(first.sha256).parent.parent.parent == store_dir


@pytest.mark.parametrize("data, key", [
    (b"", "file.empty"),
    (b"MZ\x90\x00" + b"\x00" * 200, "file.bad_type"),
    (b"<html><script>alert(1)</script></html>", "file.bad_type"),
    (b"%PDF-1.4\n<html>not really</html>", "file.pdf_damaged"),
])
def test_bad_files_are_refused_and_nothing_is_stored(sqlite_only, store_dir, data, key):
    with sqlite_only.write() as s:
        with pytest.raises(ValidationError) as refused:
            filestore.store_bytes(s, data)
        assert refused.value.key == key
        assert s.query(StoredFile).count() == 0
    assert not store_dir.exists() or not any(p.is_file() for p in store_dir.rglob("*"))


def test_png_is_recognised_by_content():
    assert filestore.sniff_media_type(PNG) == "image/png"


def test_a_picture_is_kept_re_encoded_under_the_hash_of_what_is_kept(sqlite_only):
    with sqlite_only.write() as s:
        row = filestore.store_bytes(s, PNG)
        kept = filestore.read_blob(row.sha256)
        assert row.sha256 == hashlib.sha256(kept).hexdigest() and row.size == len(kept)
        assert filestore.store_bytes(s, PNG).sha256 == row.sha256  # the same upload, the same blob
