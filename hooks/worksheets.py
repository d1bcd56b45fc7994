"""Worksheets: forms rendered from their front-matter spec, and the boxes that link to them."""
from __future__ import annotations

import guide.state  # noqa: F401  (imported at load time: MkDocs puts hooks/ on sys.path only then)
