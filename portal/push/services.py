"""Web push: the devices a person turned notices on for, and the push channel that posts a
notice to each of them (registered with the delivery worker by push.hooks).

A notice carries only its title, a short text and the address of the page it is about, in
the reader's language: the push service (Google's, Apple's, Mozilla's) sees only encrypted
bytes, and the phone shows no more than the message in the app says."""

import json
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from functools import cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app, url_for
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from portal import speed
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _, _l, force_locale
from portal.notify import services as notify
from portal.notify.channels import Receipt, Recipient, Refused, Sender, Skip
from portal.notify.models import Delivery, Notification
from portal.push.models import PushSubscription

MAX_DEVICES = 10  # a new one beyond this replaces the one subscribed longest ago
TEXT_LENGTH = 140  # a phone shows two or three lines of it
TTL_SECONDS = 24 * 3600  # a phone that is off for a day still gets it when it comes back
GONE = (404, 410)  # the push service forgot the subscription: so does Bro


def _decoded(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key)


def public_key() -> str:
    """The key a browser subscribes with (applicationServerKey), base64url."""
    raw = _vapid(current_app.config["VAPID_PRIVATE_KEY"]).public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)
    return urlsafe_b64encode(raw).rstrip(b"=").decode()


BROWSERS = (("Edg", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
            ("OPR", "Opera"), ("Chrome", "Chrome"), ("Safari", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
           ("Windows", "Windows"), ("Mac OS", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_name(user_agent: str) -> str:
    """"Browser/system" from the User-Agent, for the list of devices (nothing more is kept)."""
    browser = next((name for token, name in BROWSERS if token in user_agent), "")
    system = next((name for token, name in SYSTEMS if token in user_agent), "")
    return f"{browser}/{system}"


def device_label(device: str) -> str:
    browser, _slash, system = device.partition("/")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("A browser")


INVALID = _l("This browser sent a subscription Bro cannot use. Reload the page and try again.")


def _checked(endpoint: str, p256dh: str, auth: str) -> tuple[str, str, str]:
    """A subscription as browsers make them: an https address (a loopback http one only where
    PUSH_INSECURE_ENDPOINTS allows it, for tests), a P-256 public key and a 16-byte secret."""
    url = urlsplit(endpoint or "")
    secure = url.scheme == "https" or (
        current_app.config.get("PUSH_INSECURE_ENDPOINTS") and url.scheme == "http"
        and url.hostname in ("127.0.0.1", "localhost"))
    try:
        key, secret = _decoded(p256dh or ""), _decoded(auth or "")
    except ValueError:
        key = secret = b""
    if (not secure or not url.hostname or len(endpoint) > 1000 or len(key) != 65
            or key[0] != 4 or len(secret) != 16
            or not all(re.fullmatch(r"[\w-]+=*", part) for part in (p256dh, auth))):
        raise DomainError(INVALID)
    return endpoint, p256dh, auth


def subscribe(person: Recipient, endpoint: str, p256dh: str, auth: str,
              user_agent: str = "") -> PushSubscription:
    """Notices for this person on this browser. A browser has one subscription: subscribing
    again (or as someone else on a shared phone) replaces what it had."""
    endpoint, p256dh, auth = _checked(endpoint, p256dh, auth)
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    kept = db.session.scalars(select(PushSubscription.id).where(
        PushSubscription.user_id == person.id).order_by(PushSubscription.created_at.desc(),
                                                        PushSubscription.id.desc())).all()
    if len(kept) >= MAX_DEVICES:
        db.session.execute(delete(PushSubscription).where(
            PushSubscription.id.in_(kept[MAX_DEVICES - 1:])))
    subscription = PushSubscription(user_id=person.id, endpoint=endpoint, p256dh=p256dh,
                                    auth=auth, device=device_name(user_agent))
    db.session.add(subscription)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same browser subscribed twice at once: the first one stays
        raise DomainError(_l("This phone is subscribed already.")) from None
    return subscription


def devices(person: Recipient) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription).where(
        PushSubscription.user_id == person.id).order_by(PushSubscription.created_at)))


def devices_listed(person: Recipient) -> list:
    """devices() as the settings page lists them: plain rows of id, device and created_at
    from a statement built once per process — not PushSubscription objects with the push
    service's address and keys, which the list never shows (about 0.15 ms a page)."""
    return speed.rows(_devices_listed(), {"user_id": person.id}).all()


@speed.statement
def _devices_listed():
    return (select(PushSubscription.id, PushSubscription.device, PushSubscription.created_at)
            .where(PushSubscription.user_id == bindparam("user_id"))
            .order_by(PushSubscription.created_at))


def remove(person: Recipient, subscription_id: int) -> None:
    """No more notices on that device (only one's own devices)."""
    removed = db.session.execute(delete(PushSubscription).where(
        PushSubscription.id == subscription_id, PushSubscription.user_id == person.id))
    if removed.rowcount != 1:
        raise DomainError(_l("That device is not on your list any more."))


def payload(notification: Notification, person: Recipient) -> str:
    """Title, short text and the page it is about (a path on Bro), in the reader's language."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"] or None), \
            force_locale(person.language):
        text = " ".join(notify.body(notification).split())
        if len(text) > TEXT_LENGTH:
            text = text[:TEXT_LENGTH - 1].rstrip() + "…"
        found = notify.link(notification)
        return json.dumps({"title": notify.subject(notification), "body": text,
                           "url": found[0] if found else url_for("notify.index")},
                          ensure_ascii=False)


def send(delivery: Delivery, notification: Notification, person: Recipient) -> Receipt:
    """Post the notice to each of the person's devices. A device the push service no longer
    knows (404, 410) is forgotten; a notice that reached at least one device is sent; one
    that reached none is tried again when the trouble may pass (a 5xx, 429, no answer)."""
    subscriptions = devices(person)
    if not subscriptions:
        raise Skip("no device takes notices")
    data = payload(notification, person)
    config = current_app.config
    reached, trouble, refused = 0, None, None
    for subscription in subscriptions:
        try:
            webpush({"endpoint": subscription.endpoint,
                     "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                    data, vapid_private_key=_vapid(config["VAPID_PRIVATE_KEY"]),
                    vapid_claims={"sub": config["VAPID_SUBJECT"]}, timeout=10,
                    ttl=TTL_SECONDS)
        except WebPushException as error:
            status = error.status_code
            if status in GONE:
                db.session.delete(subscription)
            elif status is None or status == 429 or status >= 500:
                trouble = f"push service answered {status}" if status else "no answer"
            else:
                refused = f"push service refused the notice ({status})"
            continue
        except OSError as error:  # no connection at all (requests' errors are OSErrors)
            trouble = type(error).__name__
            continue
        subscription.last_sent_at = utcnow()
        reached += 1
    if reached:
        return Receipt()
    if trouble:
        raise RuntimeError(trouble)
    if refused:
        raise Refused(refused)
    raise Skip("the push service no longer knows any of the devices")


def reaches(people: list[Recipient]) -> set[int]:
    ids = [person.id for person in people]
    return set(db.session.scalars(select(PushSubscription.user_id).where(
        PushSubscription.user_id.in_(ids)).group_by(PushSubscription.user_id))) if ids else set()


SENDER = Sender(send=send, reaches=reaches, configured=lambda: bool(
    current_app.config.get("VAPID_PRIVATE_KEY")), quiet_at_night=True)
