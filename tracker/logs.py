"""Logging to stdout, one line per event (JSON in production, for whatever collects it).

Sends, failures, scheduled runs and conflicts log with `extra={"event": …}` and plain
values; the formatter keeps them as fields. A client's bad request is one line without a
traceback: it is the client's fault, and 76 KB of tracebacks per request helps nobody."""

from __future__ import annotations

import json
import logging
from typing import Any

# Attributes every LogRecord has; anything else came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _is_client_error(record: logging.LogRecord) -> bool:
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        return status < 500
    return record.name.startswith("django.security")


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and _is_client_error(record):
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                out[key] = (
                    value if isinstance(value, (int, float, bool, type(None))) else str(value)
                )
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)  # escaped: still one line
        return json.dumps(out, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the message and its fields on one line."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{key}={value}"
            for key, value in vars(record).items()
            if key not in _STANDARD and not key.startswith("_") and key != "request"
        )
        line = f"{record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line}  {fields}" if fields else line
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
