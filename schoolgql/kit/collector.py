"""Garbage collector settings for a long-running server process.

A request builds thousands of short-lived objects in reference cycles (ORM
instances and their states, loader futures), so with CPython's default
thresholds (700, 10, 10) the collector runs about 90 times per roster query
of 1,000 enrollments and repeatedly walks every object the process keeps
from start-up. benchmarks/RESULTS.md has the measurements.
"""

import gc

# Young collections run after this many more allocations than frees of
# container objects; CPython's default is 700.
YOUNG_THRESHOLD = 10_000
# A low middle threshold frees the cyclic garbage of finished requests soon,
# which keeps peak RSS near what the default thresholds give.
MIDDLE_THRESHOLD = 2
OLD_THRESHOLD = 10


def tune_for_serving() -> None:
    """Exempt start-up objects from collection, and collect less often.

    Call it once the app is built: gc.freeze() moves every object alive at
    that point (modules, the schema, the app) to a permanent generation
    that later collections skip.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
