"""Static files are served compressed: ``collectstatic`` writes each file with a content hash
in its name and a gzip and a Brotli copy beside it (WhiteNoise's
CompressedManifestStaticFilesStorage; Brotli needs the ``brotli`` package), and WhiteNoise sends
the smallest copy the browser accepts (``Accept-Encoding``), with a year of caching for the
hashed names.

Compressing everything takes a while (the vendored chart script and the API documentation
bundles are megabytes), so the demo and the test suite collect only when a source file is
newer than the last collection.
"""

from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

MANIFEST = "staticfiles.json"


def static_sources_newest() -> float:
    """The latest modification time of any file the static finders find."""
    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return newest


def static_collect_if_stale(*, stdout: TextIO | None = None) -> bool:
    """Run ``collectstatic`` unless STATIC_ROOT's manifest is newer than every source file.

    Returns whether it ran.
    """
    manifest = Path(settings.STATIC_ROOT) / MANIFEST
    if manifest.exists() and manifest.stat().st_mtime >= static_sources_newest():
        return False
    call_command("collectstatic", interactive=False, verbosity=0, stdout=stdout)
    return True
