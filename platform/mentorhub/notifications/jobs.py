"""Scheduled sweeps for notifications: each is safe to run again."""
from . import services


def deliver_outbox() -> dict:
    return services.deliver_outbox()


def send_daily_digests() -> int:
    return services.send_digests()
