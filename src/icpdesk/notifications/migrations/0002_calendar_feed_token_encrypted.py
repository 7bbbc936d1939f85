"""The calendar feed's secret is kept encrypted, and matched by its SHA-256."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations, models

import icpdesk.crypto


def _encrypt_and_hash(apps: Any, schema_editor: Any) -> None:
    feeds = apps.get_model("notifications", "CalendarFeed")
    for feed in feeds.objects.all().iterator():
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.secret = feed.token
        feed.save(update_fields=["token_hash", "secret"])


def _back(apps: Any, schema_editor: Any) -> None:
    feeds = apps.get_model("notifications", "CalendarFeed")
    for feed in feeds.objects.all().iterator():
        feed.token = feed.secret
        feed.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="calendarfeed",
            name="secret",
            field=icpdesk.crypto.EncryptedTextField(default=""),
        ),
        migrations.RunPython(_encrypt_and_hash, _back),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.RenameField(model_name="calendarfeed", old_name="secret", new_name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
