"""Issuing reports: numbering under one lock, the record of issued reports, what each was built
from, per-area batches, and publishing the issued reports to a folder."""
