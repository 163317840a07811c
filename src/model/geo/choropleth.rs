//! What the map colours countries by, and how values become colours: a sequential
//! palette for amounts and counts, a diverging one for growth and balance, both
//! colour-blind-safe (viridis and ColorBrewer's RdBu), as plain RGB so that the model
//! stays free of egui.

/// The measure a map colours partners by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Total trade with the focus country in the year.
    #[default]
    Total,
    /// The focus country's exports to the partner.
    Exports,
    /// The focus country's imports from the partner.
    Imports,
    /// Exports minus imports.
    Balance,
    /// The partner's share of the focus country's trade with all partners in the data.
    Share,
    /// Growth of total trade between two years.
    Growth,
    /// Investment and agreement records involving both countries.
    Deals,
}

impl Measure {
    /// Every measure, in menu order.
    pub const ALL: [Measure; 7] = [
        Measure::Total,
        Measure::Exports,
        Measure::Imports,
        Measure::Balance,
        Measure::Share,
        Measure::Growth,
        Measure::Deals,
    ];

    /// Name in menus and titles.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Total => "Total trade",
            Measure::Exports => "Exports",
            Measure::Imports => "Imports",
            Measure::Balance => "Trade balance",
            Measure::Share => "Share of trade",
            Measure::Growth => "Growth",
            Measure::Deals => "Investments and agreements",
        }
    }

    /// What it means, for the picker's tooltip.
    pub fn help(self) -> &'static str {
        match self {
            Measure::Total => "Exports plus imports with each partner in the year",
            Measure::Exports => "What the focus country sold each partner in the year",
            Measure::Imports => "What the focus country bought from each partner in the year",
            Measure::Balance => "Exports minus imports: blue a surplus, red a deficit",
            Measure::Share => {
                "Each partner's share of the focus country's trade with all partners in the data"
            }
            Measure::Growth => "Change of total trade from the first year chosen to the second",
            Measure::Deals => "Investment and agreement records involving both countries",
        }
    }

    /// Whether values run both ways around zero (a diverging palette).
    pub fn diverging(self) -> bool {
        matches!(self, Measure::Balance | Measure::Growth)
    }

    /// Whether the measure depends on the year.
    pub fn yearly(self) -> bool {
        self != Measure::Deals
    }
}

/// How values map onto the palette.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Sequential, linear from `min` to `max`.
    Linear {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Sequential on a logarithmic axis (trade values span several orders of magnitude).
    Log {
        /// Lowest positive value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Diverging around zero, symmetric: −`limit` … 0 … +`limit`.
    Diverging {
        /// The largest magnitude.
        limit: f64,
    },
}

/// Viridis (matplotlib), dark to light: perceptually uniform, readable in grey and by
/// every common form of colour-blindness.
const VIRIDIS: [[u8; 3]; 10] = [
    [0x44, 0x01, 0x54],
    [0x48, 0x28, 0x78],
    [0x3e, 0x49, 0x89],
    [0x31, 0x68, 0x8e],
    [0x26, 0x82, 0x8e],
    [0x1f, 0x9e, 0x89],
    [0x35, 0xb7, 0x79],
    [0x6e, 0xce, 0x58],
    [0xb5, 0xde, 0x2b],
    [0xfd, 0xe7, 0x25],
];

/// ColorBrewer RdBu (11 classes), red (negative) to blue (positive): colour-blind safe.
const RDBU: [[u8; 3]; 11] = [
    [0x67, 0x00, 0x1f],
    [0xb2, 0x18, 0x2b],
    [0xd6, 0x60, 0x4d],
    [0xf4, 0xa5, 0x82],
    [0xfd, 0xdb, 0xc7],
    [0xf7, 0xf7, 0xf7],
    [0xd1, 0xe5, 0xf0],
    [0x92, 0xc5, 0xde],
    [0x43, 0x93, 0xc3],
    [0x21, 0x66, 0xac],
    [0x05, 0x30, 0x61],
];

impl Scale {
    /// The scale that fits `values`: diverging when asked, else logarithmic when the
    /// values are positive and span more than a factor of 20, else linear. `None`
    /// without a finite value.
    pub fn fit(values: impl IntoIterator<Item = f64>, diverging: bool) -> Option<Scale> {
        let finite: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            return None;
        }
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(if diverging {
            Scale::Diverging {
                limit: min.abs().max(max.abs()).max(f64::MIN_POSITIVE),
            }
        } else if min > 0.0 && max / min > 20.0 {
            Scale::Log { min, max }
        } else {
            Scale::Linear {
                min: min.min(0.0),
                max,
            }
        })
    }

    /// Where `value` lies on the palette, 0–1 (clamped).
    pub fn position(&self, value: f64) -> f64 {
        let t = match *self {
            Scale::Linear { min, max } if max > min => (value - min) / (max - min),
            Scale::Linear { .. } => 1.0,
            Scale::Log { min, max } => {
                (value.max(min).ln() - min.ln()) / (max.ln() - min.ln()).max(f64::MIN_POSITIVE)
            }
            Scale::Diverging { limit } => 0.5 + value / (2.0 * limit),
        };
        t.clamp(0.0, 1.0)
    }

    /// The colour of `value`.
    pub fn color(&self, value: f64) -> [u8; 3] {
        let palette: &[[u8; 3]] = match self {
            Scale::Diverging { .. } => &RDBU,
            _ => &VIRIDIS,
        };
        interpolate(palette, self.position(value))
    }

    /// Values to mark on the legend, lowest first (the ends and a few between).
    pub fn ticks(&self) -> Vec<f64> {
        match *self {
            Scale::Linear { min, max } => (0..=4)
                .map(|i| min + (max - min) * f64::from(i) / 4.0)
                .collect(),
            Scale::Log { min, max } => (0..=4)
                .map(|i| (min.ln() + (max.ln() - min.ln()) * f64::from(i) / 4.0).exp())
                .collect(),
            Scale::Diverging { limit } => vec![-limit, -limit / 2.0, 0.0, limit / 2.0, limit],
        }
    }
}

