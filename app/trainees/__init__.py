"""trainees: the identity registry, trainees, enrollments, photos, registration
states, the district's inquiry, GM's identity operations (SPEC §6)."""
from app.trainees import (
    enrollment,  # noqa: F401  (adds its capacity check to course approval)
)
