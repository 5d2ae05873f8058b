"""The backup file format: Django's JSON fixtures with timestamps to the microsecond.

Django's JSON encoder cuts datetimes to milliseconds, so a restore would not give back the same
timestamps (audit times, history dates). This format is read by the stock JSON deserializer.
"""
import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401  (the format's reader)
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as JSONSerializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
