"""match index change log replaces the generation counters

Revision ID: matchindex
Revises: 0001
Create Date: 2026-11-30 17:00:00
"""
from alembic import op
import sqlalchemy as sa
import mentorhub.db


revision = 'matchindex'
down_revision = 'secb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_changes',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_match_changes')),
    sqlite_autoincrement=True
    )
    op.drop_table('index_generations')


def downgrade() -> None:
    op.create_table('index_generations',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('updated_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_index_generations'))
    )
    op.drop_table('match_changes')
