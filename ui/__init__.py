"""Hearth's desktop app: the only Qt code. It consumes the core's events through one bridge
(:mod:`ui.bridge`) and runs every blocking call off the GUI thread (:mod:`ui.worker`)."""
