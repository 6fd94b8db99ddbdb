"""Blind-review opinions (§6.2.10.2): the committee unit uploads a checked file per dossier of a session."""
import pytest
from sqlalchemy import select

from core.common.errors import InvalidAction, NotFound, ValidationError
from core.files.store import minimal_pdf
from core.panel import blind
from db.models import AuditEvent, BlindOpinion
from tests import hostile_files as hostile
from tests.panel_world import PanelWorld


@pytest.fixture
def pw(uow, tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    world = PanelWorld.build(uow)
    world.setup()
    return world


def test_the_committee_unit_uploads_an_opinion_for_a_dossier_of_the_session(pw):
    d = pw.dossiers[0]
    opinion = blind.upload(pw.uow, pw.operator, pw.session_id, d, "盲评意见.pdf", minimal_pdf("blind"))
    files = blind.list_for(pw.uow, pw.operator, pw.session_id)
    assert [(f.id, f.declaration_id, f.name) for f in files] == [(opinion, d, "盲评意见.pdf")]
    with pw.uow.read() as s:
        assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == "panel_blind_upload"


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_kept(pw):
    with pytest.raises(ValidationError):
        blind.upload(pw.uow, pw.operator, pw.session_id, pw.dossiers[0], "x.pdf", b"not a pdf at all")
    with pw.uow.read() as s:
        assert s.scalar(select(BlindOpinion.id)) is None


def test_an_opinion_is_checked_like_evidence_name_and_content_and_a_refusal_keeps_nothing(pw, tmp_path):
    cases = [("a\udcff.pdf", minimal_pdf(), "file.bad_name"), ("a\x00.pdf", minimal_pdf(), "file.bad_name"),
             ("意见.pdf", hostile.html_with_pdf_head(), "file.pdf_damaged"),
             ("意见.pdf", hostile.open_action_javascript_pdf(), "file.pdf_active"),
             ("意见.pdf", hostile.embedded_files_pdf(), "file.pdf_embedded")]
    for name, data, key in cases:
        with pytest.raises(ValidationError) as refused:
            blind.upload(pw.uow, pw.operator, pw.session_id, pw.dossiers[0], name, data)
        assert refused.value.key == key
    with pw.uow.read() as s:
        assert s.scalar(select(BlindOpinion.id)) is None
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


def test_only_the_committee_unit_uploads_and_only_to_a_dossier_of_the_session(pw):
    chair = pw.chair()
    with pytest.raises(NotFound):
        blind.upload(pw.uow, chair, pw.session_id, pw.dossiers[0], "a.pdf", minimal_pdf())
    with pytest.raises(NotFound):
        blind.list_for(pw.uow, pw.world.actor("unit_op"), pw.session_id)
    with pytest.raises(NotFound):
        blind.upload(pw.uow, pw.operator, pw.session_id, 10 ** 9, "a.pdf", minimal_pdf())


def test_no_upload_after_the_tally(uow, tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    pw = PanelWorld.build(uow)
    pw.run_to("tallied")
    with pytest.raises(InvalidAction):
        blind.upload(pw.uow, pw.operator, pw.session_id, pw.dossiers[0], "a.pdf", minimal_pdf())
