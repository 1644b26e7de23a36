"""Settings for `make run` on a developer's or a community office's own machine."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
