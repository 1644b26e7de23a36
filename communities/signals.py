"""Signals other apps listen to, so communities never imports the apps above it."""

from django.dispatch import Signal

# Sent after a roster file with full mobile numbers has been built for download, with
# community, user, file_format ("csv" / "xlsx") and row_count. The audit app logs it.
roster_exported_with_full_phones = Signal()
