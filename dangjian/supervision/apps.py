from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "dangjian.supervision"
    verbose_name = "督查"

    def ready(self) -> None:
        from . import config, photos, reviewing, triggers

        config.current()  # a malformed thresholds file stops the start, not the nightly run
        triggers.connect()
        reviewing.connect()  # every saved text of the minutes is kept
        reviewing.queue_settings()
        photos.connect()  # the EXIF day of each uploaded photo
