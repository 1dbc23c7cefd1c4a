"""Password rules and bcrypt hashing in a bounded thread pool.

bcrypt takes tens of milliseconds per hash by design and releases the GIL
while it works, so hashing in threads keeps the event loop free for other
requests. The pool is small and fixed: a burst of logins waits in its
queue rather than taking every core.
"""

import asyncio
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import bcrypt

from schoolgql.kit.errors import InvalidInput

T = TypeVar("T")

logger = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
# bcrypt reads at most 72 bytes of its input; bcrypt 5 raises on longer input,
# and older versions ignore the rest. Longer passwords are rejected instead.
PASSWORD_MAX_BYTES = 72

# `$2b$12$...`: the cost is the two digits after the prefix.
_BCRYPT_COST = re.compile(r"^\$2[aby]\$(\d{2})\$")


def check_new_password(password: str, *, email: str, field: str) -> str:
    """Return `password` if it may become an account's password."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInput(
            f"`{field}` must be at least {PASSWORD_MIN_LENGTH} characters long; "
            f"got {len(password)}.",
            field=field,
        )
    size = len(password.encode())
    if size > PASSWORD_MAX_BYTES:
        raise InvalidInput(
            f"`{field}` must be at most {PASSWORD_MAX_BYTES} bytes in UTF-8; got "
            f"{size}. Letters outside ASCII take 2 to 4 bytes each.",
            field=field,
        )
    if any(unicodedata.category(char) == "Cc" for char in password):
        raise InvalidInput(
            f"`{field}` must not contain control characters such as NUL or "
            "line breaks.",
            field=field,
        )
    if password.strip().casefold() == email.casefold():
        raise InvalidInput(f"`{field}` must not be the email address.", field=field)
    return password


# How much lower than the server's the CPU priority of a hashing thread is.
# On Linux a thread at nice +10 gets about a tenth of the CPU share of a
# thread at nice 0. The event loop therefore keeps serving other requests
# while logins hash on the same core, and a burst of logins slows the logins.
HASHING_THREAD_NICENESS = 10


def _lower_thread_priority() -> None:
    """Raise the calling thread's nice value by HASHING_THREAD_NICENESS.

    Linux schedules each thread on its own, so `setpriority` with a
    thread id changes only that thread. Elsewhere the call fails, and the
    threads keep the process's priority.
    """
    try:
        thread_id = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread_id)
        niceness = min(current + HASHING_THREAD_NICENESS, 19)
        os.setpriority(os.PRIO_PROCESS, thread_id, niceness)
    except (AttributeError, OSError) as error:
        logger.warning("bcrypt thread keeps the server's CPU priority: %s", error)


class PasswordHasher:
    """Hashes and checks passwords with bcrypt on a dedicated thread pool."""

    def __init__(self, *, cost: int, threads: int) -> None:
        self.cost = cost
        self._executor = ThreadPoolExecutor(
            max_workers=threads,
            thread_name_prefix="bcrypt",
            initializer=_lower_thread_priority,
        )
        # Checked when no account matches, so that such a login costs
        # the same time as a wrong password.
        self._dummy_hash = bcrypt.hashpw(
            b"no account has this password", bcrypt.gensalt(cost)
        )

    async def hash(self, password: str) -> str:
        """Hash a password that passed `check_new_password`."""
        salt = bcrypt.gensalt(self.cost)
        hashed = await self._run(bcrypt.hashpw, password.encode(), salt)
        return hashed.decode()

    async def verify(self, password: str, password_hash: str | None) -> bool:
        """Return whether `password` matches; take a full check's time either way.

        A missing hash or an over-long password still runs one bcrypt check,
        against a dummy hash, and then returns False.
        """
        encoded = password.encode()
        if password_hash is None or len(encoded) > PASSWORD_MAX_BYTES:
            await self._run(bcrypt.checkpw, b"wrong password", self._dummy_hash)
            return False
        try:
            return await self._run(bcrypt.checkpw, encoded, password_hash.encode())
        except ValueError:
            # A malformed stored hash matches nothing.
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Return whether the hash used a cost other than the configured one."""
        match = _BCRYPT_COST.match(password_hash)
        return match is None or int(match.group(1)) != self.cost

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _run(
        self, function: Callable[[bytes, bytes], T], password: bytes, other: bytes
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, password, other)
