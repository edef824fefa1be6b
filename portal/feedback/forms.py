"""The one question after a session or a meeting: a face, and two optional lines."""

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.feedback.models import FACE_NAMES, FACES
from portal.forms import BaseForm
from portal.i18n import _l

LONGEST = 1000  # as the columns


class FeedbackForm(BaseForm):
    # Checked below, so that one plain message covers "nothing chosen" and "no such face".
    face = RadioField(_l("How was it?"), validate_choice=False,
                      choices=[SelectChoice(face.value, FACE_NAMES[face]) for face in FACES])
    comment = TextAreaField(_l("Do you want to say more? (you can skip this)"), [
        Optional(), Length(max=LONGEST, message=_l("Use at most %(max)d characters."))])
    change = TextAreaField(_l("What should we change? (you can skip this)"), [
        Optional(), Length(max=LONGEST, message=_l("Use at most %(max)d characters."))])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.face.data not in {face.value for face in FACES}:
            self.face.errors = [_l("Choose a face, or press “Not now”.")]
            return False
        return True
