"""Demo portfolio: work items with notebooks, a queue with visible waits, rubric reviews over time.

Idempotent (an item is found by owner and title; one that exists is left alone, with its
requests and reviews) and deterministic (fixed seed; people taken in email order).
"""
from __future__ import annotations

import random
from datetime import timedelta

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..profiles.models import Domain, MentorProfile, Skill
from . import feedback, items, reviews, rubric
from .models import FeedbackRequest, PortfolioItem
from .queries import mentor_choices, reviewer_setting

SEED = 8080


def _notebook(cells) -> bytes:
    nb = new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    for kind, text, *rest in cells:
        if kind == "md":
            nb.cells.append(new_markdown_cell(text))
        else:
            cell = new_code_cell(text, execution_count=len(nb.cells) + 1)
            cell.outputs = [new_output("stream", name="stdout", text=rest[0])] if rest else []
            nb.cells.append(cell)
    return nbformat.writes(nb).encode()


CAREFUL = [
    ("md", "# Churn: baseline first\nA majority-class baseline, then logistic regression and gradient boosting."),
    ("code", "%pip install pandas==2.2.2 scikit-learn==1.5.1\nimport numpy as np, pandas as pd\nnp.random.seed(7)"),
    ("code", "df = pd.read_csv('churn.csv')\ndf.shape", "(7043, 21)\n"),
    ("code", "from sklearn.model_selection import train_test_split\n"
             "X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=7)"),
    ("code", "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
             "from sklearn.linear_model import LogisticRegression\n"
             "model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))\nmodel.fit(X_train, y_train)"),
    ("code", "from sklearn.metrics import f1_score\nprint(f1_score(y_test, model.predict(X_test)))", "0.62\n"),
]
LEAKY = [
    ("md", "# Review sentiment\nBag of words and a linear model."),
    ("code", "import pandas as pd\nreviews = pd.read_csv('reviews.csv')"),
    ("code", "X = vectorizer.fit_transform(reviews.text)\nX = scaler.fit_transform(X.toarray())"),
    ("code", "X_train, X_test, y_train, y_test = train_test_split(X, reviews.label)\nclf.fit(X_train, y_train)"),
    ("code", "clf.score(X_test, y_test)", "0.88\n"),
]
UNFINISHED = [
    ("md", "# First try at image classification\nTransfer learning from a small pretrained network."),
    ("code", "import torch\nmodel = torchvision.models.resnet18(weights='DEFAULT')"),
]

# (owner key, title, summary, skills, domains, visibility, status, notebook, request age in hours or None)
ITEMS = [
    ("lena", "Customer churn with a baseline first",
     "Tabular churn prediction: a baseline, a pipeline, and an honest F1 score.",
     ["pandas", "scikit-learn", "model-evaluation"], ["tabular-data"], "members", "done", CAREFUL, None),
    ("lena", "Sentiment of product reviews",
     "Classic NLP before transformers: how far does a linear model go?",
     ["scikit-learn", "feature-engineering"], ["nlp", "sentiment-analysis"], "public", "seeking", LEAKY, 4 * 24 + 3),
    ("peer0", "Image classifier for recycling", "Transfer learning on a few hundred photos.",
     ["pytorch", "transfer-learning", "cnn"], ["computer-vision"], "members", "seeking", UNFINISHED, 2 * 24),
    ("peer1", "Forecasting bike rentals", "Seasonality, lags and a naive baseline.",
     ["pandas", "feature-engineering"], ["time-series"], "public", "seeking", None, 26),
    ("peer2", "Serving a model with FastAPI and Docker", "My churn model behind an API, in a container.",
     ["docker", "model-serving", "apis"], ["tabular-data"], "mentors", "seeking", None, 5),
    ("peer3", "Movie recommendations from ratings", "Matrix factorisation against a popularity baseline.",
     ["python", "model-evaluation"], ["recommender-systems"], "members", "seeking", None, 6 * 24),
]

BODY = ("## The question\n{summary}\n\n## What I did\n- cleaned the data and looked at it first\n"
        "- kept a test set aside before fitting anything\n- compared against a simple baseline\n\n"
        "## What I'd like feedback on\nIs the evaluation sound, and what would you do next?")


def _people() -> dict[str, User]:
    people = {}
    lena = db.session.scalar(select(User).where(User.email == "learner@mentorhub.test"))
    marco = db.session.scalar(select(User).where(User.email == "mentor@mentorhub.test"))
    if lena is None or marco is None:
        return {}
    people["lena"], people["marco"] = lena, marco
    peers = db.session.scalars(
        select(User).where(User.email.like("%@demo.mentorhub.test"), User.is_deleted.is_(False),
                           ~User.id.in_(select(MentorProfile.user_id)))
        .order_by(User.email).limit(6)
    ).all()
    for i, user in enumerate(peers):
        people[f"peer{i}"] = user
    return people


