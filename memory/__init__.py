"""Hearth's personal memory: the user's life context in a local Chroma store.

Use :func:`memory.api.open_memory`; see ``memory/README.md`` for the design notes.
"""
