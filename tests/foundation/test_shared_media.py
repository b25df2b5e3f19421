"""Several app servers: S3_BUCKET puts the uploads in shared object storage, private, never overwritten."""

import json
import os
import subprocess
import sys

from django.conf import settings


def storages_with(**env) -> dict:
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['default']))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dangjian.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_without_a_bucket_uploads_stay_on_the_local_disk():
    assert storages_with(S3_BUCKET="")["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_gives_private_s3_storage_that_never_overwrites():
    from django.core.files.storage import storages

    config = storages_with(S3_BUCKET="dangjian-media", S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "dangjian-media" and options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    # The backend is installed and takes these options (no request is made until a file is written).
    storage = storages.create_storage(config)
    assert storage.bucket_name == "dangjian-media" and not storage.file_overwrite
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
