"""A real OpenID Connect provider on loopback: panva's ``oidc-provider`` under Node.js.

The provider script and its pinned npm packages are in ``tests/services/oidc/``;
``make test`` installs them into the git-ignored ``.cache/oidc`` (``npm ci``).
:func:`oidc_provider` starts it on a free port of 127.0.0.1 with one static,
confidential client whose redirect URI is the app's ``/oauth2callback``, and
stops it on exit. Its development login form accepts any login and password:
the login typed becomes the ``sub`` and ``email`` claims.

Without Node.js or the installed packages the tests are skipped, except under
``CI=true`` where that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.server import free_port, stop_process, wait_for_url
from mapping.settings import PROJECT_ROOT

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SCRIPT = Path(__file__).with_name("oidc") / "provider.mjs"
#: Where ``make test`` installs the pinned packages of ``tests/services/oidc``.
NODE_MODULES = PROJECT_ROOT / ".cache" / "oidc" / "node_modules"
INSTALL_HINT = ("run `make .cache/oidc/.installed` (make test does): it copies "
                "tests/services/oidc/package*.json to .cache/oidc and runs `npm ci` there")


@dataclass(frozen=True)
class Provider:
    """A running provider and the one client registered with it."""

    issuer: str
    client_id: str
    client_secret: str

    @property
    def metadata_url(self) -> str:
        """The discovery document (``server_metadata_url`` in secrets.toml)."""
        return f"{self.issuer}/.well-known/openid-configuration"


def require_provider() -> None:
    """Skip (or fail under ``CI=true``) when Node.js or the provider packages are missing."""
    missing = None
    if shutil.which("node") is None:
        missing = "node (Node.js) is not installed"
    elif not (NODE_MODULES / "oidc-provider" / "package.json").exists():
        missing = f"{NODE_MODULES / 'oidc-provider'} missing: {INSTALL_HINT}"
    if missing:
        if ON_CI:
            pytest.fail(f"{missing} (the OpenID Connect tests must run under CI)")
        pytest.skip(missing)


@contextlib.contextmanager
def oidc_provider(redirect_uri: str, timeout_s: float = 60.0) -> Iterator[Provider]:
    """Start the provider for one client sending users back to *redirect_uri*."""
    require_provider()
    port = free_port()
    found = Provider(f"http://127.0.0.1:{port}", "carte-scolaire", secrets.token_urlsafe(32))
    env = {**os.environ, "OIDC_NODE_MODULES": str(NODE_MODULES), "OIDC_PORT": str(port),
           "OIDC_CLIENT_ID": found.client_id, "OIDC_CLIENT_SECRET": found.client_secret,
           "OIDC_REDIRECT_URI": redirect_uri}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(["node", str(SCRIPT)], cwd=str(SCRIPT.parent), env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_url(found.metadata_url, proc, log, "the OpenID Connect provider",
                         timeout_s, poll_s=0.2)
            yield found
        finally:
            stop_process(proc)
