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
"""
from __future__ import annotations

try:
    from _sha256 import sha256
except ImportError:  # Python 3.12 and later
    try:
        from _sha2 import sha256
    except ImportError:  # a Python built without its own: OpenSSL's, through hashlib
        from hashlib import sha256

from _operator import _compare_digest as compare_digest  # what hmac.compare_digest is

BLOCK = 64  # SHA-256's block, in bytes
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """The HMAC-SHA256 of `message` under `key`: hmac.new(key, message, hashlib.sha256).digest()."""
    if len(key) > BLOCK:
        key = sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    inner = sha256(key.translate(_INNER_PAD))
    inner.update(message)
    outer = sha256(key.translate(_OUTER_PAD))
    outer.update(inner.digest())
    return outer.digest()
