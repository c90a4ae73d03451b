"""One JSON object per line on stdout: easy to grep, easy for log shippers.

The app (settings.LOGGING) and gunicorn (gunicorn.conf.py's logconfig_dict) share this formatter,
so the proxy-facing server logs look like the app's.
"""

from __future__ import annotations

import datetime as dt
import json
import logging


def _access_fields(atoms) -> dict:
    """gunicorn passes its access-log atoms as the record's args: keep the useful ones as fields."""
    fields = {"remote": atoms["h"], "method": atoms["m"], "path": atoms["U"], "status": atoms["s"], "bytes": atoms["B"], "ms": atoms["M"]}
    if atoms["q"] not in ("", "-"):
        fields["query"] = atoms["q"]
    for key in ("status", "ms"):
        try:
            fields[key] = int(fields[key])
        except (TypeError, ValueError):
            pass
    return fields


class OneLineJSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            try:
                payload.update(_access_fields(record.args))
            except KeyError:  # another access_log_format's atoms: the message alone still says it
                pass
        status = getattr(record, "status_code", None)
        if status is not None:
            payload["status"] = status
        if record.exc_info:
            # Keep the traceback on one line too.
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
