"""One generic sandbox for every provider: described on the spec, built only when first used.

A server started with `--sandbox` must not pay for importing and seeding four simulators before a
call needs one; a test still gets the very state it passed, or the seeded one, on first read.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pkgutil import resolve_name

import pytest

from betaops.core.http import ProviderClient
from betaops.core.provider import ProviderSpec
from betaops.providers import PROVIDERS
from betaops.settings import Settings
from tests.core.test_add_a_provider import TOY

pytestmark = pytest.mark.anyio
SPECS = [*PROVIDERS.values(), TOY]


def test_starting_a_sandbox_server_imports_no_simulator_until_a_call_needs_one() -> None:
    script = textwrap.dedent(
        """
        import sys, anyio
        from betaops.server.runtime import connect
        from betaops.settings import Settings

        def loaded():
            return sorted({m.split(".")[2] for m in sys.modules if m.startswith("betaops.providers.") and ".simulator" in m})

        connections = connect(Settings(_env_file=None), sandbox=True)
        print(loaded())

        async def first_call():
            conn = connections["betasend"]
            op = next(o for o in conn.spec.operations if o.name == "get_list_statistics")
            await conn.client.call(op, op.params.model_validate({"list_id": 1}))
            await conn.aclose()

        anyio.run(first_call)
        print(loaded())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "['betasend']"], out


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_simulator_reference_resolves(spec: ProviderSpec) -> None:
    refs = [spec.simulator.app, spec.simulator.state, *([spec.simulator.config] if spec.simulator.config else [])]
    assert all(callable(resolve_name(ref)) for ref in refs), refs


async def test_the_sandbox_serves_the_state_a_test_passed_or_the_seed_it_built() -> None:
    mine = ["me@example.com"]
    passed = TOY.sandbox(Settings(_env_file=None), state=mine)
    seeded = TOY.sandbox(Settings(_env_file=None))
    seeded.state.append("new@example.com")  # read before any request: the app then serves this state
    op = next(o for o in TOY.operations if o.name == "list_members")
    for box, expected in ((passed, ["me@example.com"]), (seeded, ["old@example.com", "new@example.com"])):
        client = ProviderClient(box.config, transport=box.transport)
        reply = await client.call(op, op.params())
        await client.aclose()
        assert [m["email"] for m in reply.data] == expected
    assert passed.state is mine
