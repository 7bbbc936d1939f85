"""What the licenses app tells the apps above it, after the fact.

The licenses app sits below notifications and never imports it: it sends these
signals once the change has committed (``transaction.on_commit``), and the
notifications app connects its receivers in ``NotificationsConfig.ready()``.
"""

from __future__ import annotations

from django.dispatch import Signal

# A missed annual report lapsed the license or put its holder on the bad-record
# list: sender=License, license, consequence ("lapse" or "bad_record"), the
# notice in both languages (subject_zh, body_zh, subject_en, body_en) and key,
# which makes the notice idempotent (a re-run of the sweep tells nobody twice).
# A receiver returns how many organisations it told.
report_missed = Signal()
