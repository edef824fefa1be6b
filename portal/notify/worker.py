"""The delivery worker: sends what notify() queued, by each channel's registered sender.

`flask worker` runs `run()` (until SIGTERM or SIGINT); `flask send-notifications` and tests
run one pass, `run_once()`. Any number of workers may run at once, on any machines:

- each delivery is claimed in a short unit of work of its own (pending → sending, attempts
  + 1): on PostgreSQL the claim skips rows another worker has locked (FOR UPDATE SKIP
  LOCKED); SQLite runs one writer at a time, so the same single UPDATE is atomic there. A
  claim is one statement that changes one row only if it is still pending, so no two
  workers ever send one delivery;
- no lock is held while a provider is talking: the outcome is settled in a second short
  unit of work, and only by the worker whose claim it still is (same attempt, still sending);
- a worker killed mid-send leaves its claim behind: after DELIVERY_CLAIM_TIMEOUT_SECONDS
  any worker puts it back to pending (an attempt spent), so it is retried, never lost;
- a failure is retried with exponential backoff (DELIVERY_RETRY_SECONDS, doubling, at most
  DELIVERY_RETRY_MAX_SECONDS) until DELIVERY_MAX_ATTEMPTS, then it has failed;
- SMS and push wait through quiet hours (portal.notify.quiet) without spending an attempt.

Features may also schedule a job that queues messages when their time comes (reminders): it
runs at the start of each pass, at most every WORKER_JOB_SECONDS in `run()`, and must be safe
to run often and in several workers at once.
"""

import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.exc import SQLAlchemyError

from portal import work
from portal.extensions import db, utcnow
from portal.notify import channels, preferences, quiet
from portal.notify.models import Delivery, DeliveryStatus, Group
from portal.notify.services import group_of

INTERRUPTED = "interrupted: the worker stopped during the attempt"
JOBS: list[Callable[[datetime], object]] = []  # each takes the time of the pass


def schedule(job: Callable[[datetime], object]) -> None:
    if job not in JOBS:
        JOBS.append(job)


def run(poll_seconds: float | None = None, stop: threading.Event | None = None) -> None:
    """Send until stopped: a pass, then, when it found nothing to do, a pause of
    WORKER_POLL_SECONDS. SIGTERM and SIGINT stop it after the delivery in hand."""
    poll = poll_seconds if poll_seconds is not None else current_app.config[
        "WORKER_POLL_SECONDS"]
    stop = stop or threading.Event()
    job_seconds = current_app.config["WORKER_JOB_SECONDS"]
    jobs_ran = float("-inf")
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            previous[number] = signal.signal(number, lambda *_: stop.set())
    try:
        while not stop.is_set():
            try:
                jobs = time.monotonic() - jobs_ran >= job_seconds
                busy = sum(run_once(stop=stop, jobs=jobs).values())
                if jobs:
                    jobs_ran = time.monotonic()
            except SQLAlchemyError:  # the database is away: try again after the pause
                current_app.logger.exception("Delivery pass failed; trying again")
                db.session.remove()
                busy = 0
            if not busy:
                stop.wait(poll)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        db.session.remove()


def run_once(now: datetime | None = None, limit: int = 1000,
             stop: threading.Event | None = None, jobs: bool = True) -> Counter:
    """One pass: the scheduled jobs (unless `jobs` is false), put back claims left by stopped
    workers, then send every delivery that is due (up to `limit`). Returns how many were
    sent, retried, failed, skipped and held for quiet hours. `now` fixes the clock (tests).
    Refuses inside a unit of work with changes not yet committed: it commits its own short
    units of work and would commit those half-way."""
    _refuse_inside_unfinished_work()
    if jobs:
        _run_jobs(now or utcnow())
    outcomes: Counter = Counter()
    _release_stale(now or utcnow())
    while sum(outcomes.values()) < limit and not (stop and stop.is_set()):
        moment = now or utcnow()
        claim = _claim(moment)
        if claim is None:
            break
        outcomes[_deliver(*claim, moment)] += 1
    return outcomes


def _run_jobs(now: datetime) -> None:
    for job in JOBS:
        try:
            job(now)
        except SQLAlchemyError:  # one job's trouble must not stop the sending
            current_app.logger.exception("Worker job %s failed", job.__name__)
            db.session.rollback()


def _due(now: datetime):
    return (select(Delivery.id).where(
        Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now,
        Delivery.channel.in_(list(channels.SENDERS)))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(1))


def _claim(now: datetime) -> tuple[int, int] | None:
    """Take the next due delivery: (id, attempt), or None when nothing is due."""
    while db.session.scalar(_due(now)) is not None:  # a read: idle polls take no lock
        with work.unit():
            claimed = work.lock(
                update(Delivery).where(
                    Delivery.id == _due(now).with_for_update(skip_locked=True)
                    .scalar_subquery(),
                    Delivery.status == DeliveryStatus.PENDING)
                .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1,
                        claimed_at=now)
                .returning(Delivery.id, Delivery.attempts)
                .execution_options(synchronize_session=False)).first()
        if claimed:
            return claimed.id, claimed.attempts
        # Another worker took the row between the look and the claim: look again.
    return None


