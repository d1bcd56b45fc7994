"""Related articles: computed once per build, rendered by overrides/partials/related.html."""
from __future__ import annotations

import guide.state  # noqa: F401  (imported at load time: MkDocs puts hooks/ on sys.path only then)
