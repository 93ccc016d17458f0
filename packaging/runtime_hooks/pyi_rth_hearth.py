"""Runs first inside the frozen bundle: keep the bundle's own defaults private and offline.

Chroma's product telemetry stays off unless the user explicitly turned it on. Nothing here
touches the user's environment outside this process.
"""

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
