"""stage visits: one row per declaration and visit of a (state, holder), kept by the write path, backfilled

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 21:40:00

The backfill replays the audit trail in SQL: a transition event that moves a declaration to another state
or holder opens a visit, and the next such event (LEAD over the declaration's events by id) closes it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

BACKFILL = """
INSERT INTO stage_visit (declaration_id, version, state, holder_unit_id, from_state, entered_action, entered_s,
                         left_s, left_action, left_to, flow, year, series_code, level_code, unit_id)
SELECT m.declaration_id, m.version, m.to_state, m.to_holder_unit_id, m.from_state, m.action, m.at_s,
       LEAD(m.at_s) OVER w, LEAD(m.action) OVER w, LEAD(m.to_state) OVER w,
       d.flow, d.year, d.series_code, d.level_code, d.unit_id
FROM (SELECT e.id, e.declaration_id, e.version, e.to_state, e.to_holder_unit_id, e.from_state, e.action,
             {epoch} AS at_s
      FROM audit_event e
      WHERE e.kind = 'transition' AND e.declaration_id IS NOT NULL
        AND (e.from_state IS NULL OR e.to_state IS NULL OR e.from_state <> e.to_state
             OR COALESCE(e.from_holder_unit_id, -1) <> COALESCE(e.to_holder_unit_id, -1))) m
JOIN declaration d ON d.id = m.declaration_id
WINDOW w AS (PARTITION BY m.declaration_id ORDER BY m.id)
"""
EPOCH = {"sqlite": "CAST(strftime('%s', e.at) AS INTEGER)",
         "postgresql": "CAST(FLOOR(EXTRACT(EPOCH FROM e.at)) AS BIGINT)"}


def upgrade() -> None:
    op.create_table('stage_visit',
    sa.Column('id', _BIG, autoincrement=True, nullable=False),
    sa.Column('declaration_id', _BIG, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('holder_unit_id', _BIG, nullable=True),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('entered_action', sa.String(length=32), nullable=False),
    sa.Column('entered_s', sa.BigInteger(), nullable=False),
    sa.Column('left_s', sa.BigInteger(), nullable=True),
    sa.Column('left_action', sa.String(length=32), nullable=True),
    sa.Column('left_to', sa.String(length=32), nullable=True),
    sa.Column('flow', sa.String(length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('series_code', sa.String(length=32), nullable=False),
    sa.Column('level_code', sa.String(length=32), nullable=False),
    sa.Column('unit_id', _BIG, nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'],
                            name=op.f('fk_stage_visit_declaration_id_declaration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_visit')))
    bind = op.get_bind()
    op.execute(BACKFILL.format(epoch=EPOCH[bind.dialect.name]))  # before the indexes: one sorted build each
    op.create_index('ix_stage_visit_declaration', 'stage_visit', ['declaration_id', 'left_s'], unique=False)
    op.create_index('ix_stage_visit_left', 'stage_visit', ['left_s', 'state', 'entered_s'], unique=False)
    op.create_index('ix_stage_visit_entered', 'stage_visit', ['entered_s', 'state'], unique=False)
    op.create_index('ix_stage_visit_unit', 'stage_visit', ['unit_id', 'year', 'state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_stage_visit_unit', table_name='stage_visit')
    op.drop_index('ix_stage_visit_entered', table_name='stage_visit')
    op.drop_index('ix_stage_visit_left', table_name='stage_visit')
    op.drop_index('ix_stage_visit_declaration', table_name='stage_visit')
    op.drop_table('stage_visit')