def _ids(model, slugs) -> list[int]:
    return list(db.session.scalars(select(model.id).where(model.slug.in_(slugs))))


def load_demo() -> dict[str, int]:
    rng = random.Random(SEED)
    people = _people()
    if not people:
        return {"items": 0, "reviews": 0}
    added = {"items": 0, "reviews": 0}
    now = utcnow()

    # reviewers: Marco reviews anything; two peers review what matches their skills
    if reviewer_setting(people["marco"]) is None:
        feedback.set_reviewer_setting(people["marco"], True, [])
    for key, skills in (("peer4", ["pandas", "scikit-learn", "model-evaluation"]), ("peer5", [])):
        if key in people and reviewer_setting(people[key]) is None:
            feedback.set_reviewer_setting(people[key], True, _ids(Skill, skills))

    for owner_key, title, summary, skills, domains, visibility, status, cells, age_hours in ITEMS:
        owner = people.get(owner_key)
        if owner is None:
            continue
        exists = db.session.scalar(select(PortfolioItem.id).where(PortfolioItem.owner_id == owner.id,
                                                                  PortfolioItem.title == title))
        if exists is not None:
            continue
        item = items.create_item(owner, {
            "title": title, "summary": summary, "body": BODY.format(summary=summary),
            "repo_url": f"https://example.org/{owner_key}/{title.lower().replace(' ', '-')[:40]}",
            "visibility": visibility, "status": status,
            "skill_ids": _ids(Skill, skills), "domain_ids": _ids(Domain, domains),
        }, notebook=("analysis.ipynb", _notebook(cells)) if cells else None)
        item.created_at = item.updated_at = now - timedelta(days=70 if age_hours is None else age_hours / 24 + 1)
        added["items"] += 1

        if age_hours is None:
            # reviewed three times over two months, scores improving: the profile chart has a story
            reviewers = [people["marco"]] + [people[k] for k in ("peer4", "peer5") if k in people]
            for round_no, days_ago in enumerate((60, 32, 6)):
                when = now - timedelta(days=days_ago)
                req = feedback.request_feedback(owner, item.id, "community")
                req.created_at = when - timedelta(days=1)
                reviewer = reviewers[round_no % len(reviewers)]
                feedback.claim_request(reviewer, req.id, now=when - timedelta(hours=3))
                scores = {c.slug: (min(4, 1 + round_no + rng.randint(0, 1)),
                                   "Clear improvement since last time." if round_no else "")
                          for c in rubric.criteria()}
                review = reviews.submit_review(
                    reviewer, req.id, scores,
                    "A well-told story with an honest evaluation." if round_no == 2 else "A promising start.",
                    "Package the pipeline and add a test for the preprocessing." if round_no < 2
                    else "Deploy it behind a small API and watch the inputs drift.", now=when)
                review.created_at = review.updated_at = when
                if round_no != 1:
                    reviews.mark_helpful(owner, review.id)
                added["reviews"] += 1
            reviews.reply(owner, item.reviews[-1].id, "Thank you! The API is my next project.")
        else:
            req = feedback.request_feedback(owner, item.id, "community",
                                            note="Is my evaluation sound?" if rng.random() < 0.5 else "")
            req.created_at = now - timedelta(hours=age_hours)
        db.session.commit()
    _ask_marco(people)
    return added


def _ask_marco(people: dict) -> None:
    """The demo mentor has a review waiting: the demo learner asks him by name for her newest item."""
    lena, marco = people["lena"], people["marco"]
    asked = db.session.scalar(select(FeedbackRequest.id).where(FeedbackRequest.requester_id == lena.id,
                                                               FeedbackRequest.mentor_id == marco.id))
    waiting = select(FeedbackRequest.active_item_id).where(FeedbackRequest.active_item_id.is_not(None))
    item_id = db.session.scalar(select(PortfolioItem.id).where(PortfolioItem.owner_id == lena.id,
                                                               PortfolioItem.id.not_in(waiting))
                                .order_by(PortfolioItem.created_at.desc()).limit(1))
    if asked is None and item_id is not None and marco.id in [m.id for m in mentor_choices(lena)]:
        feedback.request_feedback(lena, item_id, "mentor", mentor_id=marco.id,
                                  note="Before I deploy it: is the evaluation sound?")
        db.session.commit()
