"""Codes sent by SMS: confirming a phone number before Bro texts it, and a new password for
people without e-mail.

A code is 6 digits, works for PHONE_CODE_MINUTES (10), PHONE_CODE_TRIES (5) wrong tries and
once; a newer code replaces the older. A person gets at most PHONE_CODES_PER_HOUR codes for
each purpose (and the forgotten-password door is limited per IP too), so guessing gets
nowhere. The code goes out during the request, unlike notices: the person waits for this one
message and must be told at once when it could not be sent. Only a keyed hash of it is kept.
Each code counts against the SMS budget of the person's meeting place, and is sent even when
the budget is reached (portal.notify.sms.send_code)."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from portal import work
from portal.accounts.models import CodePurpose, PhoneCode, User
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _, _l, force_locale
from portal.notify import sms
from portal.notify.channels import Refused, Skip

WRONG_CODE = _l("The code is wrong, used or expired. Ask for a new code.")
TOO_MANY = _l("You have asked for several codes in a short time. Wait an hour and try again.")
NOT_SENT = _l("Bro could not send an SMS to this number just now. Check the number, or try "
              "again later.")


def _digest(code_id_seed: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{code_id_seed}:{code}".encode(), hashlib.sha256).hexdigest()


def _seed(user_id: int, purpose: CodePurpose, phone: str) -> str:
    return f"{user_id}:{purpose}:{phone}"


def _settings() -> tuple[int, int, int]:
    config = current_app.config
    return (config["PHONE_CODE_MINUTES"], config["PHONE_CODE_TRIES"],
            config["PHONE_CODES_PER_HOUR"])


def send_code(user: User, purpose: CodePurpose) -> None:
    """Make a new code for the person's number and send it to that number by SMS."""
    minutes, _tries, per_hour = _settings()
    if not sms.configured():
        raise DomainError(_l("This Bro service does not send SMS."))
    if not user.phone:
        raise DomainError(_l("Add your phone number on your profile first."))
    now = utcnow()
    recent = db.session.scalar(select(func.count()).select_from(PhoneCode).where(
        PhoneCode.user_id == user.id, PhoneCode.purpose == purpose,
        PhoneCode.created_at > now - timedelta(hours=1)))
    if recent >= per_hour:
        raise DomainError(TOO_MANY)
    # Only the newest code works. (Two asks at the same moment may both pass the count above:
    # one code more at most, and the door is limited per IP address as well.)
    work.lock(update(PhoneCode).where(PhoneCode.user_id == user.id,
                                      PhoneCode.purpose == purpose,
                                      PhoneCode.used_at.is_(None)).values(used_at=now))
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(PhoneCode(user_id=user.id, purpose=purpose, phone=user.phone,
                             code_hash=_digest(_seed(user.id, purpose, user.phone), code),
                             created_at=now, expires_at=now + timedelta(minutes=minutes)))
    db.session.flush()
    with force_locale(user.language):
        text = (_("Your code to confirm your phone number in Bro: %(code)s. It works for "
                  "%(minutes)d minutes.", code=code, minutes=minutes)
                if purpose == CodePurpose.CONFIRM_PHONE else
                _("Your code for a new password in Bro: %(code)s. It works for %(minutes)d "
                  "minutes. If you did not ask for it, you do not need to do anything.",
                  code=code, minutes=minutes))
    try:
        sms.send_code(user, text, str(purpose))  # counted in the place's SMS budget
    except (Skip, Refused, sms.ProviderError):
        raise DomainError(NOT_SENT) from None


def use_code(user: User, purpose: CodePurpose, code: str) -> None:
    """Use the person's newest code for their current number, or raise WRONG_CODE. A wrong
    code still counts as a try (the request keeps it); the fifth ends the code."""
    _minutes, tries, _per_hour = _settings()
    now = utcnow()
    clean = "".join(ch for ch in code if ch.isdigit())
    if not user.phone:
        raise DomainError(WRONG_CODE, field="code")
    # The try is counted first, in one statement, so parallel guesses cannot share a try.
    tried = work.lock(update(PhoneCode).where(
        PhoneCode.user_id == user.id, PhoneCode.purpose == purpose,
        PhoneCode.phone == user.phone, PhoneCode.used_at.is_(None),
        PhoneCode.expires_at > now, PhoneCode.tries < tries)
        .values(tries=PhoneCode.tries + 1)
        .returning(PhoneCode.id, PhoneCode.code_hash)
        .execution_options(synchronize_session=False)).first()
    expected = tried.code_hash if tried else ""
    if not (tried and hmac.compare_digest(
            expected, _digest(_seed(user.id, purpose, user.phone), clean))):
        work.keep()
        raise DomainError(WRONG_CODE, field="code")
    db.session.execute(update(PhoneCode).where(PhoneCode.id == tried.id).values(used_at=now)
                       .execution_options(synchronize_session=False))


def confirm_phone(user: User, code: str) -> None:
    use_code(user, CodePurpose.CONFIRM_PHONE, code)
    user.phone_confirmed = user.phone
