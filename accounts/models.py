"""The portal's user: logs in with a mainland mobile number."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_mobile, normalize_mobile, validate_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, phone: str, password: str | None, **extra):
        phone = normalize_mobile(phone)
        validate_mobile(phone)
        user = self.model(phone=phone, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra)

    def create_superuser(self, phone: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        unique=True,
        validators=[validate_mobile],
        help_text=_("11-digit mainland mobile number, used to log in."),
        error_messages={"unique": _("An account with this mobile number already exists.")},
    )
    display_name = models.CharField(_("display name"), max_length=50)
    email = models.EmailField(_("email"), blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can log into the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when a secretary resets the password; cleared when the user sets one."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # 大字版: larger text and targets on resident pages, remembered per account.
    elder_mode = models.BooleanField(_("large-text mode"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["phone"]

    def __str__(self) -> str:
        return f"{self.display_name} ({mask_mobile(self.phone)})"

    def clean(self) -> None:
        super().clean()
        self.phone = normalize_mobile(self.phone)
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)
