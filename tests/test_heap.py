"""gd_app.heap: glibc's malloc told to keep big blocks apart (so freeing them returns them).

Asserted through glibc's own accounting (mallinfo2: bytes in mmapped blocks), in a fresh
interpreter each: with glibc's default a 4 MB block is mapped apart once, and after it is
freed the next lands inside the heap (glibc raises its threshold above a freed block);
after :func:`gd_app.heap.big_blocks_apart` every one is mapped apart, and unmapped when
freed. Skipped where the C library is not glibc 2.33 or later.
"""

import json
import subprocess
import sys

import pytest

from gd_app import heap

_PROBE = """
import ctypes, json, sys
from gd_app import heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = heap._glibc()
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "apart":
    assert heap.big_blocks_apart()
seen = []
for _ in range(3):
    before = libc.mallinfo2().hblkhd
    block = bytearray(4 << 20)
    mapped = libc.mallinfo2().hblkhd - before
    del block
    seen.append((mapped, libc.mallinfo2().hblkhd - before))
print(json.dumps(seen))
"""


def _blocks(mode: str) -> list[tuple[int, int]]:
    """[(bytes mapped by allocating 4 MB, bytes still mapped once it is freed)] x 3."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True
    )
    return [tuple(row) for row in json.loads(out.stdout)]


@pytest.fixture(autouse=True)
def _glibc_only():
    libc = heap._glibc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("not glibc 2.33 or later")


def test_by_default_glibc_puts_the_second_big_block_inside_its_heap():
    first, second, _ = _blocks("default")
    assert first[0] >= 4 << 20
    assert second[0] == 0


def test_once_asked_every_big_block_is_mapped_apart_and_given_back():
    for mapped, left in _blocks("apart"):
        assert mapped >= 4 << 20
        assert left == 0
