//! The world map's geometry: Natural Earth admin-0 countries at 1:50m (public domain, via
//! the world-atlas package; see `assets/README.md`), projected once with the Equal Earth
//! projection and triangulated once with `earcutr`, so that drawing a frame only copies
//! ready triangles.
//!
//! Equal Earth (Šavrič, Patterson and Jenny, 2018) is equal-area: a country's size on the
//! map is its size on the ground, which a map coloured by value needs (a projection that
//! inflates high latitudes, such as Mercator, makes Russia and Canada dominate every
//! choropleth), while its rounded outline keeps shapes familiar. Robinson is neither
//! equal-area nor conformal.

pub mod choropleth;

use std::io::Read;
use std::sync::OnceLock;

use super::country::code_of_geometry;

const WORLD_GZ: &[u8] = include_bytes!("../../../assets/world_50m.txt.gz");

/// Where the map comes from, for the About dialog and the map's footnote.
pub const SOURCE: &str = "Boundaries: Natural Earth admin-0 countries 1:50m (public domain), \
via world-atlas 2.0.2 (ISC); Equal Earth projection";

/// One country (or territory) of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The code whose figures colour it (ISO alpha-3, or an exception such as XKX).
    pub code: Option<String>,
    /// The name the geometry gives.
    pub name: String,
    /// Projected points of all its rings, ring after ring.
    pub points: Vec<[f32; 2]>,
    /// Where each ring starts in `points` (and, last, the end), for drawing borders.
    pub ring_starts: Vec<usize>,
    /// Triangles as indices into `points`, three by three.
    pub triangles: Vec<u32>,
    /// Bounding box: min x, min y, max x, max y.
    pub bbox: [f32; 4],
    /// A point inside its largest polygon (its centroid), for markers and flow lines.
    pub anchor: [f32; 2],
    /// Projected area (for ordering and tests).
    pub area: f64,
}

impl Shape {
    /// True when projected point `p` lies in one of its triangles.
    pub fn contains(&self, p: [f32; 2]) -> bool {
        let [x0, y0, x1, y1] = self.bbox;
        if p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1 {
            return false;
        }
        self.triangles.chunks_exact(3).any(|t| {
            let v = |i: u32| self.points[i as usize];
            in_triangle(p, v(t[0]), v(t[1]), v(t[2]))
        })
    }

    /// The rings as slices of points.
    pub fn rings(&self) -> impl Iterator<Item = &[[f32; 2]]> {
        self.ring_starts
            .windows(2)
            .map(|w| &self.points[w[0]..w[1]])
    }
}

/// All shapes, in the asset's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    /// The shapes.
    pub shapes: Vec<Shape>,
    /// Bounding box of the projected world: min x, min y, max x, max y.
    pub bbox: [f32; 4],
}

impl World {
    /// The shape under projected point `p`, if any.
    pub fn shape_at(&self, p: [f32; 2]) -> Option<usize> {
        self.shapes.iter().position(|s| s.contains(p))
    }
}

/// The map, read, projected and triangulated on first use.
pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let mut text = String::new();
        // The asset is built into the binary and tested; a damaged one only empties the map.
        if let Err(err) = flate2::read::GzDecoder::new(WORLD_GZ).read_to_string(&mut text) {
            log::warn!("world map asset unreadable: {err}");
        }
        parse(&text)
    })
}

/// The Equal Earth projection of longitude and latitude in degrees, with north up (y grows
/// northwards) and the unit sphere: x within ±2.7066, y within ±1.3174.
pub fn equal_earth(lon: f64, lat: f64) -> [f64; 2] {
    const A1: f64 = 1.340264;
    const A2: f64 = -0.081106;
    const A3: f64 = 0.000893;
    const A4: f64 = 0.003796;
    let m = 3f64.sqrt() / 2.0;
    let (lambda, phi) = (lon.to_radians(), lat.to_radians());
    let theta = (m * phi.sin()).asin();
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let x = 2.0 * 3f64.sqrt() * lambda * theta.cos()
        / (3.0 * (9.0 * A4 * t6 * t2 + 7.0 * A3 * t6 + 3.0 * A2 * t2 + A1));
    let y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    [x, y]
}

