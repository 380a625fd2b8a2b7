"""The product's settings with one more URL, `/bench/bare/` (bare_urls.py): a bare Django
view behind the same middleware, the reference `bench/pages.py` measures every page against."""

from ldn_tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bare_urls"
