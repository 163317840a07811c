#!/usr/bin/env python3
"""Builds assets/world_50m.txt.gz, the country shapes of the Map view, from the
world-atlas npm package (Natural Earth admin-0 countries at 1:50m, public domain;
world-atlas itself is ISC-licensed).

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 assets/make_world_map.py /tmp/package/countries-50m.json assets/world_50m.txt.gz

What it does, and why:
- Decodes the TopoJSON (quantised, delta-encoded arcs shared between neighbours).
- Simplifies every arc once with Douglas-Peucker (tolerance TOLERANCE degrees), keeping its
  end points, so neighbouring countries keep a common border and the map stays small
  enough to draw every frame; rings that would collapse keep their original points.
- Writes longitude/latitude in hundredths of a degree (about 1 km), one country per line:
  `id<TAB>name<TAB>polygons`, polygons separated by `;`, the rings of a polygon (outer
  first, then holes) by `|`, points by spaces as `lon,lat`. `id` is the ISO 3166-1
  numeric code the geometry carries, or `-` for the few features without one.
Projection, codes and triangulation are done by the app (src/model/geo).
Only the Python standard library is used.
"""

import gzip
import json
import sys

TOLERANCE = 0.03  # degrees


def decode_arcs(topology):
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def distance_to_segment(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


def douglas_peucker(points, tolerance):
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = distance_to_segment(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def simplify(arc, tolerance):
    if len(arc) > 2 and arc[0] == arc[-1]:
        # A closed arc (an island): split at the point farthest from its start.
        far = max(range(len(arc)), key=lambda i: (arc[i][0] - arc[0][0]) ** 2 + (arc[i][1] - arc[0][1]) ** 2)
        return douglas_peucker(arc[: far + 1], tolerance)[:-1] + douglas_peucker(arc[far:], tolerance)
    return douglas_peucker(arc, tolerance)


def ring(indices, arcs):
    points = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def jumps(points):
    return any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:] + points[:1]))


def clip(points, keep):
    """Sutherland-Hodgman clip of a ring against the half-plane keep(x) >= 0, where keep
    is linear in longitude."""
    out = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        inside_now, inside_before = keep(current[0]) >= 0, keep(previous[0]) >= 0
        if inside_now != inside_before:
            t = keep(previous[0]) / (keep(previous[0]) - keep(current[0]))
            out.append((previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1])))
        if inside_now:
            out.append(current)
    return out


def cut_at_antimeridian(points):
    """Natural Earth rings that cross 180 degrees (Russia, Fiji) or go round the South
    Pole (Antarctica) jump from +180 to -180 in longitude. On a flat map they must be cut
    into pieces that each stay within -180..180: unwrap the longitudes so that no step
    exceeds 180 degrees, close a ring that goes round the pole along the pole, then clip
    the ring into each 360-degree window."""
    if all(y <= -89.99 for _, y in points):
        return []  # the pole itself, as a degenerate ring
    unwrapped = [points[0]]
    for x, y in points[1:]:
        px = unwrapped[-1][0]
        while x - px > 180:
            x -= 360
        while x - px < -180:
            x += 360
        unwrapped.append((x, y))
    turn = unwrapped[-1][0] - unwrapped[0][0]
    if abs(turn) > 180:
        # Round the pole: close the ring along it.
        unwrapped += [(unwrapped[-1][0], -90.0), (unwrapped[0][0], -90.0)]
    pieces = []
    for shift in (-360, 0, 360):
        moved = [(x + shift, y) for x, y in unwrapped]
        piece = clip(clip(moved, lambda x: 180 - x), lambda x: x + 180)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def main(source, target):
    with open(source) as f:
        topology = json.load(f)
    raw = decode_arcs(topology)
    simple = [simplify(arc, TOLERANCE) for arc in raw]
    lines = [
        "# Natural Earth admin-0 countries 1:50m (public domain) via world-atlas 2.0.2 (ISC),",
        f"# simplified with Douglas-Peucker at {TOLERANCE} degrees by assets/make_world_map.py.",
    ]
    points_total = 0
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id", "-")
        name = geometry["properties"]["name"]
        out_polygons = []
        for polygon in polygons(geometry):
            rings = []
            for ring_arcs in polygon:
                points = ring(ring_arcs, simple)
                if len(points) < 4:
                    points = ring(ring_arcs, raw)
                if len(points) >= 4:
                    # The closing point repeats the first: the app closes rings itself.
                    rings.append(points[:-1])
            if any(jumps(r) for r in rings):
                # Cut pieces become polygons of their own (their holes, if any, are lost:
                # none of the crossing polygons has one at this scale).
                pieces = [[piece] for r in rings for piece in cut_at_antimeridian(r)]
            else:
                pieces = [rings] if rings else []
            for piece in pieces:
                text = []
                for r in piece:
                    points_total += len(r)
                    text.append(" ".join(f"{round(x * 100)},{round(y * 100)}" for x, y in r))
                out_polygons.append("|".join(text))
        lines.append(f"{code}\t{name}\t{';'.join(out_polygons)}")
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines) - 2} countries, {points_total} points -> {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
