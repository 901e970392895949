"""Where a service's pods find their files from Secrets: the one folder, and its TLS certificate.

Each service has a certificate of its own (`<service>-tls`, blueprints/certificates.py), mounted
read-only into its own pods only, at `TLS_DIR`: `tls.crt` and `tls.key` (what it serves with) and
`ca.crt`, the internal issuer's CA, which cert-manager writes into every Secret a CA issuer signs.
The databases' certificates come from that issuer too, so `CA_FILE` is what every client verifies
every server with (`<env>-config`: `postgres_sslrootcert`, `mongodb_tls_ca_file`, ...).
"""

from __future__ import annotations

MOUNT_ROOT = "/var/run/secrets/therapeutic-ai"
TLS_DIR = f"{MOUNT_ROOT}/tls"
CA_FILE = f"{TLS_DIR}/ca.crt"
TLS_VOLUME = "tls"


def service_certificate(service: str) -> str:
    """The Certificate, and its Secret, of one service."""
    return f"{service}-tls"
