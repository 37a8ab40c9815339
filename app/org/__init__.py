"""org: units, institutions, classrooms, teachers, the national catalog, holidays,
users and roles (SPEC §1, §2)."""
from app.org import (
    rules,  # noqa: F401  (registers the catalog's validators in app.core.validation)
)
