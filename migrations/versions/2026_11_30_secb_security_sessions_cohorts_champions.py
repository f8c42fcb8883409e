"""security: per-device login sessions, cohort organisers, champion requests

Revision ID: secb
Revises: 0001
Create Date: 2026-11-30 17:00:00
"""
from alembic import op
import sqlalchemy as sa
import mentorhub.db


revision = 'secb'
down_revision = 'securitya'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token', name=op.f('uq_login_sessions_token'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('cohort_organisers',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_organisers_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_organisers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'user_id', name=op.f('pk_cohort_organisers'))
    )
    # The creator of an existing cohort stays its organiser.
    op.execute("INSERT INTO cohort_organisers (cohort_id, user_id) "
               "SELECT id, created_by_id FROM cohorts WHERE created_by_id IS NOT NULL")

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('champion_candidate_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_projects_champion_candidate_id_users'), 'users',
                                    ['champion_candidate_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_champion_candidate_id_users'), type_='foreignkey')
        batch_op.drop_column('champion_candidate_id')
    op.drop_table('cohort_organisers')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))
    op.drop_table('login_sessions')
