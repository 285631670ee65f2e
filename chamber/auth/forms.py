"""Sign-in and password forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from chamber.auth.passwords import MAX_LENGTH, password_problem, verify_password
from chamber.forms import ChamberForm


class LoginForm(ChamberForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me signed in on this device (12 hours)")
    next = HiddenField()


class NewPasswordMixin:
    """A new password entered twice, checked against the password rules."""

    password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    email_for_check = ""

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", email=self.email_for_check)
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(NewPasswordMixin, ChamberForm):
    """Used by invitations and password resets."""


class ChangePasswordForm(NewPasswordMixin, ChamberForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    current_hash: str | None = None  # the member's stored hash, set by the view

    def validate_current_password(self, field) -> None:
        # Slow (scrypt): the view validates with no write transaction open.
        if not verify_password(self.current_hash, field.data or ""):
            raise ValidationError("Your current password is not right.")


class ForgotPasswordForm(ChamberForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])


class TwoFactorCodeForm(ChamberForm):
    """The second step of signing in."""

    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired(), Length(max=40)],
    )


class EnableTwoFactorForm(ChamberForm):
    code = StringField(
        "The 6-digit code your app shows now", validators=[DataRequired(), Length(max=10)]
    )


class ReauthenticateForm(ChamberForm):
    """Confirming it is you before changing how you sign in."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField("Code from your authenticator app", validators=[Length(max=40)])
    next = HiddenField()
