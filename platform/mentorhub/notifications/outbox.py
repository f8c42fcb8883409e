"""The email outbox: queueing a mail (once per key) and delivering the queue over SMTP."""
from __future__ import annotations

import email.policy
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..db import db, utcnow
from ..urls import external_url
from ..validation import setting
from .models import OutboxEmail
from .preferences import is_unsubscribe_kind, unsubscribe_serializer, unsubscribe_token

log = logging.getLogger(__name__)

STOP_LINE = "Stop these emails: "


def add_once(obj) -> bool:
    """Insert a row guarded by a unique key; False when the key was already used."""
    model = type(obj)
    # The caller's pending changes are flushed first, outside the try: a conflict of theirs
    # must surface as their error, not be taken for "this key was used".
    db.session.flush()
    if obj.key is not None:
        if db.session.scalar(select(model.id).where(model.key == obj.key)) is not None:
            return False
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except IntegrityError:
        return False
    return True


def mail_subject(subject: str) -> str:
    return " ".join((subject or "").split())[:200]  # no line breaks in a mail header


def unsubscribe_link(token: str) -> str:
    return external_url("notifications.unsubscribe", token=token)


def settings_link() -> str:
    return external_url("notifications.settings")


def footer(user_id: int, kind: str, serializer: URLSafeTimedSerializer | None = None,
           settings_url: str | None = None) -> str:
    """The email footer: why this came, a signed one-click unsubscribe link for ``kind`` (the
    List-Unsubscribe header is read from this line) and the settings page. Bulk callers pass
    the serializer and settings URL once per batch."""
    return (
        "\n\n--\nYou get this because of your mentorhub notification settings.\n"
        f"{STOP_LINE}{unsubscribe_link(unsubscribe_token(user_id, kind, serializer))}\n"
        f"All settings: {settings_url or settings_link()}\n"
    )


def queue_email(to: str, subject: str, body: str, key: str | None, user: User | None = None,
                kind: str | None = None) -> OutboxEmail | None:
    """Write an outbox row (no commit). The same ``key`` never queues twice. With ``user``
    and ``kind`` the body gets the notification footer (unsubscribe link)."""
    tail = footer(user.id, kind) if user is not None and kind is not None else ""
    row = OutboxEmail(key=key, user_id=user.id if user else None, to_addr=to, subject=mail_subject(subject),
                      body=body + tail, next_attempt_at=utcnow(), created_at=utcnow())
    return row if add_once(row) else None


# ---- delivery (run by the scheduler) ---------------------------------------------------------


class _Mailer:
    """One SMTP connection per delivery run, opened on first use and reopened after an error."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def connect(self) -> None:
        if self.smtp is not None:
            return
        cls = smtplib.SMTP_SSL if setting("SMTP_SSL") else smtplib.SMTP
        smtp = cls(setting("SMTP_HOST"), setting("SMTP_PORT"), timeout=setting("SMTP_TIMEOUT"))
        try:
            if setting("SMTP_STARTTLS"):
                smtp.starttls()
            if setting("SMTP_USERNAME"):
                smtp.login(setting("SMTP_USERNAME"), setting("SMTP_PASSWORD") or "")
        except Exception:
            smtp.close()
            raise
        self.smtp = smtp

    def send(self, msg: EmailMessage) -> None:
        self.connect()
        try:
            self.smtp.send_message(msg)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:  # noqa: BLE001 - the connection is gone either way
                self.smtp.close()
            self.smtp = None


# Long headers (the List-Unsubscribe URL) must stay plain text, not RFC 2047 encoded words.
_POLICY = email.policy.default.clone(max_line_length=998)


def _message(row: OutboxEmail) -> EmailMessage:
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = setting("MAIL_FROM")
    msg["To"] = row.to_addr
    msg["Subject"] = " ".join(row.subject.split())  # whoever wrote the row: no header line breaks
    msg["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain="mentorhub.local")
    link = _list_unsubscribe(row)
    if link:  # RFC 2369 / RFC 8058: mail programs offer a one-click unsubscribe button
        msg["List-Unsubscribe"] = f"<{link}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(row.body)
    return msg


def _list_unsubscribe(row: OutboxEmail) -> str | None:
    """The List-Unsubscribe URL of a row, built here: this server's address and the recipient's
    own signed token, taken from the footer line footer() wrote (notify, queue_email and
    bulk.notify_many). Any other link in the body, such as one a member typed into a message,
    never becomes a header: its token must verify and name the row's recipient."""
    if row.user_id is None:
        return None
    serializer = unsubscribe_serializer()
    for line in reversed((row.body or "").splitlines()):
        if not line.startswith(STOP_LINE) or "/unsubscribe/" not in line:
            continue
        token = line.rsplit("/unsubscribe/", 1)[1]
        try:
            data = serializer.loads(token)
        except BadData:
            continue
        if isinstance(data, dict) and data.get("u") == row.user_id and is_unsubscribe_kind(data.get("k")):
            return unsubscribe_link(token)
    return None


