"""E-mail over SMTP, and the e-mail channel (registered by notify.hooks). With no MAIL_SERVER
configured, e-mail is skipped."""

import smtplib
from email.message import EmailMessage

from flask import current_app, render_template

from portal.i18n import force_locale
from portal.notify import services
from portal.notify.channels import Receipt, Recipient, Refused, Sender, Skip
from portal.notify.models import Delivery, Notification


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


def send(delivery: Delivery, notification: Notification, user: Recipient) -> Receipt:
    """One notification by e-mail, written in the recipient's language now."""
    if not mail_configured():
        raise Skip("e-mail is not configured")
    if not user.email:
        raise Skip("no e-mail address")
    with force_locale(user.language):
        subject = services.subject(notification)
        text = render_template("email/notification.txt", user=user,
                               body=services.body(notification))
    try:
        send_mail(user.email, subject, text)
    except smtplib.SMTPRecipientsRefused:
        raise Refused("the mail server refused the address") from None
    return Receipt()


def reaches(people: list[Recipient]) -> set[int]:
    return {person.id for person in people if person.email}


SENDER = Sender(send=send, reaches=reaches, configured=mail_configured)
