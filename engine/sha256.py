"""sha256: SHA-256 and HMAC-SHA256 for the engine, without importing hashlib where it need not.

    sha256(data).hexdigest()          # hashlib.sha256(data).hexdigest()
    hmac_sha256(key, message)         # hmac.new(key, message, hashlib.sha256).digest()
    compare_digest(a, b)              # hmac.compare_digest(a, b)

The engine hashes with SHA-256 only: the digests of rulesets and traces, the cache's keys and
its signatures. Importing hashlib sets up OpenSSL's dozen algorithms (hmac imports it too),
about 3 ms of every `verdict eval`, as much as its cached load of the rules. CPython has its
own SHA-256 (the `_sha256` module; `_sha2` from 3.12), which gives the same digests: it is used
where it exists, hashlib's where it does not. HMAC is RFC 2104, as the hmac module computes it
for a hash it has no OpenSSL HMAC for (hmac.HMAC._init_old): a key longer than the block is
hashed first, then padded with zeros to the block; inner = H(key ^ ipad || message), outer =
H(key ^ opad || inner). tests/test_sha256.py holds all three to hashlib's and hmac's.

CPython's own is 4 to 5× slower than OpenSSL's (which uses the processor's SHA instructions):
about 3 ms a MiB more, as much as hashlib's import. So past LARGE bytes (the `size` a caller
says it will hash, else the data's length), or once hashlib is imported anyway (by the parser,
say), OpenSSL's is used, through hashlib and hmac: the same digests, sooner.
"""
from __future__ import annotations

import sys
from typing import Optional

try:
    from _sha256 import sha256 as _own
except ImportError:  # Python 3.12 and later
    try:
        from _sha2 import sha256 as _own
    except ImportError:  # a Python built without its own: OpenSSL's, through hashlib
        _own = None

from _operator import _compare_digest as compare_digest  # what hmac.compare_digest is

BLOCK = 64  # SHA-256's block, in bytes
LARGE = 2 ** 20  # bytes past which OpenSSL's SHA-256 repays the import of hashlib
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))


def _openssl(size: int) -> bool:
    return _own is None or size > LARGE or "hashlib" in sys.modules


def sha256(data: bytes = b"", size: Optional[int] = None):
    """hashlib.sha256(data): a SHA-256 object (update, digest, hexdigest). `size`: the bytes it
    will hash in all, when more will be given to `update` (else the length of `data`)."""
    if _openssl(len(data) if size is None else size):
        import hashlib
        return hashlib.sha256(data)
    return _own(data)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """The HMAC-SHA256 of `message` under `key`: hmac.new(key, message, hashlib.sha256).digest()."""
    if _openssl(len(message)):
        import hashlib
        import hmac
        return hmac.new(key, message, hashlib.sha256).digest()
    return rfc2104(key, message)


def rfc2104(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 with CPython's own SHA-256 (what hmac_sha256 computes for a short message)."""
    if len(key) > BLOCK:
        key = _own(key).digest()
    key = key.ljust(BLOCK, b"\0")
    inner = _own(key.translate(_INNER_PAD))
    inner.update(message)
    outer = _own(key.translate(_OUTER_PAD))
    outer.update(inner.digest())
    return outer.digest()