/// The outline of the whole projected globe (the edge of the map, a convex shape), for
/// drawing the sea.
pub fn sphere_outline() -> Vec<[f32; 2]> {
    let east = (-90..=90).map(|lat| equal_earth(180.0, f64::from(lat)));
    let west = (-90..=90)
        .rev()
        .map(|lat| equal_earth(-180.0, f64::from(lat)));
    east.chain(west)
        .map(|[x, y]| [x as f32, y as f32])
        .collect()
}

/// Reads the asset's text (see `assets/make_world_map.py` for the format). Lines that do
/// not read are skipped with a warning.
pub fn parse(text: &str) -> World {
    let mut world = World {
        shapes: Vec::new(),
        bbox: [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
    };
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        match parse_shape(line) {
            Some(shape) => {
                let b = &mut world.bbox;
                b[0] = b[0].min(shape.bbox[0]);
                b[1] = b[1].min(shape.bbox[1]);
                b[2] = b[2].max(shape.bbox[2]);
                b[3] = b[3].max(shape.bbox[3]);
                world.shapes.push(shape);
            }
            None => log::warn!("world map: a line does not read: {:.60}", line),
        }
    }
    world
}

fn parse_shape(line: &str) -> Option<Shape> {
    let mut fields = line.split('\t');
    let (id, name, polygons) = (fields.next()?, fields.next()?, fields.next()?);
    let mut shape = Shape {
        code: code_of_geometry(id, name),
        name: name.to_owned(),
        points: Vec::new(),
        ring_starts: vec![0],
        triangles: Vec::new(),
        bbox: [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        anchor: [0.0, 0.0],
        area: 0.0,
    };
    let mut largest = 0.0;
    for polygon in polygons.split(';').filter(|p| !p.is_empty()) {
        let first = shape.points.len();
        let mut flat: Vec<f64> = Vec::new();
        let mut holes: Vec<usize> = Vec::new();
        for (r, ring) in polygon.split('|').enumerate() {
            if r > 0 {
                holes.push(flat.len() / 2);
            }
            for pair in ring.split(' ') {
                let (lon, lat) = pair.split_once(',')?;
                let (lon, lat) = (lon.parse::<f64>().ok()?, lat.parse::<f64>().ok()?);
                let [x, y] = equal_earth(lon / 100.0, lat / 100.0);
                flat.extend([x, y]);
                shape.points.push([x as f32, y as f32]);
            }
            shape.ring_starts.push(shape.points.len());
        }
        let triangles = earcutr::earcut(&flat, &holes, 2).ok()?;
        let (area, centroid) = area_and_centroid(&flat, &triangles);
        shape.area += area;
        if area > largest {
            largest = area;
            shape.anchor = centroid;
        }
        shape
            .triangles
            .extend(triangles.iter().map(|&i| (first + i) as u32));
    }
    for p in &shape.points {
        shape.bbox[0] = shape.bbox[0].min(p[0]);
        shape.bbox[1] = shape.bbox[1].min(p[1]);
        shape.bbox[2] = shape.bbox[2].max(p[0]);
        shape.bbox[3] = shape.bbox[3].max(p[1]);
    }
    (!shape.points.is_empty()).then_some(shape)
}

/// Area and area-weighted centroid of a triangulated polygon.
fn area_and_centroid(flat: &[f64], triangles: &[usize]) -> (f64, [f32; 2]) {
    let v = |i: usize| (flat[2 * i], flat[2 * i + 1]);
    let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for t in triangles.chunks_exact(3) {
        let (a, b, c) = (v(t[0]), v(t[1]), v(t[2]));
        let w = ((b.0 - a.0) * (c.1 - a.1) - (c.0 - a.0) * (b.1 - a.1)).abs() / 2.0;
        area += w;
        cx += w * (a.0 + b.0 + c.0) / 3.0;
        cy += w * (a.1 + b.1 + c.1) / 3.0;
    }
    if area > 0.0 {
        (area, [(cx / area) as f32, (cy / area) as f32])
    } else {
        (0.0, [flat[0] as f32, flat[1] as f32])
    }
}

fn in_triangle(p: [f32; 2], a: [f32; 2], b: [f32; 2], c: [f32; 2]) -> bool {
    let side =
        |u: [f32; 2], v: [f32; 2]| (v[0] - u[0]) * (p[1] - u[1]) - (v[1] - u[1]) * (p[0] - u[0]);
    let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
    let negative = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let positive = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(negative && positive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_earth_matches_the_values_worked_by_hand() {
        // By hand from the published formulas: on the equator at 180°E, θ = 0 and
        // x = 2√3·π / (3·1.340264) = 2.706630; at the pole θ = π/3 and
        // y = 0.003796·θ⁹ + 0.000893·θ⁷ − 0.081106·θ³ + 1.340264·θ = 1.317363.
        let [x, y] = equal_earth(180.0, 0.0);
        assert!((x - 2.706_630).abs() < 1e-6, "{x}");
        assert!(y.abs() < 1e-12);
        let [x, y] = equal_earth(0.0, 90.0);
        assert!(x.abs() < 1e-12);
        assert!((y - 1.317_363).abs() < 1e-6, "{y}");
        // Symmetric about both axes.
        let [a, b] = equal_earth(-71.0, -33.0);
        let [c, d] = equal_earth(71.0, 33.0);
        assert_eq!((a, b), (-c, -d));
    }

    #[test]
    fn every_country_of_the_asset_is_read_with_its_code() {
        let world = world();
        // Natural Earth 1:50m has 241 admin-0 features.
        assert_eq!(world.shapes.len(), 241);
        let coded = world.shapes.iter().filter(|s| s.code.is_some()).count();
        // Every feature with an ISO numeric id maps, plus Somaliland and Kosovo;
        // N. Cyprus, the Siachen Glacier and the Indian Ocean territories have no code.
        assert_eq!(coded, 238);
        for code in ["KAZ", "PAK", "CHN", "JPN", "USA", "FRA", "SGP", "BHR"] {
            assert!(
                world.shapes.iter().any(|s| s.code.as_deref() == Some(code)),
                "{code} missing"
            );
        }
    }

    #[test]
    fn points_fall_in_the_right_country() {
        let world = world();
        let at = |lon: f64, lat: f64| {
            let [x, y] = equal_earth(lon, lat);
            world
                .shape_at([x as f32, y as f32])
                .and_then(|i| world.shapes[i].code.clone())
        };
        assert_eq!(at(71.45, 51.17).as_deref(), Some("KAZ")); // Astana
        assert_eq!(at(73.05, 33.68).as_deref(), Some("PAK")); // Islamabad
        assert_eq!(at(116.4, 39.9).as_deref(), Some("CHN")); // Beijing
        assert_eq!(at(139.7, 35.7).as_deref(), Some("JPN")); // Tokyo
        assert_eq!(at(-30.0, 30.0), None); // the Atlantic
        // Lesotho is a hole in South Africa: Maseru is in Lesotho, not South Africa.
        assert_eq!(at(28.0, -29.6).as_deref(), Some("LSO"));
    }

    #[test]
    fn triangles_cover_each_polygon_without_gaps() {
        // The triangles' area equals each polygon's area by the shoelace formula (outer
        // ring less its holes), computed here from the asset's text: nothing is left
        // undrawn or drawn twice.
        let mut text = String::new();
        flate2::read::GzDecoder::new(WORLD_GZ)
            .read_to_string(&mut text)
            .unwrap();
        let shoelace = |ring: &str| {
            let points: Vec<[f64; 2]> = ring
                .split(' ')
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    equal_earth(
                        x.parse::<f64>().unwrap() / 100.0,
                        y.parse::<f64>().unwrap() / 100.0,
                    )
                })
                .collect();
            let n = points.len();
            (0..n)
                .map(|i| {
                    let (a, b) = (points[i], points[(i + 1) % n]);
                    a[0] * b[1] - b[0] * a[1]
                })
                .sum::<f64>()
                .abs()
                / 2.0
        };
        let shapes = &world().shapes;
        let lines = text.lines().filter(|l| !l.starts_with('#'));
        for (line, shape) in lines.zip(shapes) {
            let polygons = line.split('\t').nth(2).unwrap();
            let expected: f64 = polygons
                .split(';')
                .map(|polygon| {
                    let mut rings = polygon.split('|').map(shoelace);
                    let outer = rings.next().unwrap_or(0.0);
                    outer - rings.sum::<f64>()
                })
                .sum();
            let relative = (expected - shape.area).abs() / expected;
            assert!(
                relative < 1e-3,
                "{}: {expected} vs {}",
                shape.name,
                shape.area
            );
        }
    }
}
