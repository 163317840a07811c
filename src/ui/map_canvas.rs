//! The world map itself: countries filled by value from one cached mesh (rebuilt only when
//! the figures, the size, the zoom or the theme change), the focus country outlined, flow
//! lines to the top partners, markers for investments and agreements, hover and click,
//! pan (drag), zoom (wheel, pinch) and reset (double-click).

use std::sync::Arc;

use eframe::egui;
use egui::{Color32, Pos2, Stroke};

use crate::model::explore::MapValues;
use crate::model::geo::{self, Shape, World};
use crate::state::{AppView, Command, MapMesh, MapUi};

/// Fill of the markers of investments and agreements.
pub const DEAL_COLOR: Color32 = Color32::from_rgb(230, 126, 34);

/// Most the map zooms in.
const MAX_ZOOM: f32 = 40.0;

/// Where projected coordinates land on the screen.
#[derive(Debug, Clone, Copy)]
pub struct Transform {
    /// Screen point of `center`.
    screen_center: Pos2,
    /// Projected point at the centre.
    center: [f32; 2],
    /// Points per projected unit.
    scale: f32,
}

impl Transform {
    /// The transform that shows `world` in `rect` at `zoom` around `center`.
    pub fn new(world: &World, rect: egui::Rect, zoom: f32, center: [f32; 2]) -> Transform {
        let [x0, y0, x1, y1] = world.bbox;
        let fit = (rect.width() / (x1 - x0)).min(rect.height() / (y1 - y0)) * 0.98;
        Transform {
            screen_center: rect.center(),
            center,
            scale: fit * zoom,
        }
    }

    /// Screen position of projected point `p` (north up).
    pub fn to_screen(self, p: [f32; 2]) -> Pos2 {
        egui::pos2(
            self.screen_center.x + (p[0] - self.center[0]) * self.scale,
            self.screen_center.y - (p[1] - self.center[1]) * self.scale,
        )
    }

    /// Projected point under screen position `s`.
    pub fn to_world(self, s: Pos2) -> [f32; 2] {
        [
            self.center[0] + (s.x - self.screen_center.x) / self.scale,
            self.center[1] - (s.y - self.screen_center.y) / self.scale,
        ]
    }
}

/// Colours of the map in the current theme.
pub struct Palette {
    /// Countries without a figure.
    pub neutral: Color32,
    /// The focus country.
    pub focus: Color32,
    /// Borders (the background, so that countries separate).
    pub border: Color32,
    /// The sea.
    pub sea: Color32,
    /// Outlines of the focus and hovered countries, and flow lines.
    pub ink: Color32,
}

impl Palette {
    /// The palette for `visuals`.
    pub fn of(visuals: &egui::Visuals) -> Palette {
        let dark = visuals.dark_mode;
        Palette {
            neutral: if dark {
                Color32::from_gray(72)
            } else {
                Color32::from_gray(214)
            },
            focus: if dark {
                Color32::from_gray(235)
            } else {
                Color32::from_gray(40)
            },
            border: visuals.extreme_bg_color,
            sea: if dark {
                Color32::from_rgb(26, 34, 46)
            } else {
                Color32::from_rgb(222, 233, 245)
            },
            ink: visuals.strong_text_color(),
        }
    }
}

/// The fill of `shape`: the focus colour, its value's colour, or neutral.
pub fn fill_of(shape: &Shape, values: &MapValues, palette: &Palette) -> Color32 {
    let Some(code) = shape.code.as_deref() else {
        return palette.neutral;
    };
    if values.focus.as_deref() == Some(code) {
        return palette.focus;
    }
    match (values.values.get(code), values.scale) {
        (Some(v), Some(scale)) => {
            let [r, g, b] = scale.color(v.value);
            Color32::from_rgb(r, g, b)
        }
        _ => palette.neutral,
    }
}

/// Every country as triangles, then every border as a thin strip, in screen coordinates.
pub fn build_mesh(
    world: &World,
    values: &MapValues,
    transform: &Transform,
    palette: &Palette,
) -> egui::Mesh {
    let mut mesh = egui::Mesh::default();
    for shape in &world.shapes {
        let color = fill_of(shape, values, palette);
        let base = mesh.vertices.len() as u32;
        for p in &shape.points {
            mesh.colored_vertex(transform.to_screen(*p), color);
        }
        for t in shape.triangles.chunks_exact(3) {
            mesh.add_triangle(base + t[0], base + t[1], base + t[2]);
        }
    }
    for shape in &world.shapes {
        for ring in shape.rings() {
            let screen: Vec<Pos2> = ring.iter().map(|p| transform.to_screen(*p)).collect();
            border_strip(&mut mesh, &screen, 0.35, palette.border);
        }
    }
    mesh
}

