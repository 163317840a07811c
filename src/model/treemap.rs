//! The squarified treemap layout (Bruls, Huizing and van Wijk, "Squarified Treemaps",
//! 2000): rectangles with areas proportional to values, filling a bounding rectangle,
//! with aspect ratios kept close to 1 so that labels fit. A pure function of plain numbers,
//! for the treemap views to draw.

use super::chart::ChartPoint;
use super::hs;

/// An axis-aligned rectangle: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Area.
    pub fn area(&self) -> f64 {
        self.w * self.h
    }
}

/// The rectangle of each value inside `bounds`, in the order of `values`: `None` for a
/// value that is not positive and finite (it has no area). The largest values are placed
/// first, from the top left; equal values keep their order, so the same input always gives
/// the same layout.
pub fn squarify(values: &[f64], bounds: Rect) -> Vec<Option<Rect>> {
    let mut out = vec![None; values.len()];
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let total: f64 = values.iter().copied().filter(|v| positive(*v)).sum();
    if total <= 0.0 || bounds.area() <= 0.0 {
        return out;
    }
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| positive(values[i])).collect();
    // Stable: equal values keep their index order.
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let scale = bounds.area() / total;
    let mut free = bounds;
    let mut row: Vec<(usize, f64)> = Vec::new();
    for &i in &order {
        let area = values[i] * scale;
        let side = free.w.min(free.h);
        if !row.is_empty() && worst(&row, area, side) > worst(&row, 0.0, side) {
            free = place(&row, free, &mut out);
            row.clear();
        }
        row.push((i, area));
    }
    if !row.is_empty() {
        place(&row, free, &mut out);
    }
    out
}

/// One rectangle of a treemap of chart points.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// Where it is drawn.
    pub rect: Rect,
    /// Index of the point it stands for.
    pub point: usize,
    /// Its value as a fraction of the sum of all tiles (0–1).
    pub share: f64,
    /// Index into [`hs::SECTIONS`] of the point's code, if it is an HS code in a section.
    pub section: Option<usize>,
}

/// The treemap of `points` (bars of one series, e.g. exports by product) inside `bounds`:
/// one tile per point with a positive value, largest first. Shares are of the sum of
/// those values, which for a product breakdown includes "Other" and "Not broken down".
pub fn tiles(points: &[ChartPoint], bounds: Rect) -> Vec<Tile> {
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let total: f64 = values.iter().filter(|v| v.is_finite() && **v > 0.0).sum();
    let mut tiles: Vec<Tile> = squarify(&values, bounds)
        .into_iter()
        .enumerate()
        .filter_map(|(i, rect)| {
            Some(Tile {
                rect: rect?,
                point: i,
                share: values[i] / total,
                section: points[i].code.as_deref().and_then(hs::section_of),
            })
        })
        .collect();
    tiles.sort_by(|a, b| values[b.point].total_cmp(&values[a.point]));
    tiles
}

/// The worst aspect ratio of `row` (plus an item of `extra` area when positive) laid
/// along a side of length `side`.
fn worst(row: &[(usize, f64)], extra: f64, side: f64) -> f64 {
    let areas = row
        .iter()
        .map(|(_, a)| *a)
        .chain((extra > 0.0).then_some(extra));
    let sum: f64 = areas.clone().sum();
    let (side2, sum2) = (side * side, sum * sum);
    areas
        .map(|a| (side2 * a / sum2).max(sum2 / (side2 * a)))
        .fold(0.0, f64::max)
}

