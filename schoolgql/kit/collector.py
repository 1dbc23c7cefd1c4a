"""Garbage collector settings for a long-running server process.

The process keeps about 130,000 objects from start-up (modules, the
schema, the app). With CPython's default thresholds (700, 10, 10), every
full collection walked them again, many times per roster query.
gc.freeze() moves them to a permanent generation that collections skip.

Young collections keep CPython's default threshold. A threshold of 10,000
saved CPU while each roster built ORM entities in reference cycles. Rosters
are now read as tuples, and the higher threshold only raised peak RSS under
eight concurrent rosters, from about 123 to 157 MiB, with no measurable
change in CPU per request (benchmarks/RESULTS.md has the runs).
"""

import gc

# CPython's default: a young collection after 700 more allocations than
# frees of container objects.
YOUNG_THRESHOLD = 700
# A low middle threshold frees the cyclic garbage of finished requests
# soon: peak RSS under the roster load was about 4 MiB lower than with 10.
MIDDLE_THRESHOLD = 2
OLD_THRESHOLD = 10


def tune_for_serving() -> None:
    """Exempt start-up objects from collection.

    Call it once the app is built: gc.freeze() moves every object alive at
    that point (modules, the schema, the app) to a permanent generation
    that later collections skip.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
