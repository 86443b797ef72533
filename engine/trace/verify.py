"""verify: the report of `verdict verify` on a parsed trace: whole, consistent, and who signed it."""
from __future__ import annotations

from engine.errors import TraceError
from engine.trace.check import check_trace
from engine.trace.signing import check_signature


def verify_report(trace: dict, name: str, key, report: list) -> int:
    """The lines of `verdict verify` after the first, appended to `report`; the exit status: 0 whole,
    consistent and (if signed, or if a key is given) validly signed, else 1."""
    try:
        check_trace(trace, name, signature=False)
    except TraceError as error:
        report.append(f"refused: {error.diagnostics[0].message}")
        return 1
    statuses = trace["status"].values()
    answered = sum(1 for s in statuses if s["status"] == "answered")
    report.append(f"digest: ok (sha256 {trace['digest']['sha256'][:16]}…)")
    report.append(f"content: consistent ({answered} of {len(trace['requested'])} outputs answered, "
                  f"{len(trace['decisions'])} decision records)")
    result = check_signature(trace, key)
    if not result.signed:
        report.append("signature: none" + (" — a key was given, so a signature was required" if key else ""))
        return 0 if result.valid else 1
    if not result.valid:
        report.append(f"signature: INVALID: {result.message}")
        return 1
    if result.trusted:
        report.append(f"signature: valid, by key {result.key_id} (the key given)")
    else:
        report.append(f"signature: valid, by key {result.key_id} carried in the trace; pass --key PUBLIC.pem "
                      "to check that it is the signer's key")
    return 0
