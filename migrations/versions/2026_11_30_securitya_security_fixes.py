"""security fixes: stored notebook HTML, learner profile visibility, published mentor ratings

Revision ID: securitya
Revises: 0001
Create Date: 2026-11-30

Data steps: every stored notebook gets its sanitised HTML rendered once here (pages serve the
stored HTML and never render per view); every mentor with enough ratings gets a first
publication of their average in half points; existing learner profiles become members-only.
"""
import math

from alembic import op
import sqlalchemy as sa
import mentorhub.db
from mentorhub.portfolio.notebook import render_notebook


revision = 'securitya'
down_revision = '0001'
branch_labels = None
depends_on = None

# The first publication needs this many ratings (MENTORING_RATING_MIN_COUNT and _PUBLISH_EVERY).
FIRST_PUBLICATION = 3


def upgrade() -> None:
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notebook_html', sa.Text(), nullable=True))
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('published_mentor_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('average_halves', sa.SmallInteger(), nullable=False),
    sa.Column('rating_count', sa.Integer(), nullable=False),
    sa.Column('published_at', mentorhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('average_halves BETWEEN 2 AND 10', name=op.f('ck_published_mentor_ratings_average_range')),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_published_mentor_ratings_mentor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_mentor_ratings')),
    sa.UniqueConstraint('mentor_id', name=op.f('uq_published_mentor_ratings_mentor_id'))
    )
    _render_stored_notebooks()
    _publish_existing_ratings()


def _render_stored_notebooks() -> None:
    conn = op.get_bind()
    items = sa.table('portfolio_items', sa.column('id', sa.Integer), sa.column('notebook_json', sa.Text),
                     sa.column('notebook_html', sa.Text))
    ids = conn.execute(sa.select(items.c.id).where(items.c.notebook_json.is_not(None))).scalars().all()
    for item_id in ids:  # one at a time: notebooks weigh up to MBs each
        text = conn.execute(sa.select(items.c.notebook_json).where(items.c.id == item_id)).scalar_one()
        try:
            html = str(render_notebook(text))
        except (ValueError, TypeError, AttributeError):  # not a notebook after all: show nothing
            html = None
        conn.execute(sa.update(items).where(items.c.id == item_id).values(notebook_html=html))


def _publish_existing_ratings() -> None:
    conn = op.get_bind()
    ratings = sa.table('mentorship_ratings', sa.column('ratee_id', sa.Integer), sa.column('ratee_role', sa.String),
                       sa.column('score', sa.SmallInteger))
    published = sa.table('published_mentor_ratings', sa.column('mentor_id', sa.Integer),
                         sa.column('average_halves', sa.SmallInteger), sa.column('rating_count', sa.Integer),
                         sa.column('published_at', mentorhub.db.UTCDateTime(timezone=True)))
    rows = conn.execute(
        sa.select(ratings.c.ratee_id, sa.func.avg(ratings.c.score), sa.func.count())
        .where(ratings.c.ratee_role == 'mentor').group_by(ratings.c.ratee_id)
        .having(sa.func.count() >= FIRST_PUBLICATION)).all()
    now = mentorhub.db.utcnow()
    for mentor_id, avg, count in rows:
        conn.execute(sa.insert(published).values(mentor_id=mentor_id, average_halves=math.floor(float(avg) * 2 + 0.5),
                                                 rating_count=count, published_at=now))


def downgrade() -> None:
    op.drop_table('published_mentor_ratings')
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.drop_column('is_public')
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.drop_column('notebook_html')
