"""Cache policy of the grade aggregates: per viewer, invalidated by any grade write."""

from schoolgql.graphql.cache import CachedField
from schoolgql.kit.fieldcache import invalidate_on_change
from schoolgql.models import Assessment, Enrollment, Grade

GRADES_TAG = "grades"

# Private scope: a teacher's figures include draft grades and a student's
# do not, so each viewer has entries of their own.
GRADE_FIGURES_CACHE = CachedField(
    ttl_seconds=300, scope="private", tags=lambda source, arguments: [GRADES_TAG]
)

invalidate_on_change(Grade, GRADES_TAG)
invalidate_on_change(Assessment, GRADES_TAG)
invalidate_on_change(Enrollment, GRADES_TAG)
