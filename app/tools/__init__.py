"""Tools the agent can call: one module per family, each tool a small :class:`app.tools.base.Tool`."""
