"""linked sign-in identities (GitHub, OpenID Connect)

Revision ID: identities
Revises: apitokens
Create Date: 2026-12-01 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import mentorhub.db


revision = 'identities'
down_revision = 'apitokens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('linked_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('login', sa.String(length=255), nullable=False),
    sa.Column('profile_url', sa.String(length=300), nullable=True),
    sa.Column('created_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', mentorhub.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_linked_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_identities')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_linked_identities_provider_subject')),
    sa.UniqueConstraint('user_id', 'provider', name=op.f('uq_linked_identities_user_id_provider'))
    )
    with op.batch_alter_table('linked_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_linked_identities_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('linked_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_linked_identities_user_id'))
    op.drop_table('linked_identities')
