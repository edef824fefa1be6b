"""SMS: one interface, a backend per provider chosen by SMS_PROVIDER (credentials from the
environment), and the SMS channel the worker sends by (registered by notify.hooks).

- `log` (development): writes the message to the log and sends nothing.
- `46elks`: POST form data to /a1/sms with HTTP Basic auth (API username and password).
- `gatewayapi`: POST JSON to /rest/mtsms with the API token as HTTP Basic user name.

A message is cut to at most two segments, with a link into Bro at its end, and counted as the
phone network bills it: GSM-7 (160 characters in one segment, 153 in each part of a longer
one, a character of the extension table counts twice) unless one character needs UCS-2
(70, and 67 a part; Arabic, Tigrinya, Ukrainian and Dari always do). A 5xx answer or a
network failure is tried again by the worker; a 4xx is a refusal for good.

A meeting place's monthly budget counts every SMS sent to its people: notices (a Delivery)
and the codes people ask for (a CodeSms). Once it is reached, notices go by the person's
other channels; a code is still sent, and counted as sent over the budget.
"""

import base64
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import bindparam, case, func, literal_column, select, union_all, update

from portal import work
from portal.audit.models import record
from portal.extensions import db, utcnow
from portal.i18n import force_locale
from portal.notify import channels, preferences, services
from portal.notify.channels import Receipt, Recipient, Refused, Sender, Skip
from portal.notify.models import Channel, CodeSms, Delivery, DeliveryStatus
from portal.speed import rows, statement

if TYPE_CHECKING:
    from portal.notify.models import Notification

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")  # sent as an escape and the character: two septets
MAX_SEGMENTS = 2
TIMEOUT_SECONDS = 10
SENDER_NAME_LENGTH = 11  # an alphanumeric sender ID
PROVIDERS = ("log", "46elks", "gatewayapi")
DEFAULT_URLS = {"46elks": "https://api.46elks.com/a1/sms",
                "gatewayapi": "https://gatewayapi.com/rest/mtsms"}

log = logging.getLogger("portal.sms")


# -- counting -----------------------------------------------------------------------------

