"""Imports every feature's models so that Base.metadata holds every table (Alembic, tests)."""
from . import (
    generations,  # noqa: F401  (match_changes)
    match_events,  # noqa: F401  (match_events)
    pagecache,  # noqa: F401  (data_version)
)
from .accounts import models as accounts_models  # noqa: F401
from .api import models as api_models  # noqa: F401
from .events import models as events_models  # noqa: F401
from .matching import models as matching_models  # noqa: F401
from .mentoring import models as mentoring_models  # noqa: F401
from .notifications import models as notifications_models  # noqa: F401
from .outcomes import models as outcomes_models  # noqa: F401
from .portfolio import models as portfolio_models  # noqa: F401
from .profiles import models as profiles_models  # noqa: F401
from .projects import models as projects_models  # noqa: F401
from .reports import models as reports_models  # noqa: F401
from .scheduler import models as scheduler_models  # noqa: F401
from .webhooks import models as webhooks_models  # noqa: F401