/// Lays `row` along the shorter side of `free`; returns what is left of `free`. A wide
/// `free` gets a column on its left, items from the top; a tall one a row along its top,
/// items from the left: the same layout with the axes swapped.
fn place(row: &[(usize, f64)], free: Rect, out: &mut [Option<Rect>]) -> Rect {
    let column = free.w >= free.h;
    // In (along, across) terms: `along` runs the row's length, `across` its thickness.
    let (along, across) = if column {
        (free.h, free.w)
    } else {
        (free.w, free.h)
    };
    let sum: f64 = row.iter().map(|(_, a)| a).sum();
    let thickness = (sum / along).min(across);
    let mut offset = 0.0;
    for &(i, area) in row {
        let length = area / thickness;
        out[i] = Some(if column {
            Rect {
                x: free.x,
                y: free.y + offset,
                w: thickness,
                h: length,
            }
        } else {
            Rect {
                x: free.x + offset,
                y: free.y,
                w: length,
                h: thickness,
            }
        });
        offset += length;
    }
    let left = (across - thickness).max(0.0);
    if column {
        Rect {
            x: free.x + thickness,
            w: left,
            ..free
        }
    } else {
        Rect {
            y: free.y + thickness,
            h: left,
            ..free
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BOUNDS: Rect = Rect {
        x: 10.0,
        y: 20.0,
        w: 600.0,
        h: 400.0,
    };

    fn overlap(a: &Rect, b: &Rect) -> f64 {
        let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
        let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
        w.max(0.0) * h.max(0.0)
    }

    /// Areas proportional to values within 1e-9 (relative), no overlaps, every rectangle
    /// inside the bounds, the bounds filled.
    fn check(values: &[f64], bounds: Rect) {
        let rects = squarify(values, bounds);
        let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
        let placed: Vec<Rect> = rects.iter().flatten().copied().collect();
        for (v, r) in values.iter().zip(&rects) {
            match r {
                Some(r) => {
                    let want = v / total * bounds.area();
                    assert!(
                        (r.area() - want).abs() <= 1e-9 * bounds.area(),
                        "{r:?} {want}"
                    );
                    let eps = 1e-9 * (bounds.w + bounds.h);
                    assert!(r.x >= bounds.x - eps && r.y >= bounds.y - eps, "{r:?}");
                    assert!(r.x + r.w <= bounds.x + bounds.w + eps, "{r:?}");
                    assert!(r.y + r.h <= bounds.y + bounds.h + eps, "{r:?}");
                }
                None => assert!(*v <= 0.0 || !v.is_finite()),
            }
        }
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(overlap(a, b) <= 1e-9 * bounds.area(), "{a:?} {b:?}");
            }
        }
        let filled: f64 = placed.iter().map(Rect::area).sum();
        if total > 0.0 {
            assert!((filled - bounds.area()).abs() <= 1e-9 * bounds.area());
        }
    }

    #[test]
    fn the_papers_example_is_laid_out_as_worked_by_hand() {
        // Bruls et al.'s example: 6, 6, 4, 3, 2, 2, 1 in a 6 x 4 rectangle (area 24, so
        // values are areas). Worked by hand: the height (4) is the shorter side, so a
        // column on the left; [6] alone has aspect 8/3, [6, 6] (width 3, heights 2) has
        // 3/2, adding 4 makes 8/3 again: the column is [6, 6]. Then the free 3 x 4 has
        // its width shorter: a row on top; [4] has 9/4, [4, 3] (height 7/3, widths 12/7
        // and 9/7) has 49/27, adding 2 makes 9/2: the row is [4, 3].
        let values = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let bounds = Rect {
            x: 0.0,
            y: 0.0,
            w: 6.0,
            h: 4.0,
        };
        let rects = squarify(&values, bounds);
        let expected = [
            (0, [0.0, 0.0, 3.0, 2.0]),
            (1, [0.0, 2.0, 3.0, 2.0]),
            (2, [3.0, 0.0, 12.0 / 7.0, 7.0 / 3.0]),
            (3, [3.0 + 12.0 / 7.0, 0.0, 9.0 / 7.0, 7.0 / 3.0]),
        ];
        for (i, [x, y, w, h]) in expected {
            let r = rects[i].unwrap_or(Rect {
                x: f64::NAN,
                y: f64::NAN,
                w: f64::NAN,
                h: f64::NAN,
            });
            for (got, want) in [(r.x, x), (r.y, y), (r.w, w), (r.h, h)] {
                assert!((got - want).abs() < 1e-12, "item {i}: {r:?}");
            }
        }
        check(&values, bounds);
    }

    #[test]
    fn tiles_carry_their_share_and_hs_section() {
        let point = |value: f64, code: Option<&str>| ChartPoint {
            code: code.map(str::to_owned),
            ..ChartPoint::derived(2022, value, Vec::new())
        };
        // Citrus 30, pharmaceuticals 50, "Other" 20: shares 0.3, 0.5, 0.2 of 100.
        let points = [
            point(30.0, Some("0805")),
            point(50.0, Some("30")),
            point(20.0, None),
            point(0.0, Some("61")),
        ];
        let tiles = tiles(&points, BOUNDS);
        let got: Vec<(usize, f64, Option<usize>)> = tiles
            .iter()
            .map(|t| (t.point, t.share, t.section))
            .collect();
        assert_eq!(got, [(1, 0.5, Some(5)), (0, 0.3, Some(1)), (2, 0.2, None)]);
        // 600 × 400 = 240,000 square units, half of them for the pharmaceuticals.
        assert!((tiles[0].rect.area() - 120_000.0).abs() < 1e-6);
    }

    #[test]
    fn values_without_area_get_no_rectangle_and_order_is_stable() {
        let values = [3.0, 0.0, -2.0, f64::NAN, 3.0, 1.0];
        let rects = squarify(&values, BOUNDS);
        assert!(rects[1].is_none() && rects[2].is_none() && rects[3].is_none());
        // Equal values: the first in the input is placed first, at the top left corner.
        let (a, b) = (rects[0].unwrap_or(BOUNDS), rects[4].unwrap_or(BOUNDS));
        assert_eq!((a.x, a.y), (BOUNDS.x, BOUNDS.y));
        assert_ne!((b.x, b.y), (BOUNDS.x, BOUNDS.y));
        assert_eq!(squarify(&values, BOUNDS), rects);
        check(&values, BOUNDS);
        assert!(squarify(&[0.0, -1.0], BOUNDS).iter().all(Option::is_none));
    }

    proptest! {
        #[test]
        fn any_values_fill_the_bounds_without_overlap(
            values in prop::collection::vec(0.0f64..1e9, 1..60),
            w in 1.0f64..2000.0,
            h in 1.0f64..2000.0,
        ) {
            check(&values, Rect { x: 5.0, y: 7.0, w, h });
        }
    }
}
