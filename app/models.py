"""Front door to the tables: every package's models, gathered so that Alembic,
the scope mechanism and FAB see the whole schema once ``app.models`` is imported.

The tables themselves live beside the rules that use them (``app/<package>/models.py``);
import them from there in application code. Tests and scripts may import from here.
"""
from app.absences.models import *  # noqa: F401,F403
from app.core.models import *  # noqa: F401,F403
from app.core.tree import *  # noqa: F401,F403
from app.courses.models import *  # noqa: F401,F403
from app.exams.models import *  # noqa: F401,F403
from app.fees.models import *  # noqa: F401,F403
from app.org.models import *  # noqa: F401,F403
from app.trainees.models import *  # noqa: F401,F403
from app.esinav.models import *  # noqa: F401,F403
from app.reports.models import *  # noqa: F401,F403
