"""engine/sha256: the engine's SHA-256 and HMAC-SHA256 are hashlib's and hmac's, byte for byte."""
from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sha256 import compare_digest, hmac_sha256, sha256


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=2000))
def test_the_digests_and_signatures_are_hashlibs_and_hmacs(key, message):
    assert sha256(message).hexdigest() == hashlib.sha256(message).hexdigest()
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).digest()


def test_keys_at_the_edges_of_the_block_and_the_digests_comparison():
    for size in (0, 1, 31, 32, 63, 64, 65, 128, 1000):  # a key longer than the block is hashed first
        key = bytes(range(256))[:size] * (1 + size // 256)
        assert hmac_sha256(key[:size], b"body") == hmac.new(key[:size], b"body", hashlib.sha256).digest()
    # RFC 4231, test case 2
    assert hmac_sha256(b"Jefe", b"what do ya want for nothing?").hex() == \
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    digest = sha256(b"a")
    digest.update(b"bc")
    assert digest.hexdigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    assert compare_digest(b"same", b"same") and not compare_digest(b"same", b"sane")


def test_importing_it_imports_neither_hashlib_nor_hmac():
    program = "import sys\nimport engine.sha256\nsys.stderr.write(repr(sorted({'hashlib', 'hmac', '_hashlib'} & set(sys.modules))))"
    done = subprocess.run([sys.executable, "-S", "-c", program], capture_output=True, text=True,
                          env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parent.parent)})
    assert done.stderr == "[]"
