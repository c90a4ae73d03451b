"""Bytes to text: UTF-8 (with or without BOM) or GB18030, CRLF normalised, bad input refused."""

from __future__ import annotations

from articles.parsing.text import cjk_count
from articles.parsing.types import ParseError

_CONTROL = bytes([*range(9), 11, 12, *range(14, 32), 127])


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raise ParseError with a one-line reason for unusable input."""
    if not data or not data.strip():
        raise ParseError("文件为空 (empty file)")
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise ParseError("不是文本文件 (binary data: control bytes found)")
    nul = data.find(b"\x00", len(sample))
    if nul >= 0:  # past the sample: a damaged file; PostgreSQL could not store it anyway
        raise ParseError(f"文件含有空字节,可能已损坏 (NUL byte at offset {nul})")
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _strict(data[3:], "utf-8", "utf-8-sig")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                raise ParseError(f"文件在多字节字符中间被截断 (truncated UTF-8 at byte {exc.start})") from None
            text, encoding = _strict(data, "gb18030", "gb18030")
            if cjk_count(text) < len(text.strip()) * 0.2:
                raise ParseError("无法识别的编码 (neither UTF-8 nor GB18030 text)")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if not text.strip():
        raise ParseError("文件为空 (empty file)")
    return text, encoding


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        return data.decode(codec), label
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and exc.reason in ("unexpected end of data", "incomplete multibyte sequence"):
            raise ParseError(f"文件在多字节字符中间被截断 (truncated {label} at byte {exc.start})") from None
        raise ParseError(f"无法按 {label} 解码:第 {exc.start} 字节处的数据无效 (undecodable bytes)") from None
