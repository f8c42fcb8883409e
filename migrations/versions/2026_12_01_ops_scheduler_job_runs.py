"""scheduler_job_runs: each scheduled job's last run, success and failure (for /metrics)

Revision ID: ops
Revises: matchindex
Create Date: 2026-12-01 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import mentorhub.db


revision = 'ops'
down_revision = 'matchindex'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_job_runs',
    sa.Column('job_id', sa.String(length=100), nullable=False),
    sa.Column('last_started_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seconds', sa.Float(), nullable=False),
    sa.Column('last_success_at', mentorhub.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', mentorhub.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_scheduler_job_runs'))
    )


def downgrade() -> None:
    op.drop_table('scheduler_job_runs')
