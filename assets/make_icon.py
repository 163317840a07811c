#!/usr/bin/env python3
"""Draws assets/icon.png (256x256 RGBA) with the standard library only.

The icon: a rounded blue tile with three rising bars and two opposed arrows,
for "trade flows between countries". Rerun this script to regenerate it.
"""
import struct
import zlib
from pathlib import Path

SIZE = 256
SS = 4  # supersampling factor for anti-aliased edges


def inside(x, y):
    """Returns the RGBA colour at (x, y) in icon units (0..256), or None."""
    # Rounded square tile.
    r = 44
    m = 8
    cx = min(max(x, m + r), SIZE - m - r)
    cy = min(max(y, m + r), SIZE - m - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return None
    colour = (22, 78, 130, 255)
    # Rising bars.
    for i, h in enumerate((56, 84, 110)):
        x0 = 58 + i * 52
        if x0 <= x <= x0 + 34 and 206 - h <= y <= 206:
            colour = (120, 200, 255, 255)
    # Arrow to the right along the top, arrow to the left below it.
    if 44 <= y <= 56 and 52 <= x <= 180:
        colour = (255, 196, 61, 255)
    if 180 <= x <= 208 and abs(y - 50) <= (208 - x) * 0.8:
        colour = (255, 196, 61, 255)
    if 72 <= y <= 84 and 76 <= x <= 204:
        colour = (255, 255, 255, 255)
    if 48 <= x <= 76 and abs(y - 78) <= (x - 48) * 0.8:
        colour = (255, 255, 255, 255)
    return colour


def render():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # PNG filter type 0
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    c = inside(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c:
                        for k in range(3):
                            acc[k] += c[k] * c[3]
                        acc[3] += c[3]
            n = SS * SS
            a = acc[3] / n
            if acc[3]:
                rgb = [int(acc[k] / acc[3]) for k in range(3)]
            else:
                rgb = [0, 0, 0]
            row += bytes(rgb + [int(a)])
        rows.append(bytes(row))
    return b"".join(rows)


def chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def main():
    raw = render()
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    out = Path(__file__).with_name("icon.png")
    out.write_bytes(png)
    print(f"wrote {out} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
