"""Answers the user can trust: every specific checked against its sources, quotes when it is not."""
