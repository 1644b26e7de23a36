"""Settings for `make run` on a developer's or a community office's own machine."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
# The embedded default serves a community office's own network: any host name is fine.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
