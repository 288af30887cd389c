"""WeasyPrint's native libraries (Pango, HarfBuzz, fontconfig, GObject), loaded by their sonames.

WeasyPrint asks cffi for each library under several names, for every platform in turn
(`libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`, `libpango-1.0.so.0`, ...). On Linux each name that
is not a file's goes to `ctypes.util.find_library`, which runs `ldconfig -p`, `gcc` and `ld` to
look for it: 54 programs and about 0.2 s CPU and wall at the start of every build
(Kozea/WeasyPrint#1125). On Linux find_library can only answer with a soname that the dynamic
linker then resolves, and each of WeasyPrint's lists holds the library's soname, which the
dynamic linker resolves the same way: so while WeasyPrint loads its libraries, find_library
answers "not found" at once and the soname is what loads (a test holds the libraries loaded so
to those WeasyPrint's own lookup loads). Elsewhere nothing changes.
"""

from __future__ import annotations

import ctypes.util
import sys


def load() -> None:
    """Import WeasyPrint's library bindings, on Linux without find_library's programs."""
    if sys.platform != "linux" or "weasyprint.text.ffi" in sys.modules:
        return
    find_library = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        import weasyprint.text.ffi  # noqa: F401
    finally:
        ctypes.util.find_library = find_library


def _not_found(name: str) -> None:
    return None


load()
