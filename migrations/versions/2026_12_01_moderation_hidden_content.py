"""moderation: content hidden after a report stays hidden until an admin acts

Revision ID: moderation
Revises: community
Create Date: 2026-12-01 13:00:00
"""
from alembic import op
import sqlalchemy as sa
import mentorhub.db


revision = 'moderation'
down_revision = 'community'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', mentorhub.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', mentorhub.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('hidden_at')
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.drop_column('hidden_at')
