"""The second layer under the red team: every must-ask command of the red-team set, run for real
in the sandbox as if the classifier had wrongly approved it, in a canary home.

The classifier decides when to ask; the sandbox must make its mistakes harmless. Each case runs
with the auto-approved scope (scratch only): no secret may be printed, no file in the home or in
Hearth's home may change, and no connection may reach the loopback listener or the agent socket.
The wrappers multiply the same programs, so each family runs once, unwrapped. The everyday commands
that do run unasked (the "harmless" family) run the same way: the canary never appears, the key is
never printed, nothing changes and no connection is made.
"""

from __future__ import annotations

import pytest

from app.policy.sandbox import detect
from app.policy.sandbox.canary import sweep
from tests.policy import redteam_cases as rc

pytestmark = pytest.mark.skipif(detect.probe().backend is None,
                                reason=f"no sandbox runs here: {detect.probe().why}")

FAMILIES = ("credential read (plain)", "credential read, hidden", "login persistence (plain)", "GTFOBins options",
            "git code/config", "home destruction (plain)", "anchors bypasses", "harmless")


@pytest.mark.parametrize("family", FAMILIES)
def test_must_ask_commands_do_no_harm_in_the_sandbox(family: str) -> None:
    cases = [c.command for c in rc.all_cases() if c.family == family]
    assert cases, f"the red-team set has no {family!r} family"
    harmful = sweep(cases)
    assert harmful == [], [(o.command, o.secrets_printed, o.touched, o.connection_seen) for o in harmful[:10]]
