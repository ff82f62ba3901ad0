"""Every table Brewline keeps: each capability's models, gathered on the one Base.

Alembic compares this metadata with the database, and erasure walks it for every column
that can hold a person's data, so every process imports it (brewline/wiring.py) before
anything runs.
"""
from __future__ import annotations

from brewline.calls import models as calls  # noqa: F401  (each import adds its tables)
from brewline.delivery import models as delivery  # noqa: F401
from brewline.events import models as events  # noqa: F401
from brewline.live import models as live  # noqa: F401
from brewline.organiser import models as organiser  # noqa: F401
from brewline.people import models as people  # noqa: F401
from brewline.platform.database import Base
from brewline.privacy import models as privacy  # noqa: F401
from brewline.themes import models as themes  # noqa: F401
from brewline.surveys import models as surveys  # noqa: F401
from brewline.vouchers import models as vouchers  # noqa: F401

metadata = Base.metadata