def _deliver(delivery_id: int, attempt: int, now: datetime) -> str:
    """Send one claimed delivery and settle it; returns the outcome."""
    with work.unit():
        delivery = db.session.get(Delivery, delivery_id, populate_existing=True)
        notification = delivery.notification
        user = notification.user
        sender = channels.SENDERS[delivery.channel]
        group = group_of(notification.kind)
        held = sender.quiet_at_night and quiet.held_until(
            now, user.timezone,
            quiet.change_starts(notification.params) if group == Group.CHANGES else None)
        if held:  # not an attempt: it waits for the morning
            return _settle(delivery_id, attempt, "held", status=DeliveryStatus.PENDING,
                           attempts=attempt - 1, next_attempt_at=held, claimed_at=None)
        if user.id not in sender.reaches([user]):
            return _settle(delivery_id, attempt, "skipped", status=DeliveryStatus.SKIPPED,
                           error="no longer reachable this way")
        if not delivery.fallback and delivery.channel not in preferences.chosen(
                [user], group)[user.id]:
            return _settle(delivery_id, attempt, "skipped", status=DeliveryStatus.SKIPPED,
                           error="turned off by the person")
        try:
            receipt = sender.send(delivery, notification, user) or channels.Receipt()
        except channels.Skip as reason:
            return _settle(delivery_id, attempt, "skipped", status=DeliveryStatus.SKIPPED,
                           error=_short(reason))
        except channels.Refused as reason:
            return _settle(delivery_id, attempt, "failed", status=DeliveryStatus.FAILED,
                           error=_short(reason))
        except Exception as error:  # noqa: BLE001  (any trouble on the way: try again later)
            current_app.logger.warning("Delivery %s by %s failed (attempt %s): %s",
                                       delivery_id, delivery.channel, attempt,
                                       type(error).__name__)
            if attempt >= current_app.config["DELIVERY_MAX_ATTEMPTS"]:
                return _settle(delivery_id, attempt, "failed", status=DeliveryStatus.FAILED,
                               error=_short(error))
            return _settle(delivery_id, attempt, "retried", status=DeliveryStatus.PENDING,
                           next_attempt_at=now + backoff(attempt), error=_short(error))
        return _settle(delivery_id, attempt, "sent", status=DeliveryStatus.SENT, sent_at=now,
                       provider_id=receipt.provider_id, segments=receipt.segments, error=None)


def _settle(delivery_id: int, attempt: int, outcome: str, **values) -> str:
    """Write the outcome, only if the claim is still this worker's (a claim that outlived the
    timeout may have been put back and taken by another)."""
    settled = work.lock(update(Delivery).where(
        Delivery.id == delivery_id, Delivery.status == DeliveryStatus.SENDING,
        Delivery.attempts == attempt).values(**values)
        .execution_options(synchronize_session=False))
    if settled.rowcount != 1:
        current_app.logger.warning("Delivery %s was taken over before it was settled",
                                   delivery_id)
        return "taken over"
    return outcome


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1, 2, …): doubling, with a ceiling."""
    config = current_app.config
    return timedelta(seconds=min(config["DELIVERY_RETRY_SECONDS"] * 2 ** (attempt - 1),
                                 config["DELIVERY_RETRY_MAX_SECONDS"]))


def _release_stale(now: datetime) -> None:
    """Claims older than the timeout belong to a worker that stopped mid-send: retry them (or
    give up, when that was the last attempt)."""
    config = current_app.config
    cutoff = now - timedelta(seconds=config["DELIVERY_CLAIM_TIMEOUT_SECONDS"])
    stale = (Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < cutoff)
    if db.session.scalar(select(Delivery.id).where(*stale).limit(1)) is None:
        return
    with work.unit():
        last = Delivery.attempts >= config["DELIVERY_MAX_ATTEMPTS"]
        work.lock(update(Delivery).where(*stale, last).values(
            status=DeliveryStatus.FAILED, error=INTERRUPTED)
            .execution_options(synchronize_session=False))
        work.lock(update(Delivery).where(*stale).values(
            status=DeliveryStatus.PENDING, next_attempt_at=now, error=INTERRUPTED)
            .execution_options(synchronize_session=False))


def _short(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:200]


_WRITTEN = "bro_written"  # in the session's info: the transaction that wrote, not committed


def watch_writes() -> None:
    """Note in the session which transaction has written (flushed, or run an UPDATE or
    DELETE), so run_once can tell that it would commit someone else's work half-way.
    Connected by notify.hooks."""
    session = db.session
    if not event.contains(session, "after_flush", _written):
        event.listen(session, "after_flush", _written)
        event.listen(session, "do_orm_execute", _executed)


def _written(session, _context) -> None:
    session.info[_WRITTEN] = session.get_transaction()


def _executed(state) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        _written(state.session, None)


def _refuse_inside_unfinished_work() -> None:
    session = db.session()
    written = session.info.get(_WRITTEN)
    if session.new or session.dirty or session.deleted or (
            written is not None and written is session.get_transaction()):
        raise RuntimeError("The delivery worker ran inside a unit of work with changes not "
                           "yet committed: it runs after the commit (notify() only queues)")
