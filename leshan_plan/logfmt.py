"""One line per log event, key=value, quotes and newlines escaped (tracebacks included)."""
import logging


def _quoted(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class KeyValueFormatter(logging.Formatter):
    def format(self, record):
        line = (f"time={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')}.{int(record.msecs):03d} "
                f"level={record.levelname} logger={record.name} process={record.process} "
                f"msg={_quoted(record.getMessage())}")
        if record.exc_info:
            line += f" exc={_quoted(self.formatException(record.exc_info))}"
        if getattr(record, "status_code", None) is not None:
            line += f" status={record.status_code}"
        return line
