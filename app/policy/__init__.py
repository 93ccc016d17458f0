"""Risk policy: deterministic tiers, the shell classifier, path resolution, taint and the approval gate."""
