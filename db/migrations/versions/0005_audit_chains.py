"""audit chains: the trail becomes several hash chains (core.audit.trail), each with its own head

Every event gets ``chain`` and ``chain_seq`` (its place along its chain); the one chain so far becomes
chain 0, its rows numbered 1, 2, 3, ... in id order, so every existing hash still verifies. The head table
is keyed by chain and remembers the last position too. On PostgreSQL the event ids now come from the
table's own sequence, which is moved past the ids written by hand until now.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-27 16:19:02.592246
"""
from alembic import op
import sqlalchemy as sa
import db.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

GENESIS = '0' * 64


def _head_table(old: bool) -> list:
    key = (sa.Column('id', sa.Integer(), nullable=False) if old
           else sa.Column('chain', sa.SmallInteger(), autoincrement=False, nullable=False))
    return [key,
            sa.Column('last_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
            *([] if old else [sa.Column('last_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                        server_default='0', nullable=False)]),
            sa.Column('last_hash', sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint(key.name, name=op.f('pk_audit_chain_head'))]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('chain_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
    op.execute("UPDATE audit_event SET chain_seq = numbered.seq FROM "
               "(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS seq FROM audit_event) AS numbered "
               "WHERE audit_event.id = numbered.id")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('chain_seq', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=False)
        batch_op.create_index('ix_audit_event_chain', ['chain', 'chain_seq'], unique=True)

    # The single head (id 1) becomes the head of chain 0, at the position of the row it names.
    head = bind.execute(sa.text("SELECT last_event_id, last_hash FROM audit_chain_head WHERE id = 1")).first()
    last_id, last_hash = (head[0], head[1]) if head is not None else (0, GENESIS)
    last_seq = bind.execute(sa.text("SELECT chain_seq FROM audit_event WHERE id = :id"), {"id": last_id}).scalar()
    op.drop_table('audit_chain_head')
    heads = op.create_table('audit_chain_head', *_head_table(old=False))
    op.bulk_insert(heads, [{'chain': 0, 'last_event_id': last_id, 'last_seq': last_seq or 0, 'last_hash': last_hash}])

    if bind.dialect.name == 'postgresql':  # ids were given by hand so far: start the sequence after them
        op.execute("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                   "FROM audit_event")


def downgrade() -> None:
    """Back to one head. Rows of chains other than 0 stay, but the single-chain verify of 0004 and before
    will name the first of them: downgrade a trail that only ever had one chain (TITLES_AUDIT_CHAINS=1)."""
    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT last_event_id, last_hash FROM audit_chain_head WHERE chain = 0")).first()
    op.drop_table('audit_chain_head')
    heads = op.create_table('audit_chain_head', *_head_table(old=True))
    op.bulk_insert(heads, [{'id': 1, 'last_event_id': head[0] if head else 0, 'last_hash': head[1] if head else GENESIS}])
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_chain')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('chain')
