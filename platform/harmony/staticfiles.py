"""Static files as users get them: content-hashed names, gzip and brotli (WhiteNoise)."""

import logging

from django.conf import settings
from django.contrib.staticfiles.apps import StaticFilesConfig
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class HarmonyStaticFilesConfig(StaticFilesConfig):
    """Leave out of collectstatic what no page loads (source maps, Sass sources, Trix's test
    and inspector bundles): hashing and compressing them doubled the time of `make run`."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "*.map",
        "*.scss",
        "test.js",
        "inspector.js",
    ]


class HarmonyStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Collect KRDS although its CSS names a few images the npm package does not ship.

    ``krds-uiux`` points ``component.css`` at ``../img/img/…`` paths that do not exist (they
    404 upstream too), and bundles name the source maps left out above. Such a reference
    inside a CSS or JS file is left as written instead of aborting collectstatic;
    ``{% static %}`` in our templates stays strict (a missing file still fails).

    Every page names the same dozen files: their URLs are worked out once per process (the
    manifest is read when the storage is made and does not change under a running server)
    instead of on every ``{% static %}`` of every response (a tenth of a kept page's CPU)."""

    def __init__(self, *args, **kwargs):
        self._urls: dict[str, str] = {}
        super().__init__(*args, **kwargs)

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name, force)
            return url

    def post_process(self, *args, **kwargs):
        self._urls.clear()  # collectstatic has hashed the files afresh
        yield from super().post_process(*args, **kwargs)

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError as error:
                logger.debug("static file reference left unhashed: %s", error)
                return matchobj.group(0)

        return converter
