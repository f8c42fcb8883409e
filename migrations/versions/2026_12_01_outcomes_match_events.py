"""outcome events for learning match weights, the fitted weight sets, mentors' preferences

Revision ID: matchevents
Revises: webhooks
Create Date: 2026-12-01 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import mentorhub.db


revision = 'matchevents'
down_revision = 'webhooks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('created_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_match_events_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_match_events_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_match_events_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_events'))
    )
    with op.batch_alter_table('match_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_events_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_events_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('match_weight_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.String(length=400), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('heldout', sa.Integer(), nullable=False),
    sa.Column('auc_before', sa.Float(), nullable=False),
    sa.Column('auc_after', sa.Float(), nullable=False),
    sa.Column('ndcg_before', sa.Float(), nullable=False),
    sa.Column('ndcg_after', sa.Float(), nullable=False),
    sa.Column('fitted_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rolled_back_at', mentorhub.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_weight_sets'))
    )
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pref_stages', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pref_domains', sa.String(length=400), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('languages', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.drop_column('languages')
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_column('languages')
        batch_op.drop_column('pref_domains')
        batch_op.drop_column('pref_stages')
    op.drop_table('match_weight_sets')
    with op.batch_alter_table('match_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_events_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_match_events_learner_id'))
        batch_op.drop_index(batch_op.f('ix_match_events_kind'))
        batch_op.drop_index(batch_op.f('ix_match_events_created_at'))
    op.drop_table('match_events')