def deliver_outbox(now: datetime | None = None) -> dict[str, int]:
    """Send due outbox rows. A run claims its batch with one conditional UPDATE … RETURNING,
    so two schedulers never both send a row; a claim left by a crashed process is taken
    over after OUTBOX_CLAIM_TIMEOUT. Each row's outcome is committed right after its send."""
    now = now or utcnow()
    stale = now - timedelta(seconds=setting("OUTBOX_CLAIM_TIMEOUT"))
    claimable = or_(
        (OutboxEmail.status == "pending") & (OutboxEmail.next_attempt_at <= now),
        (OutboxEmail.status == "sending") & (OutboxEmail.claimed_at < stale),
    )
    due_ids = db.session.scalars(
        select(OutboxEmail.id).where(claimable).order_by(OutboxEmail.id).limit(setting("OUTBOX_BATCH"))
    ).all()
    claimed: list[int] = []
    if due_ids:
        claimed = sorted(db.session.scalars(
            update(OutboxEmail).where(OutboxEmail.id.in_(due_ids), claimable)
            .values(status="sending", claimed_at=now).returning(OutboxEmail.id)
            .execution_options(synchronize_session=False)
        ).all())
    db.session.commit()
    counts = {"sent": 0, "retry": 0, "failed": 0, "logged": 0}
    mailer = _Mailer()
    try:
        for i, row_id in enumerate(claimed):
            if not _deliver_one(row_id, now, mailer, counts):
                _release(claimed[i + 1:])
                break
    finally:
        mailer.close()
    return counts


def _release(row_ids: list[int]) -> None:
    """Give back claimed rows that were not tried (the server was unreachable)."""
    if row_ids:
        db.session.execute(
            update(OutboxEmail).where(OutboxEmail.id.in_(row_ids), OutboxEmail.status == "sending")
            .values(status="pending", claimed_at=None).execution_options(synchronize_session=False)
        )
        db.session.commit()


def _deliver_one(row_id: int, now: datetime, mailer: _Mailer, counts: dict[str, int]) -> bool:
    """Send one claimed row. False when the SMTP server cannot be reached: the rest of the
    batch then waits for the next run instead of each timing out in turn."""
    # populate_existing: the claim was a bulk UPDATE, so a copy already in this session is stale.
    row = db.session.get(OutboxEmail, row_id, populate_existing=True)
    reachable = True
    try:
        if setting("SMTP_HOST"):
            try:
                mailer.connect()
            except Exception:
                reachable = False
                raise
            mailer.send(_message(row))
            counts["sent"] += 1
        else:
            log.info("mail (SMTP not configured) to=%s subject=%s\n%s", row.to_addr, row.subject, row.body)
            counts["logged"] += 1
        row.status, row.sent_at, row.last_error = "sent", utcnow(), None
    except Exception as exc:  # noqa: BLE001 - any failure: retry later, never lose the row
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= setting("OUTBOX_MAX_ATTEMPTS"):
            row.status = "failed"
            counts["failed"] += 1
            log.error("giving up on outbox mail %s to %s: %s", row.id, row.to_addr, row.last_error)
        else:
            row.status = "pending"
            backoff = setting("OUTBOX_BACKOFF_SECONDS") * 2 ** (row.attempts - 1)
            row.next_attempt_at = now + timedelta(seconds=backoff)
            counts["retry"] += 1
            log.warning("outbox mail %s failed (attempt %s): %s", row.id, row.attempts, row.last_error)
    db.session.commit()
    return reachable
