"""Text encodings of uploaded files: UTF-8 and UTF-16 first, then a measured guess.

Files that are not UTF-8 are most often Windows-1256 (Arabic) or Windows-1252
(French, a superset of Latin-1 with curly quotes, dashes and the euro sign).
The choice between them is made by ``charset-normalizer`` on the lines holding
non-ASCII bytes; its confidence is reported so that a doubtful guess reaches
the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapping.registry.errors import RegistryError

#: Encodings considered for a file that is not UTF-8 or UTF-16.
CANDIDATES = ("cp1256", "cp1252")
#: Guesses below this confidence (0..1) are reported as doubtful.
DOUBTFUL_BELOW = 0.9
#: Bytes of non-ASCII lines given to the detector.
SAMPLE_BYTES = 64_000

_NAMES = {"cp1256": "windows-1256", "cp1252": "windows-1252"}


@dataclass(frozen=True)
class Decoded:
    """A decoded text and how it was decoded.

    Attributes
    ----------
    text
        The text.
    encoding
        ``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-16-le``, ``utf-16-be``,
        ``windows-1256`` or ``windows-1252``.
    confidence
        1.0 for UTF encodings; the detector's confidence otherwise.
    first_line
        1-based line of the first non-ASCII byte (0 when none), for the report.
    """

    text: str
    encoding: str
    confidence: float = 1.0
    first_line: int = 0

    @property
    def doubtful(self) -> bool:
        """Whether the guess should be reported to the user."""
        return self.confidence < DOUBTFUL_BELOW


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NULs sit on every other byte, else ``None``."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd >= 0.4 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _sample(data: bytes) -> tuple[bytes, int]:
    """Lines holding non-ASCII bytes (up to :data:`SAMPLE_BYTES`) and the first one's number."""
    parts: list[bytes] = []
    size = 0
    first = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        first = first or number
        parts.append(line)
        size += len(line) + 1
        if size >= SAMPLE_BYTES:
            break
    return b"\n".join(parts), first


def guess(data: bytes) -> tuple[str, float, int]:
    """Best of :data:`CANDIDATES` for *data*: ``(codec, confidence, first non-ASCII line)``."""
    from charset_normalizer import from_bytes

    sample, first = _sample(data)
    best = from_bytes(sample, cp_isolation=list(CANDIDATES), explain=False).best()
    if best is None:
        return "cp1252", 0.0, first
    codec = best.encoding if best.encoding in CANDIDATES else "cp1252"
    confidence = max(0.0, min(1.0, 1.0 - float(best.chaos)))
    return codec, confidence, first


def decode(data: bytes, filename: str = "the file") -> Decoded:
    """Decode a text file's bytes.

    Raises
    ------
    RegistryError
        When the file claims UTF-16 but is not, or holds NUL bytes (binary
        content), naming the line of the first one.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError:
            pass
    bom16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    codec16 = "utf-16" if bom16 else _utf16_without_bom(data)
    if codec16 is not None:
        try:
            return Decoded(data.decode(codec16), codec16)
        except UnicodeDecodeError as exc:
            raise RegistryError(
                f"{filename!r} looks like UTF-16 text but byte {exc.start:,} cannot be "
                "decoded; save it again as UTF-8 CSV") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise RegistryError(
            f"{filename!r} holds a NUL byte on line {line:,} (byte {nul + 1:,}): it is not a "
            "text table; export it from the spreadsheet as CSV (UTF-8) or XLSX")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    codec, confidence, first = guess(data)
    return Decoded(data.decode(codec, errors="replace"), _NAMES[codec], confidence, first)
