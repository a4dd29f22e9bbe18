"""Backups read and write uploaded files and archives: give each test its own folders."""

import pytest
from django.core.files.storage import default_storage
from django.utils.functional import empty


def _forget_media_root() -> None:
    """django-tenants' storage caches the first MEDIA_ROOT it sees and ignores later
    changes (its setting_changed handler passes the wrong argument): drop that cache."""
    if default_storage._wrapped is not empty:
        vars(default_storage._wrapped).pop("relative_media_root", None)


@pytest.fixture
def backup_folders(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HARMONY_BACKUP_DIR = tmp_path / "backups"
    _forget_media_root()
    yield
    _forget_media_root()
