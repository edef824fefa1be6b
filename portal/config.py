"""Configuration: safe defaults, overridden by environment variables (see README)."""

import os
import secrets
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("BRO_INSTANCE_PATH", ROOT / "instance"))


MIN_SECRET_KEY_BYTES = 32
DEVELOPMENT_URL = "http://127.0.0.1:5000"  # where `make run` serves Bro


def _secret_key(production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if production and len((key or "").encode()) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(f"BRO_ENV=production needs a SECRET_KEY of at least "
                           f"{MIN_SECRET_KEY_BYTES} random bytes, e.g. python3 -c 'import "
                           f"secrets; print(secrets.token_urlsafe(48))'")
    if key:
        return key
    # Development: generate once and keep it, so sessions survive restarts.
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _vapid_private_key(production: bool) -> str:
    """The key Bro signs web push with (VAPID), as base64url of the raw 32-byte P-256
    private key. Phones keep the public half with each subscription, so it must never
    change: production takes it from the environment; development makes one and keeps it."""
    key = os.environ.get("VAPID_PRIVATE_KEY", "").strip()
    if production and not key:
        raise RuntimeError("BRO_ENV=production needs VAPID_PRIVATE_KEY, the key Bro signs push "
                           "notices with; make one once with `python3 -m portal.push` and "
                           "keep it (changing it stops every phone's notices)")
    if key:
        from base64 import urlsafe_b64decode

        try:
            raw = urlsafe_b64decode(key + "=" * (-len(key) % 4))
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise RuntimeError("VAPID_PRIVATE_KEY is not a push key: it is the base64url text "
                               "of 32 bytes that `python3 -m portal.push` prints")
        return key
    path = INSTANCE / "vapid_private_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(new_vapid_private_key())
        path.chmod(0o600)
    return path.read_text().strip()


def new_vapid_private_key() -> str:
    from base64 import urlsafe_b64encode

    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # the form some hosts hand out
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{INSTANCE / 'bro.sqlite3'}"


def load(overrides: dict | None = None) -> dict:
    env = os.environ.get("BRO_ENV", "development")
    production = env == "production"
    config = {
        "ENV_NAME": env,
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        # A server database may drop idle connections; a local SQLite file never does.
        # Error messages and logs never show a statement's values (phone numbers, e-mails).
        # SQLite keeps each connection's prepared statements by their text, 128 by default;
        # the GET pages of the four demo people run about 190 different ones, so a worker
        # serving everyone would prepare its statements again and again: preparing the
        # start page's costs about ten times running it (0.4 ms against 35 µs).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True} | (
            {"connect_args": {"cached_statements": 1024}} if _database_url().startswith("sqlite")
            else {"pool_pre_ping": True}),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "REMEMBER_COOKIE_DURATION": timedelta(days=365),
        # Don't re-sign and resend the session cookie on every page (the login sets it).
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
        "WTF_I18N_ENABLED": False,  # validator messages come from our own catalogs (forms.py)
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_IP": os.environ.get("LOGIN_LIMIT_PER_IP", "20 per 10 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 10 minutes"),
        "REGISTER_LIMIT_PER_IP": os.environ.get("REGISTER_LIMIT_PER_IP", "20 per hour"),
        "JOIN_LIMIT_PER_IP": os.environ.get("JOIN_LIMIT_PER_IP", "20 per 10 minutes"),
        # The public page that checks a certificate's code: enough for an employer, too few
        # to try codes.
        "CHECK_LIMIT_PER_IP": os.environ.get("CHECK_LIMIT_PER_IP", "30 per 10 minutes"),
        # A workshop earns a certificate for whoever was present for at least this share of
        # its minutes, once every list is signed (portal.certificates.services).
        "WORKSHOP_COMPLETION_PERCENT": int(os.environ.get("WORKSHOP_COMPLETION_PERCENT", "75")),
        "MIN_SELF_REGISTRATION_AGE": int(os.environ.get("MIN_SELF_REGISTRATION_AGE", "15")),
        "PRIVACY_NOTICE_VERSION": os.environ.get("PRIVACY_NOTICE_VERSION", "2026-11"),
        # argon2id as OWASP's password storage cheat sheet sets its floor (19 MiB, 2 passes,
        # 1 lane): about 19 ms of CPU a login here, against 134 ms for argon2-cffi's default
        # (64 MiB, 3 passes, 4 lanes), so two cores let a café's people in after an SMS
        # (bench/README.md, "The peak"). Hashes made with other settings are redone at login.
        "ARGON2_PARAMETERS": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
        "RESET_CODE_HOURS": 24,
        # Codes sent by SMS (a phone number to confirm, a new password): minutes they work,
        # wrong tries each, codes a person may get an hour, and asks per IP address.
        "PHONE_CODE_MINUTES": 10,
        "PHONE_CODE_TRIES": 5,
        "PHONE_CODES_PER_HOUR": int(os.environ.get("PHONE_CODES_PER_HOUR", "3")),
        "SMS_CODE_LIMIT_PER_IP": os.environ.get("SMS_CODE_LIMIT_PER_IP", "10 per hour"),
        "RESET_LINK_HOURS": 2,
        "INVITATION_DAYS": 14,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_STARTTLS": os.environ.get("MAIL_STARTTLS", "") == "1",
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Bro <no-reply@localhost>"),
        # Links in e-mails and messages are built from this, never from a request's Host.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "" if production else DEVELOPMENT_URL),
        # Web push: the VAPID key (see _vapid_private_key) and who push services may contact
        # about Bro's notices (a mailto: or https: address; PUBLIC_URL or MAIL_SENDER when
        # not set).
        "VAPID_PRIVATE_KEY": _vapid_private_key(production),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", ""),
        # Number of trusted proxies in front (for the client IP used by rate limits).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # SMS (portal.notify.sms): the provider ("" = no SMS; log, 46elks, gatewayapi), its
        # credentials, the sender name where a meeting place has none of its own, and the
        # secret in the address the provider posts delivery reports to. SMS_API_URL: another
        # address for the provider's API (a test server); empty for the provider's own.
        "SMS_PROVIDER": os.environ.get("SMS_PROVIDER", "").strip().lower(),
        "SMS_API_URL": os.environ.get("SMS_API_URL", ""),
        "SMS_API_USERNAME": os.environ.get("SMS_API_USERNAME", ""),
        "SMS_API_PASSWORD": os.environ.get("SMS_API_PASSWORD", ""),
        "SMS_API_TOKEN": os.environ.get("SMS_API_TOKEN", ""),
        "SMS_SENDER": os.environ.get("SMS_SENDER", "Bro"),
        "SMS_REPORT_SECRET": os.environ.get("SMS_REPORT_SECRET", ""),
        # The delivery worker (`flask worker`): how often an idle worker looks for messages,
        # how often and how far apart it tries one, and when a claim counts as abandoned (a
        # worker stopped mid-send; longer than any send takes).
        "WORKER_POLL_SECONDS": float(os.environ.get("WORKER_POLL_SECONDS", "1.5")),
        # How often a worker runs the features' jobs that queue messages (reminders).
        "WORKER_JOB_SECONDS": float(os.environ.get("WORKER_JOB_SECONDS", "60")),
        "DELIVERY_MAX_ATTEMPTS": int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "6")),
        "DELIVERY_RETRY_SECONDS": int(os.environ.get("DELIVERY_RETRY_SECONDS", "60")),
        "DELIVERY_RETRY_MAX_SECONDS": int(os.environ.get("DELIVERY_RETRY_MAX_SECONDS", "3600")),
        "DELIVERY_CLAIM_TIMEOUT_SECONDS": int(
            os.environ.get("DELIVERY_CLAIM_TIMEOUT_SECONDS", "300")),
        # Meetings: how soon a free time can be booked, until when participants change or
        # cancel online, how many coming meetings one person may hold, reminder hours.
        "MEETING_MIN_NOTICE_MINUTES": int(os.environ.get("MEETING_MIN_NOTICE_MINUTES", "60")),
        "MEETING_CHANGE_CUTOFF_HOURS": int(os.environ.get("MEETING_CHANGE_CUTOFF_HOURS", "2")),
        "MEETING_MAX_UPCOMING": int(os.environ.get("MEETING_MAX_UPCOMING", "3")),
        "MEETING_REMINDER_HOURS": os.environ.get("MEETING_REMINDER_HOURS", "24,2"),
        # Reports show counts from 1 to REPORT_SMALL_CELL - 1 as "<5" (nobody singled out).
        "REPORT_SMALL_CELL": int(os.environ.get("REPORT_SMALL_CELL", "5")),
        # Retention: participants inactive this long are warned, then erased after the grace.
        "RETENTION_INACTIVE_DAYS": int(os.environ.get("RETENTION_INACTIVE_DAYS", "730")),
        "RETENTION_WARNING_DAYS": int(os.environ.get("RETENTION_WARNING_DAYS", "30")),
        # One JSON line per request, without personal data (on by default in production).
        "REQUEST_LOG": os.environ.get("REQUEST_LOG", "1" if production else "0") == "1",
        # Catalogs a native speaker has read through (comma-separated codes): the language
        # menu marks every other one as a test version, in its own language.
        "REVIEWED_LANGUAGES": frozenset(
            code.strip() for code in os.environ.get("REVIEWED_LANGUAGES", "").split(",")
            if code.strip()),
        "SEND_FILE_MAX_AGE_DEFAULT": 60 * 60 * 24 * 365,  # static URLs carry a content hash
    }
    config.update(overrides or {})
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(production)
    if not config["VAPID_SUBJECT"]:  # push services accept an https: or mailto: address
        https = config["PUBLIC_URL"].startswith("https://")
        config["VAPID_SUBJECT"] = config["PUBLIC_URL"] if https else (
            "mailto:" + parseaddr(config["MAIL_SENDER"])[1])
    if production and not config["PUBLIC_URL"].startswith("https://"):
        raise RuntimeError("BRO_ENV=production needs PUBLIC_URL, the https:// address people "
                           "use, e.g. https://bro.example.no (links in e-mails use it)")
    if config["SMS_PROVIDER"] not in ("", "log", "46elks", "gatewayapi"):
        raise RuntimeError(f"SMS_PROVIDER={config['SMS_PROVIDER']!r} is not one Bro knows: "
                           f"leave it empty, or use log, 46elks or gatewayapi")
    if production and config.get("TRUSTED_HOSTS") is None:
        # Requests for any other host name are refused (400): a forged Host header can't
        # reach Bro's pages, and no link is ever built from one.
        extra = os.environ.get("TRUSTED_HOSTS", "")
        config["TRUSTED_HOSTS"] = [urlsplit(config["PUBLIC_URL"]).hostname,
                                   *filter(None, (h.strip() for h in extra.split(",")))]
    return config

