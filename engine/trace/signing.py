"""signing: an auditor's proof of origin — Ed25519 signatures over a trace's canonical bytes.

The digest (trace/dumps.py) shows that a trace is whole; a signature shows who wrote it. The signer
keeps a private key (PEM, PKCS#8); anyone holding the public key checks the signature with
`verdict verify TRACE --key PUBLIC.pem`. The signature covers the same bytes as the digest.
"""
from __future__ import annotations

import base64
import hashlib
import os

import attrs

from engine.errors import Diagnostic, TraceError, VerdictError
from engine.trace.dumps import canonical_bytes

ALGORITHM = "ed25519"
_CONTEXT = b"verdict-trace\0"  # a signature over a trace can never be taken for one over something else


def _crypto():
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:  # pragma: no cover - a declared dependency
        raise VerdictError(Diagnostic("error", "usage", "signing needs the `cryptography` package")) from None
    return ed25519, serialization, InvalidSignature


def _read_key(path: str, private: bool):
    ed25519, serialization, _ = _crypto()
    what = "private key" if private else "public key"
    try:
        with open(path, "rb") as file:
            data = file.read(64 * 1024)
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"{what} {path}: {error.strerror}")) from None
    try:
        key = (serialization.load_pem_private_key(data, password=None) if private
               else serialization.load_pem_public_key(data))
    except (ValueError, TypeError):  # (cryptography's own message is about its parser, with a link)
        hint = ("make one with `verdict keygen KEY.pem`" if private else
                "give the .pub.pem file that `verdict keygen` wrote beside the private key")
        if not private and b"PRIVATE KEY-----" in data:
            problem = "a private key, not a public key"
        elif private and b"PUBLIC KEY-----" in data:
            problem = "a public key, not a private key"
            hint = "sign with the private key that `verdict keygen` wrote beside it (KEY.pem, not KEY.pub.pem)"
        else:
            problem = f"not a PEM {what}"
        raise VerdictError(Diagnostic("error", "usage", f"{what} {path}: {problem}", hint=hint)) from None
    expected = ed25519.Ed25519PrivateKey if private else ed25519.Ed25519PublicKey
    if not isinstance(key, expected):
        raise VerdictError(Diagnostic("error", "usage", f"{what} {path}: not an Ed25519 key",
                                      hint="make one with `verdict keygen KEY.pem`"))
    return key


def read_public_key(path: str):
    """The Ed25519 public key in the PEM file at `path`; a VerdictError (exit 2) naming the file
    if it cannot be read or is not one (`verdict verify` checks it before printing anything)."""
    return _read_key(path, private=False)


def _raw_public(public_key) -> bytes:
    _, serialization, _ = _crypto()
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(raw_public: bytes) -> str:
    """A short name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(raw_public).hexdigest()[:16]


def generate_key(path: str) -> tuple:
    """Write a new private key to `path` (readable by its owner only) and its public key beside
    it, `<path without .pem>.pub.pem`; return (public key path, key id)."""
    ed25519, serialization, _ = _crypto()
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    public_path = (path[:-4] if path.endswith(".pem") else path) + ".pub.pem"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise VerdictError(Diagnostic("error", "usage", f"{path} exists already; a key is never overwritten",
                                      hint="choose another file name")) from None
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"{path}: {error.strerror}")) from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    with open(public_path, "wb") as file:
        file.write(public_pem)
    return public_path, key_id(_raw_public(private.public_key()))


def _as_trace(trace, what: str) -> dict:
    """A trace as a dict, from a dict, a Verdict or the JSON text of one (read and checked as
    `engine.read_trace` reads it); anything else is refused with what to pass."""
    if isinstance(trace, dict):
        return trace
    if isinstance(trace, (str, bytes)):
        from engine.trace.check import read_trace
        return read_trace(trace.decode("utf-8", "replace") if isinstance(trace, bytes) else trace)
    if hasattr(trace, "to_dict"):
        return trace.to_dict()
    raise TraceError(Diagnostic("error", "trace", f"{what} takes a trace, not {type(trace).__name__}",
                                hint="pass `verdict.to_dict()`, the Verdict itself, or a saved trace's JSON text"))


def sign_trace(trace, private_key_path: str) -> dict:
    """The trace (a dict, a Verdict or JSON text) with a `signature`: {algorithm, key_id,
    public_key (base64), value (base64)}."""
    trace = _as_trace(trace, "sign_trace")
    private = _read_key(private_key_path, private=True)
    raw_public = _raw_public(private.public_key())
    signed = dict(trace)
    signed["signature"] = {
        "algorithm": ALGORITHM,
        "key_id": key_id(raw_public),
        "public_key": base64.b64encode(raw_public).decode("ascii"),
        "value": base64.b64encode(private.sign(_CONTEXT + canonical_bytes(trace))).decode("ascii"),
    }
    return signed


@attrs.frozen
class SignatureCheck:
    signed: bool
    valid: bool
    key_id: str = ""
    trusted: bool = False     # checked against a key the auditor gave, not the one the trace carries
    message: str = ""


def check_signature(trace, public_key_path: str = None) -> SignatureCheck:
    ed25519, _, InvalidSignature = _crypto()
    trace = _as_trace(trace, "check_signature")
    signature = trace.get("signature")
    if signature is None:
        return SignatureCheck(False, public_key_path is None, message="the trace is not signed")
    if not (isinstance(signature, dict) and signature.get("algorithm") == ALGORITHM
            and all(isinstance(signature.get(k), str) for k in ("public_key", "value", "key_id"))):
        return SignatureCheck(True, False, message=f"`signature` must give an {ALGORITHM} `public_key` and `value`")
    try:
        carried = base64.b64decode(signature["public_key"], validate=True)
        value = base64.b64decode(signature["value"], validate=True)
        carried_key = ed25519.Ed25519PublicKey.from_public_bytes(carried)
    except ValueError:
        return SignatureCheck(True, False, message="the signature's key or value is not valid base64 of Ed25519")
    if public_key_path is not None:
        key = _read_key(public_key_path, private=False)
        raw = _raw_public(key)
        if raw != carried:
            return SignatureCheck(True, False, key_id(carried), message=(
                f"signed by key {key_id(carried)}, not by the key given ({key_id(raw)})"))
        trusted = True
    else:
        key, raw, trusted = carried_key, carried, False
    try:
        key.verify(value, _CONTEXT + canonical_bytes(trace))
    except InvalidSignature:
        return SignatureCheck(True, False, key_id(raw), trusted,
                              "the signature does not match the content: the trace was changed after it was signed")
    return SignatureCheck(True, True, key_id(raw), trusted)
