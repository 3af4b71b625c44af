"""Imported by Python at startup when this folder is on PYTHONPATH: moves the process's wall
clock (time.time) by $FAULT_CLOCK_OFFSET_SECONDS, so a worker can live just before the portal's
midnight (the DAILY park scenario). libfaketime would do it too, but librdkafka hangs under it."""

import os
import time

_OFFSET_SECONDS = float(os.environ.get("FAULT_CLOCK_OFFSET_SECONDS", "0"))
if _OFFSET_SECONDS:
    _real_time, _real_time_ns = time.time, time.time_ns
    time.time = lambda: _real_time() + _OFFSET_SECONDS
    time.time_ns = lambda: _real_time_ns() + int(_OFFSET_SECONDS * 1e9)
