"""session binding: a login session remembers a hash of the browser (and optionally its address) it began in

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 21:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auth_session') as batch:
        batch.add_column(sa.Column('bound_to', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('auth_session') as batch:
        batch.drop_column('bound_to')