/// The colour at `t` (0–1) along `palette`, linear in RGB between neighbouring stops.
fn interpolate(palette: &[[u8; 3]], t: f64) -> [u8; 3] {
    let scaled = t.clamp(0.0, 1.0) * (palette.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(palette.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (palette[i], palette[i + 1]);
    std::array::from_fn(|k| {
        (f64::from(a[k]) + (f64::from(b[k]) - f64::from(a[k])) * f).round() as u8
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_fits_the_values() {
        // Trade from $1M to $100M spans 100×: logarithmic, $10M in the middle.
        let scale = Scale::fit([1e6, 1e8, 5e7], false).unwrap();
        assert_eq!(scale, Scale::Log { min: 1e6, max: 1e8 });
        assert!((scale.position(1e7) - 0.5).abs() < 1e-12);
        assert_eq!(scale.color(1e6), VIRIDIS[0]);
        assert_eq!(scale.color(1e8), VIRIDIS[9]);
        // Counts 1 to 4: linear from 0.
        let counts = Scale::fit([1.0, 4.0], false).unwrap();
        assert_eq!(counts, Scale::Linear { min: 0.0, max: 4.0 });
        assert!((counts.position(1.0) - 0.25).abs() < 1e-12);
        // Growth −50 % to +20 %: symmetric around 0, white at 0.
        let growth = Scale::fit([-50.0, 20.0], true).unwrap();
        assert_eq!(growth, Scale::Diverging { limit: 50.0 });
        assert_eq!(growth.color(0.0), RDBU[5]);
        assert_eq!(growth.color(-50.0), RDBU[0]);
        assert!((growth.position(20.0) - 0.7).abs() < 1e-12);
        assert_eq!(Scale::fit([f64::NAN], false), None);
    }

    #[test]
    fn colours_are_interpolated_between_stops() {
        // Halfway between stops 0 (0x44,0x01,0x54) and 1 (0x48,0x28,0x78) of 10:
        // t = 0.5 / 9; by hand (68+72)/2 = 70, (1+40)/2 = 20.5 → 21, (84+120)/2 = 102.
        assert_eq!(interpolate(&VIRIDIS, 0.5 / 9.0), [70, 21, 102]);
        assert_eq!(interpolate(&VIRIDIS, 2.0), VIRIDIS[9]);
    }
}
