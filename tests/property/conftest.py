"""The standing adversarial suites: Hypothesis properties of what outsiders type or write.

Each suite keeps its example count modest (``max_examples`` 100–500, no deadline) so the tier runs
in well under a minute; raise ``HYPOTHESIS_PROFILE=deep`` for a longer hunt.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("standing", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", deadline=None, max_examples=5000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "standing"))
