"""The OS sandbox under every command Hearth runs: bubblewrap on Linux, Seatbelt on macOS.

A command that runs without asking may read (but not the secret stores), write only a scratch folder,
and reach no network. An approved command gets exactly the scope its approval panel showed.
Where no sandbox works, nothing runs without asking (see :func:`unboxed_reason`).
"""

from app.policy.sandbox.detect import Backend, active, describe, unboxed_reason
from app.policy.sandbox.run import wrap
from app.policy.sandbox.scope import Scope, command_scope, describe_scope, prepare
from app.policy.sandbox.staging import finish

__all__ = ["Backend", "Scope", "active", "command_scope", "describe", "describe_scope", "finish", "prepare", "unboxed_reason",
           "wrap"]
