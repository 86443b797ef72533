"""cache: a ruleset's front end (read, parsed, resolved, checked) kept on disk, so that the next
process that loads the same ruleset skips the parser (and does not even import it).

    load_ruleset_cached(path) → the Ruleset load_ruleset(path) gives, from the cache when it can

Safe by construction, because a pickle runs code when it is read:
- the cache lives in the user's own folder ($VERDICT_CACHE_DIR, else $XDG_CACHE_HOME/verdict,
  else ~/.cache/verdict), created 0700; a folder that is not the user's, is shared with others
  (any group or other permission bit), or is a symbolic link is not used at all;
- every entry is signed with HMAC-SHA256 under a random per-user key (`key`, 0600, in that
  folder), and only an entry whose signature verifies is unpickled: a file planted or edited by
  anyone without the key is ignored (and replaced);
- the key of an entry is the SHA-256 of the path as given, the engine's version and code (its
  files' names, sizes and modification times) and every byte of the ruleset's sources: any edit
  of the rules, the messages, ruleset.yaml or the engine is a different entry.

Anything unusual (no home, a read-only disk, a damaged entry) falls back to loading normally:
the cache can make loading faster, never different. `VERDICT_CACHE=0` turns it off.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
from typing import Optional

FORMAT = b"verdict-ruleset-cache-1"
ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
MAX_ENTRIES = 64          # beyond that, the oldest entries are removed
MAX_ENTRY_BYTES = 64 * 2 ** 20
MAX_SOURCE_BYTES = 16 * 2 ** 20  # a ruleset beyond this is loaded without the cache


def load_ruleset_cached(path):
    """load_ruleset(path), with the front end from (or into) the cache."""
    from engine import ruleset as stage
    # the collector paused as load_ruleset pauses it: unpickling makes ~10,000 objects and frees none
    return stage._without_collection(_load_ruleset_cached)(path, stage)


def _load_ruleset_cached(path, stage):
    folder = cache_folder()
    entry = None
    if folder is not None:
        try:
            entry = os.path.join(folder, _entry_key(path) + ".pickle")
        except OSError:  # unreadable sources: load_ruleset says so, with its own message
            entry = None
    front = _read(folder, entry) if entry is not None else None
    if front is None:
        front = stage._front_end(path)
        if entry is not None and not any(d.is_error for d in front[4]):
            _write(folder, entry, front)
    files, parsed, model, resolver, diagnostics = front
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        from engine.errors import RuleError
        raise RuleError(errors, files.rule_texts)
    return stage.Ruleset(files, parsed, model, diagnostics, stage._compile(model, resolver), resolver)


# Paths here are strings (os.path), not pathlib's: a cached `verdict eval` imports no pathlib.

def cache_folder() -> Optional[str]:
    """The user's private cache folder, made if need be; None when there is none fit to use."""
    if os.environ.get("VERDICT_CACHE") == "0":
        return None
    chosen = os.environ.get("VERDICT_CACHE_DIR")
    if not chosen:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        if base.startswith("~"):
            return None
        chosen = os.path.join(base, "verdict")
    folder = chosen
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        return None
    return folder


def _entry_key(path) -> str:
    digest = hashlib.sha256(FORMAT)
    for part in (str(path), os.path.abspath(path), _engine_fingerprint()):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    root = os.fspath(path)
    single = not os.path.isdir(root)
    folder = (os.path.dirname(root) or ".") if single else root
    # (name in the key, path): what the reader reads, by the names it gives them
    sources = [(os.path.basename(root), root)] if single else _named(folder, ".rules", "")
    sources += [("ruleset.yaml", os.path.join(folder, "ruleset.yaml"))]
    sources += _named(os.path.join(folder, "messages"), ".yaml", "messages/")
    for name, source in sources:
        try:
            info = os.lstat(source)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
            # a link, a pipe, a device, a huge file: never read here; the reader says what is wrong
            raise OSError(f"{source}: not a plain file")
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        with open(source, "rb") as file:
            digest.update(file.read() + b"\0")
    return digest.hexdigest()


def _named(folder: str, suffix: str, prefix: str) -> list:
    """(prefix + name, path) of each entry of `folder` whose name ends with `suffix`, by name; none
    when the folder is missing or unreadable (as pathlib's glob, which this replaces, gives none)."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    return [(prefix + name, os.path.join(folder, name)) for name in sorted(names) if name.endswith(suffix)]


_FINGERPRINT: list = []


def _engine_fingerprint() -> str:
    """The engine's version and the name, size and modification time of each of its source files
    (os.scandir: a few hundred microseconds, where reading them would be milliseconds)."""
    if not _FINGERPRINT:
        import engine
        parts = [engine.__version__]
        folders = [ENGINE_DIR]
        while folders:
            folder = folders.pop()
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(("_", ".")):
                        folders.append(entry.path)
                    elif entry.name.endswith((".py", ".lark")):
                        info = entry.stat()
                        parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
        _FINGERPRINT.append(hashlib.sha256("\n".join(parts).encode()).hexdigest())
    return _FINGERPRINT[0]


def _secret(folder) -> Optional[bytes]:
    """The per-user signing key, made on first use (0600, written whole or not at all)."""
    path = os.path.join(folder, "key")
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            return None
        secret = _read_bytes(path)
        return secret if len(secret) == 32 else None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    secret = os.urandom(32)
    try:
        _write_private(folder, path, secret)
        return _read_bytes(path)  # another process may have written its own first: that one holds
    except OSError:
        return None


def _read_bytes(path) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _read(folder, entry):
    secret = _secret(folder)
    if secret is None:
        return None
    try:
        info = os.lstat(entry)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_size > MAX_ENTRY_BYTES:
            return None
        data = _read_bytes(entry)
    except OSError:
        return None
    tag, body = data[:32], data[32:]
    if len(tag) != 32 or not hmac.compare_digest(tag, hmac.new(secret, body, hashlib.sha256).digest()):
        return None
    try:
        return pickle.loads(body)  # verified above: written by this user's verdict, unchanged since
    except Exception:  # noqa: BLE001 - an entry of an older engine: load normally, it is rewritten
        return None


def _write(folder, entry, front) -> None:
    secret = _secret(folder)
    if secret is None:
        return
    try:
        body = pickle.dumps(front, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in this ruleset does not pickle: no cache for it
        return
    if len(body) > MAX_ENTRY_BYTES:
        return
    try:
        _write_private(folder, entry, hmac.new(secret, body, hashlib.sha256).digest() + body)
        _prune(folder)
    except OSError:
        pass


def _write_private(folder, path, data: bytes) -> None:
    """Write a 0600 file atomically (a temporary file renamed), so readers see it whole or not at all."""
    import tempfile  # only a process that writes the cache pays for it
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if os.path.basename(path) == "key" and os.path.exists(path):
            return
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _prune(folder) -> None:
    entries = sorted((path for _, path in _named(folder, ".pickle", "")), key=lambda p: os.stat(p).st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        try:
            os.unlink(old)
        except OSError:
            pass
