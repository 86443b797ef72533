"""engine/sha256: the engine's SHA-256 and HMAC-SHA256 are hashlib's and hmac's, byte for byte."""
from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sha256 import LARGE, _own, compare_digest, hmac_sha256, rfc2104, sha256


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=2000))
def test_the_digests_and_signatures_are_hashlibs_and_hmacs(key, message):
    """(In this process hashlib is imported, so sha256 and hmac_sha256 are OpenSSL's: CPython's
    own and rfc2104 are held to them here, and which one serves is tested in new processes.)"""
    assert _own(message).hexdigest() == hashlib.sha256(message).hexdigest()
    assert rfc2104(key, message) == hmac.new(key, message, hashlib.sha256).digest()
    assert sha256(message).hexdigest() == hashlib.sha256(message).hexdigest()
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).digest()


def test_keys_at_the_edges_of_the_block_and_the_digests_comparison():
    for size in (0, 1, 31, 32, 63, 64, 65, 128, 1000):  # a key longer than the block is hashed first
        key = (bytes(range(256)) * 4)[:size]
        assert rfc2104(key, b"body") == hmac.new(key, b"body", hashlib.sha256).digest()
    # RFC 4231, test cases 2 and 6 (a key longer than the block)
    assert rfc2104(b"Jefe", b"what do ya want for nothing?").hex() == \
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert rfc2104(b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First").hex() == \
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    digest = _own(b"a")
    digest.update(b"bc")
    assert digest.hexdigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    assert compare_digest(b"same", b"same") and not compare_digest(b"same", b"sane")


def test_past_a_mebibyte_the_digests_are_openssls_and_the_same():
    for size in (LARGE - 1, LARGE, LARGE + 1, 3 * LARGE):
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        digest = sha256(data[:10], size=size)
        digest.update(data[10:])
        assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
        assert hmac_sha256(b"key", data) == hmac.new(b"key", data, hashlib.sha256).digest()


def imported_after(statement: str) -> str:
    program = (f"import sys\nfrom engine.sha256 import *\n{statement}\n"
               "sys.stderr.write(repr(sorted({'hashlib', 'hmac', '_hashlib'} & set(sys.modules))))")
    done = subprocess.run([sys.executable, "-S", "-c", program], capture_output=True, text=True,
                          env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    return done.stderr


def test_hashlib_and_hmac_are_imported_only_for_a_large_text():
    small = "sha256(b'rules' * 1000).hexdigest() == {!r} and hmac_sha256(b'k' * 32, b'entry' * 100_000) == {!r}".format(
        hashlib.sha256(b"rules" * 1000).hexdigest(), hmac.new(b"k" * 32, b"entry" * 100_000, hashlib.sha256).digest())
    assert imported_after(f"assert {small}") == "[]"
    assert imported_after("sha256(size=LARGE + 1)") == "['_hashlib', 'hashlib']"
    assert imported_after("hmac_sha256(b'k', bytes(LARGE + 1))") == "['_hashlib', 'hashlib', 'hmac']"
