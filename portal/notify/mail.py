"""E-mail over SMTP. With no MAIL_SERVER configured, e-mail is skipped (returns False)."""

import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def send_mail(to: str, subject: str, body: str) -> bool:
    config = current_app.config
    if not mail_configured():
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # no line breaks in a header
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_STARTTLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True
