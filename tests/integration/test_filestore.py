"""The content-addressed file store: accepted kinds by content, atomic writes, deduplication."""
import pytest

from core.files import store as filestore
from core.common.errors import ValidationError
from db.models import StoredFile

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


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
    (b"%PDF-1.4\n<html>not really</html>", "file.bad_type"),
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


def test_display_names_lose_path_parts_and_control_characters():
    assert filestore.clean_display_name("..\\..\\系统\\学历证书.pdf") == "学历证书.pdf"
    assert filestore.clean_display_name("a\x00b<c>.pdf") == "abc.pdf"
    assert len(filestore.clean_display_name("长" * 500 + ".pdf")) == filestore.MAX_NAME