def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def _units(text: str) -> list[int]:
    """Each character's size in its encoding: septets for GSM-7, UTF-16 code units for UCS-2
    (a character beyond the basic plane, an emoji, takes two)."""
    if is_gsm(text):
        return [2 if ch in GSM_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segments(text: str) -> int:
    """How many SMS the text is sent as. A character is never split between two parts (an
    escape and its character, a surrogate pair), so a part may hold one unit less."""
    gsm = is_gsm(text)
    single, part = (160, 153) if gsm else (70, 67)
    units = _units(text)
    if sum(units) <= single:
        return 1
    count, filled = 1, 0
    for size in units:
        if filled + size > part:
            count, filled = count + 1, 0
        filled += size
    return count


def compose(text: str, link: str | None, limit: int = MAX_SEGMENTS) -> str:
    """The message: the text on one line, cut short where it must be so that the whole, with
    the link on a line of its own, fits in `limit` segments."""
    text = " ".join(text.split())
    tail = f"\n{link}" if link else ""
    if segments(text + tail) <= limit:
        return text + tail
    ellipsis = "..." if is_gsm(text) else "…"  # "…" is not GSM-7: it would make it UCS-2
    low, high = 0, len(text)
    while low < high:  # the longest start of the text that fits
        middle = (low + high + 1) // 2
        if segments(_cut(text, middle, ellipsis) + tail) <= limit:
            low = middle
        else:
            high = middle - 1
    return _cut(text, low, ellipsis) + tail


def _cut(text: str, length: int, ellipsis: str) -> str:
    return text[:length].rstrip() + ellipsis if length < len(text) else text


# -- providers ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    to: str  # E.164, "+4712345678"
    sender: str
    text: str
    reference: str  # ours, echoed in delivery reports where the provider can
    report_url: str | None  # where the provider posts delivery reports


class ProviderError(Exception):
    """The provider could not take the message now (5xx, timeout): try again later."""


def _post(url: str, body: bytes, headers: dict[str, str]) -> dict:
    if not url.startswith(("https://", "http://")):  # never file: or another scheme
        raise Refused("SMS_API_URL is not an http(s) address")
    request = urllib.request.Request(url, data=body, headers=headers,  # noqa: S310 (checked)
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        detail = error.read()[:120].decode("utf-8", "replace")
        if 400 <= error.code < 500:
            raise Refused(f"the SMS provider refused the message ({error.code}): "
                          f"{detail}") from None
        raise ProviderError(f"the SMS provider answered {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ProviderError(f"the SMS provider could not be reached: {error}") from None


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def send_46elks(message: Outgoing, config) -> Receipt:
    fields = {"from": message.sender, "to": message.to, "message": message.text}
    if message.report_url:
        fields["whendelivered"] = message.report_url
    answer = _post(config["SMS_API_URL"] or DEFAULT_URLS["46elks"],
                   urllib.parse.urlencode(fields).encode(),
                   {"Authorization": _basic(config["SMS_API_USERNAME"],
                                            config["SMS_API_PASSWORD"]),
                    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    return Receipt(provider_id=str(answer.get("id") or "") or None,
                   segments=answer.get("parts") or segments(message.text))


def send_gatewayapi(message: Outgoing, config) -> Receipt:
    body = {"sender": message.sender, "message": message.text,
            "recipients": [{"msisdn": int(message.to.removeprefix("+"))}],
            "userref": message.reference}
    if not is_gsm(message.text):  # GatewayAPI sends GSM-7 unless told otherwise
        body["encoding"] = "UCS2"
    if message.report_url:
        body["callback_url"] = message.report_url
    answer = _post(config["SMS_API_URL"] or DEFAULT_URLS["gatewayapi"],
                   json.dumps(body, ensure_ascii=False).encode(),
                   {"Authorization": _basic(config["SMS_API_TOKEN"], ""),
                    "Content-Type": "application/json; charset=utf-8",
                    "Accept": "application/json"})
    ids = answer.get("ids") or [None]
    return Receipt(provider_id=str(ids[0]) if ids[0] is not None else None,
                   segments=segments(message.text))


def send_log(message: Outgoing, config) -> Receipt:
    log.info("SMS from %s to %s (%s segments): %s", message.sender, message.to,
             segments(message.text), message.text)
    return Receipt(provider_id=f"log-{message.reference}", segments=segments(message.text))


BACKENDS: dict[str, Callable[[Outgoing, dict], Receipt]] = {
    "log": send_log, "46elks": send_46elks, "gatewayapi": send_gatewayapi}
CREDENTIALS = {"log": (), "46elks": ("SMS_API_USERNAME", "SMS_API_PASSWORD"),
               "gatewayapi": ("SMS_API_TOKEN",)}


def provider() -> str:
    return current_app.config["SMS_PROVIDER"]


def configured() -> bool:
    """SMS_PROVIDER names a provider and its credentials are set."""
    config = current_app.config
    name = provider()
    return name in BACKENDS and all(config[key] for key in CREDENTIALS[name])


def send_text(to: str, text: str, sender: str | None = None, reference: str = "",
              report: bool = True) -> Receipt:
    """One SMS to an E.164 number, by the configured provider. Raises Skip when SMS is not set
    up, Refused for a refusal, ProviderError (or another error) for "try again later"."""
    if not configured():
        raise Skip("SMS is not configured")
    config = current_app.config
    message = Outgoing(to=to, sender=(sender or config["SMS_SENDER"])[:SENDER_NAME_LENGTH],
                       text=text, reference=reference,
                       report_url=report_url() if report else None)
    return BACKENDS[provider()](message, config)


def report_url() -> str | None:
    """The delivery-report address given to the provider, with the secret in its path; none
    without a secret or a public address."""
    config = current_app.config
    if not (config["SMS_REPORT_SECRET"] and config["PUBLIC_URL"]):
        return None
    return (f"{config['PUBLIC_URL'].rstrip('/')}/notify/sms/report/{provider()}/"
            f"{config['SMS_REPORT_SECRET']}")


def reaches(people: list[Recipient]) -> set[int]:
    """Only a number the person confirmed with a code (portal.accounts.phone)."""
    return {person.id for person in people
            if person.phone and person.phone == person.phone_confirmed}


def site_sender(user: Recipient) -> str:
    """The sender name the person sees: their meeting place's, else SMS_SENDER."""
    site = getattr(user, "home_site", None)
    return (site and site.sms_sender) or current_app.config["SMS_SENDER"]


def link_into_bro(notification: "Notification") -> str:
    """An absolute link to what the notice is about, else to the person's start page (built
    from PUBLIC_URL: the worker has no request of its own)."""
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    with current_app.test_request_context("/", base_url=public or None):
        found = services.link(notification)
        path = found[0] if found else url_for("home.index")
    return public + path


def send(delivery: Delivery, notification: "Notification", user: Recipient) -> Receipt:
    """One notification by SMS, written in the recipient's language now, unless it would go
    over the monthly budget of the person's meeting place: then it goes by the other channels
    that reach them (the delivery is skipped, and says why)."""
    if not user.phone:
        raise Skip("no phone number")
    with force_locale(user.language):
        text = services.body(notification) or services.subject(notification)
        message = compose(text, link_into_bro(notification))
    site = getattr(user, "home_site", None)
    if site is not None:
        delivery.site_id = site.id
        if over_budget(site, segments(message), delivery.claimed_at or utcnow()):
            _fall_back(notification, user)
            raise Skip(OVER_BUDGET)
    return send_text(user.phone, message, site_sender(user), reference=str(delivery.id))


SENDER = Sender(send=send, reaches=reaches, configured=configured, quiet_at_night=True)


def send_code(user: Recipient, text: str, purpose: str) -> Receipt:
    """An SMS with a code the person asked for (`purpose`: "confirm" a number, "reset" a
    password), sent now, during their request, and counted against the monthly budget of
    their meeting place like a notice. The budget does not hold a code back: without it the
    person cannot confirm their number or get into their account, and asking is limited per
    person and per IP address. A code sent once the budget was reached is counted as such, and
    the place's budget page and reports show it. Raises like send_text."""
    site = getattr(user, "home_site", None)
    now = utcnow()
    over = site is not None and over_budget(site, segments(text), now)
    receipt = send_text(user.phone, text, site_sender(user), report=False)
    db.session.add(CodeSms(site_id=site.id if site is not None else None, purpose=purpose,
                           segments=receipt.segments or segments(text), sent_at=now,
                           over_budget=over))
    if over:
        log.warning("An SMS code was sent over the SMS budget of meeting place %s", site.id)
    return receipt


# -- delivery reports ---------------------------------------------------------------------

# What each provider reports, as our statuses: delivered, or failed for good. Anything else
# (sent on, buffered, en route) changes nothing.
REPORTED = {
    "46elks": {"delivered": DeliveryStatus.DELIVERED, "failed": DeliveryStatus.FAILED},
    "gatewayapi": {"DELIVERED": DeliveryStatus.DELIVERED,
                   **dict.fromkeys(("UNDELIVERED", "REJECTED", "EXPIRED", "SKIPPED"),
                                   DeliveryStatus.FAILED)},
}


def report_accepted(name: str, secret: str) -> bool:
    """A report is taken only for the configured provider and with the secret."""
    expected = current_app.config["SMS_REPORT_SECRET"]
    return bool(expected) and name == provider() and name in REPORTED and \
        hmac.compare_digest(secret.encode(), expected.encode())


def record_report(name: str, fields: dict) -> bool:
    """Update the delivery a provider's report is about; False when it names none of ours."""
    provider_id, reported = str(fields.get("id") or ""), str(fields.get("status") or "")
    status = REPORTED[name].get(reported)
    if not provider_id or status is None:
        return False
    values = {"status": status}
    if status == DeliveryStatus.FAILED:
        values["error"] = f"the phone network could not deliver it ({reported[:40]})"[:200]
    changed = work.lock(update(Delivery).where(
        Delivery.channel == Channel.SMS, Delivery.provider_id == provider_id,
        Delivery.status.in_((DeliveryStatus.SENT, DeliveryStatus.DELIVERED)))
        .values(**values).execution_options(synchronize_session=False))
    return changed.rowcount > 0


# -- budgets ------------------------------------------------------------------------------

OVER_BUDGET = "over the meeting place's SMS budget for the month: sent by other channels"
BILLED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)


def month_bounds(moment: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The calendar month around `moment` where the meeting place is, in UTC."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    start = datetime(local.year, local.month, 1, tzinfo=zone)
    following = datetime(local.year + local.month // 12, local.month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), following.astimezone(UTC)


class Usage(NamedTuple):
    """Meeting places' SMS in a stretch of time: every SMS sent (notices and codes) and their
    segments, notices not sent because the budget was reached, and of the SMS sent, the codes
    and the codes sent after the budget was reached."""

    sent: int
    segments: int
    held_back: int
    codes: int
    codes_over_budget: int


def usage(site_ids: list[int], start: datetime, end: datetime) -> Usage:
    """Three prebuilt statements (portal.speed.statement) run as plain rows: built on every
    call they cost about 1.3 ms of SQLAlchemy before SQLite saw them, and the reports call
    this once per month of the period (a year: 12 times)."""
    values = {"site_ids": list(site_ids), "start": start, "end": end}
    sent, parts = rows(_billed(), values).one()
    held_back = rows(_held_back(), values).scalar()
    codes, code_parts, over = rows(_codes(), values).one()
    return Usage(sent + codes, int(parts) + int(code_parts), held_back, codes, int(over))


def _places():
    return bindparam("site_ids", expanding=True)


@statement
def _billed():
    return select(func.count(), func.coalesce(func.sum(Delivery.segments), 0)).where(
        Delivery.channel == Channel.SMS, Delivery.site_id.in_(_places()),
        Delivery.status.in_(BILLED), Delivery.sent_at >= bindparam("start"),
        Delivery.sent_at < bindparam("end"))


@statement
def _held_back():
    return select(func.count()).where(
        Delivery.channel == Channel.SMS, Delivery.site_id.in_(_places()),
        Delivery.status == DeliveryStatus.SKIPPED, Delivery.error == OVER_BUDGET,
        Delivery.claimed_at >= bindparam("start"), Delivery.claimed_at < bindparam("end"))


@statement
def _codes():
    return select(func.count(), func.coalesce(func.sum(CodeSms.segments), 0),
                  func.coalesce(func.sum(case((CodeSms.over_budget, 1), else_=0)), 0)).where(
        CodeSms.site_id.in_(_places()), CodeSms.sent_at >= bindparam("start"),
        CodeSms.sent_at < bindparam("end"))


def usage_per_part(site_ids: list[int], moments: list[datetime]) -> list[Usage]:
    """`usage` for each part of a stretch of time cut at `moments` (part i runs from moments[i]
    to moments[i + 1]; the reports: each month of a period), in one statement whatever the
    number of parts: the database puts each SMS in its part. Calling `usage` per part cost the
    reports three statements a month (a year's report: 36, about 2.5 ms)."""
    parts = len(moments) - 1
    found = {(what, i): numbers for what, i, *numbers in rows(
        _usage_per_part(len(site_ids), parts),
        {**{f"site_{n}": site_id for n, site_id in enumerate(site_ids)},
         **{f"edge_{i}": moments[i + 1] for i in range(parts)},
         "start": moments[0], "end": moments[-1]})}
    usages = []
    for i in range(parts):
        sent, parts_sent, _ = found.get(("billed", i), (0, 0, 0))
        held_back = found.get(("held_back", i), (0, 0, 0))[0]
        codes, code_parts, over = found.get(("codes", i), (0, 0, 0))
        usages.append(Usage(sent + codes, int(parts_sent) + int(code_parts), held_back, codes,
                            int(over)))
    return usages


@statement
def _usage_per_part(places: int, parts: int):
    """(what, part, count, segments, codes over the budget) for what `usage` reads: "billed"
    notices, notices "held_back", "codes". The places are plain bound values site_0, site_1, …
    and the statuses are written into the SQL (an expanding list would keep the statement from
    running prepared, portal.speed); each part ends at edge_0, edge_1, …"""
    sites = [bindparam(f"site_{n}") for n in range(places)]

    def part(column):
        return case(*[(column < bindparam(f"edge_{i}"), i) for i in range(parts)],
                    else_=None).label("part")

    def within(column):
        return column >= bindparam("start"), column < bindparam("end")

    def what(name: str):
        return literal_column(f"'{name}'").label("what")

    none = literal_column("0")
    billed_part, held_part, code_part = (part(Delivery.sent_at), part(Delivery.claimed_at),
                                         part(CodeSms.sent_at))
    billed = select(what("billed"), billed_part, func.count().label("count"),
                    func.coalesce(func.sum(Delivery.segments), 0).label("segments"),
                    none.label("over")).where(
        Delivery.channel == Channel.SMS, Delivery.site_id.in_(sites),
        Delivery.status.in_([literal_column(f"'{status}'") for status in BILLED]),
        *within(Delivery.sent_at)).group_by(billed_part)
    held_back = select(what("held_back"), held_part, func.count(), none, none).where(
        Delivery.channel == Channel.SMS, Delivery.site_id.in_(sites),
        Delivery.status == DeliveryStatus.SKIPPED, Delivery.error == OVER_BUDGET,
        *within(Delivery.claimed_at)).group_by(held_part)
    codes = select(what("codes"), code_part, func.count(),
                   func.coalesce(func.sum(CodeSms.segments), 0),
                   func.coalesce(func.sum(case((CodeSms.over_budget, 1), else_=0)), 0)).where(
        CodeSms.site_id.in_(sites), *within(CodeSms.sent_at)).group_by(code_part)
    return union_all(billed, held_back, codes)


@dataclass(frozen=True)
class Month:
    """A meeting place's SMS this month, for its budget page."""

    sent: int
    segments: int
    held_back: int
    codes: int
    codes_over_budget: int
    budget: int | None

    @property
    def reached(self) -> bool:
        return self.budget is not None and self.segments >= self.budget


def this_month(site, now: datetime | None = None) -> Month:
    return Month(*usage([site.id], *month_bounds(now or utcnow(), site.timezone)),
                 budget=site.sms_budget)


def set_budget(staff, site, budget: int | None) -> None:
    """A coordinator of the place (the view checks it) sets its monthly budget, in segments;
    None: no limit. Written to the audit log."""
    site.sms_budget = budget
    record(staff, "sms.budget", "site", site.id)


def over_budget(site, needed: int, now: datetime) -> bool:
    if site.sms_budget is None:
        return False
    used = usage([site.id], *month_bounds(now, site.timezone)).segments
    # Two workers may pass this at once: the budget may be passed by a message or two.
    return used + needed > site.sms_budget


def _fall_back(notification: "Notification", user: Recipient) -> None:
    """A delivery by each other channel that can reach the person, where the notification has
    none yet, whatever they chose for it: they asked to be told beyond the app. (Not for news
    without the news consent; the message in the app is there in any case.)"""
    group = services.group_of(notification.kind)
    if user.id not in preferences.permitted([user.id], group):
        return
    have = {delivery.channel for delivery in notification.deliveries}
    for channel, reached in channels.reachable([user]).items():
        if channel not in (Channel.SMS, *have) and user.id in reached:
            db.session.add(Delivery(notification_id=notification.id, channel=channel,
                                    next_attempt_at=utcnow(), fallback=True))
