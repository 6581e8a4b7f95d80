"""Minimal PDF text extraction for tests: Chromium's (Skia's) PDFs only, page by page."""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_REF = rb"(\d+) 0 R"


def objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(pdf)}


def stream(body: bytes) -> bytes:
    match = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
    if not match:
        return b""
    data = match.group(1)
    return zlib.decompress(data) if b"/FlateDecode" in body[: match.start()] else data


def _cmap(data: bytes) -> tuple[dict[bytes, str], int]:
    codes: dict[bytes, str] = {}
    width = 2
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[src.upper()] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
            width = len(src)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            width = len(lo)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                key = f"{code:0{len(lo)}X}".encode()
                codes[key] = chr(start + k)
    return codes, width


def _decode(hexes: bytes, cmap: tuple[dict[bytes, str], int]) -> str:
    codes, width = cmap
    hexes = re.sub(rb"\s", b"", hexes).upper()
    return "".join(codes.get(hexes[i : i + width], "") for i in range(0, len(hexes), width))


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, in page order (fonts with a ToUnicode map, hex strings)."""
    objs = objects(pdf)
    kids: list[int] = []
    root_pages = [k for k, v in objs.items() if re.search(rb"/Type\s*/Pages\b", v)]
    order = {}
    for k in root_pages:  # page order from the /Kids arrays
        match = re.search(rb"/Kids\s*\[(.*?)\]", objs[k], re.S)
        if match:
            for ref in re.findall(_REF, match.group(1)):
                order.setdefault(int(ref), len(order))
    kids = sorted(
        (k for k, v in objs.items() if re.search(rb"/Type\s*/Page\b", v)),
        key=lambda k: order.get(k, k),
    )
    texts = []
    for page in kids:
        body = objs[page]
        fonts = {}
        block = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+" + _REF, block.group(1) if block else b""):
            font = objs.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode\s+" + _REF, font)
            if to_unicode:
                fonts[name] = _cmap(stream(objs[int(to_unicode.group(1))]))
        contents = re.search(rb"/Contents\s+" + _REF, body)
        data = stream(objs[int(contents.group(1))]) if contents else b""
        parts, cmap = [], ({}, 2)
        for token in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|(ET)", data):
            if token.group(1):
                cmap = fonts.get(token.group(1), ({}, 2))
            elif token.group(3):
                parts.append("\n")
            else:
                parts.append(_decode(token.group(2), cmap))
        texts.append("".join(parts))
    return texts