/// A closed strip of half-width `half` along `ring`: two vertices per point, offset along
/// the normal of the neighbours' chord, two triangles per segment.
fn border_strip(mesh: &mut egui::Mesh, ring: &[Pos2], half: f32, color: Color32) {
    let n = ring.len();
    if n < 3 {
        return;
    }
    let base = mesh.vertices.len() as u32;
    for i in 0..n {
        let (prev, next) = (ring[(i + n - 1) % n], ring[(i + 1) % n]);
        let normal = (next - prev).normalized().rot90() * half;
        mesh.colored_vertex(ring[i] + normal, color);
        mesh.colored_vertex(ring[i] - normal, color);
    }
    for i in 0..n as u32 {
        let j = (i + 1) % n as u32;
        let (a, b, c, d) = (
            base + 2 * i,
            base + 2 * i + 1,
            base + 2 * j,
            base + 2 * j + 1,
        );
        mesh.add_triangle(a, b, c);
        mesh.add_triangle(b, d, c);
    }
}

/// What the canvas reports back: the shape under the pointer.
pub struct CanvasResponse {
    /// Index of the hovered shape.
    pub hovered: Option<usize>,
}

/// Draws the map in `rect`, handles pan, zoom, hover and click.
pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    view: &AppView<'_>,
    map: &mut MapUi,
    highlight: Option<&str>,
    commands: &mut Vec<Command>,
) -> CanvasResponse {
    let world = geo::world();
    let values = &view.explore.map;
    let response = ui.interact(
        rect,
        ui.make_persistent_id("world_map"),
        egui::Sense::click_and_drag(),
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Image,
            true,
            format!("World map: {}", values.title),
        )
    });
    navigate(ui, &response, world, rect, map);
    let transform = Transform::new(world, rect, map.zoom, map.center);
    let palette = Palette::of(ui.visuals());
    let key = (
        rect,
        map.zoom,
        map.center,
        view.explore.key.clone(),
        ui.visuals().dark_mode,
    );
    let mesh = match &map.mesh {
        Some(cached) if cached.key == key => cached.mesh.clone(),
        _ => {
            let mesh = Arc::new(build_mesh(world, values, &transform, &palette));
            map.mesh = Some(MapMesh {
                key,
                mesh: mesh.clone(),
            });
            mesh
        }
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let sea: Vec<Pos2> = geo::sphere_outline()
        .into_iter()
        .map(|p| transform.to_screen(p))
        .collect();
    painter.add(egui::Shape::convex_polygon(sea, palette.sea, Stroke::NONE));
    painter.add(egui::Shape::Mesh(mesh));
    let focus = values
        .focus
        .as_deref()
        .and_then(|f| world.shapes.iter().find(|s| s.code.as_deref() == Some(f)));
    if let Some(shape) = focus {
        outline(&painter, shape, &transform, Stroke::new(1.5, palette.ink));
    }
    if map.flows
        && let Some(from) = focus
    {
        flow_lines(&painter, world, values, from, &transform, palette.ink);
    }
    deal_markers(&painter, world, values, &transform, ui.visuals());
    let hovered = response
        .hover_pos()
        .and_then(|p| world.shape_at(transform.to_world(p)));
    let lit = hovered.or_else(|| {
        highlight.and_then(|code| {
            world
                .shapes
                .iter()
                .position(|s| s.code.as_deref() == Some(code))
        })
    });
    if let Some(i) = lit {
        outline(
            &painter,
            &world.shapes[i],
            &transform,
            Stroke::new(2.0, palette.ink),
        );
    }
    if let Some(i) = hovered {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
        let shape = &world.shapes[i];
        response
            .clone()
            .on_hover_ui_at_pointer(|ui| tooltip(ui, view, shape));
        if response.clicked()
            && let Some(code) = &shape.code
            && values.focus.as_deref() != Some(code)
        {
            commands.push(Command::OpenPartner(code.clone()));
        }
    }
    CanvasResponse { hovered }
}

/// Drag pans, the wheel and pinch zoom about the pointer, double-click resets.
fn navigate(
    ui: &egui::Ui,
    response: &egui::Response,
    world: &World,
    rect: egui::Rect,
    map: &mut MapUi,
) {
    // A third quick click still means "reset", not a drag or nothing.
    if response.double_clicked() || response.triple_clicked() {
        map.zoom = 1.0;
        map.center = [0.0, 0.0];
        return;
    }
    let transform = Transform::new(world, rect, map.zoom, map.center);
    if response.dragged() {
        let delta = response.drag_delta();
        let scale = transform.scale.max(f32::MIN_POSITIVE);
        map.center[0] -= delta.x / scale;
        map.center[1] += delta.y / scale;
    }
    if let Some(pointer) = response.hover_pos() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (scroll * 0.002).exp() * pinch;
        if (factor - 1.0).abs() > 1e-4 {
            zoom_about(map, world, rect, factor, pointer);
        }
    }
}

