"""rate buckets: attempt counters for rate limits (logins, public objections, denials), shared by all servers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 21:05:00
"""
from alembic import op
import sqlalchemy as sa
import db.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_bucket',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('window_start', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', 'window_start', name=op.f('pk_rate_bucket')))
    op.create_index('ix_rate_bucket_scope_window', 'rate_bucket', ['scope', 'window_start'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rate_bucket_scope_window', table_name='rate_bucket')
    op.drop_table('rate_bucket')
