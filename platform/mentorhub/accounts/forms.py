from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as FieldError

from ..errors import ValidationError
from ..forms import options
from ..timeutil import all_zones
from .queries import normalize_email


def account_email(form, field) -> None:
    """The service's own address check, so every email field follows EMAIL_ALLOW_TEST_DOMAINS
    (WTForms' Email() always refuses the reserved ``.test`` domain)."""
    try:
        normalize_email(field.data)
    except ValidationError:
        raise FieldError("Invalid email address.") from None


class RegisterForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254), account_email])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)],
                             description="At least 12 characters; a few unrelated words work well.")
    timezone = HiddenField(default="UTC")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    remember = BooleanField("Remember me on this device")
    next = HiddenField()


class SettingsForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    timezone = SelectField("Time zone", validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = options((z, z) for z in all_zones())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    password = PasswordField("New password", validators=[DataRequired(), Length(max=256)])


class ChangeEmailForm(FlaskForm):
    email = EmailField("New email", validators=[DataRequired(), Length(max=254), account_email])
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=256)])


class LinkLoginForm(FlaskForm):
    """Link a GitHub or OpenID Connect sign-in to an existing account: its email and password."""

    email = EmailField("Email of your mentorhub account", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class LinkConfirmForm(FlaskForm):
    """Link a sign-in to the account you are signed in to: your password again."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])