/// Zooms by `factor` keeping the projected point under `anchor` where it is.
pub fn zoom_about(map: &mut MapUi, world: &World, rect: egui::Rect, factor: f32, anchor: Pos2) {
    let before = Transform::new(world, rect, map.zoom, map.center).to_world(anchor);
    zoom_by(map, factor);
    if map.zoom <= 1.0 {
        return;
    }
    let after = Transform::new(world, rect, map.zoom, map.center).to_world(anchor);
    map.center[0] += before[0] - after[0];
    map.center[1] += before[1] - after[1];
}

/// Zooms by `factor` about the view's centre (which stays put); the whole world is the
/// farthest out, centred.
pub fn zoom_by(map: &mut MapUi, factor: f32) {
    map.zoom = (map.zoom * factor).clamp(1.0, MAX_ZOOM);
    if map.zoom <= 1.0 {
        map.center = [0.0, 0.0];
    }
}

fn outline(painter: &egui::Painter, shape: &Shape, transform: &Transform, stroke: Stroke) {
    for ring in shape.rings() {
        let points: Vec<Pos2> = ring.iter().map(|p| transform.to_screen(*p)).collect();
        painter.add(egui::Shape::closed_line(points, stroke));
    }
}

/// Curved lines from the focus country to its largest partners, width by value.
fn flow_lines(
    painter: &egui::Painter,
    world: &World,
    values: &MapValues,
    from: &Shape,
    transform: &Transform,
    ink: Color32,
) {
    let Some(max) = values.flows.first().map(|f| f.1).filter(|m| *m > 0.0) else {
        return;
    };
    let start = transform.to_screen(from.anchor);
    for (code, value) in &values.flows {
        let Some(to) = world
            .shapes
            .iter()
            .find(|s| s.code.as_deref() == Some(code))
        else {
            continue;
        };
        let end = transform.to_screen(to.anchor);
        let chord = end - start;
        // Bend to the left of the chord, by a fifth of its length.
        let control = start + chord * 0.5 + chord.rot90() * -0.2;
        let width = 1.0 + 5.0 * (value / max).sqrt() as f32;
        painter.add(egui::epaint::QuadraticBezierShape::from_points_stroke(
            [start, control, end],
            false,
            Color32::TRANSPARENT,
            Stroke::new(width, ink.gamma_multiply(0.75)),
        ));
    }
}

/// A numbered dot on each partner with investments or agreements.
fn deal_markers(
    painter: &egui::Painter,
    world: &World,
    values: &MapValues,
    transform: &Transform,
    visuals: &egui::Visuals,
) {
    for (code, n) in &values.deals {
        let Some(shape) = world
            .shapes
            .iter()
            .find(|s| s.code.as_deref() == Some(code))
        else {
            continue;
        };
        let at = transform.to_screen(shape.anchor) + egui::vec2(0.0, -10.0);
        painter.circle(
            at,
            8.0,
            DEAL_COLOR,
            Stroke::new(1.0, visuals.extreme_bg_color),
        );
        painter.text(
            at,
            egui::Align2::CENTER_CENTER,
            n.to_string(),
            egui::FontId::proportional(11.0),
            Color32::BLACK,
        );
    }
}

/// Name, figure and source of a country.
fn tooltip(ui: &mut egui::Ui, view: &AppView<'_>, shape: &Shape) {
    let values = &view.explore.map;
    let Some(code) = shape.code.as_deref() else {
        ui.strong(&shape.name);
        ui.label("No data: this area has no country code of its own in trade data");
        return;
    };
    ui.strong(view.explore.name_of(view.doc, code));
    if values.focus.as_deref() == Some(code) {
        ui.label("The focus country");
        return;
    }
    match values.values.get(code) {
        Some(v) => {
            ui.label(format!("{}: {}", values.choice.measure.label(), v.text));
            for line in &v.source {
                ui.label(line);
            }
        }
        None => {
            ui.label(format!("{}: no data", values.choice.measure.label()));
        }
    }
    if let Some(n) = values.deals.get(code) {
        ui.label(format!("Investment and agreement records: {n}"));
    }
    ui.weak("Click to open the relationship");
}
