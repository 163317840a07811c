//! Trade indicators analysts compute (WITS trade indicator definitions; Balassa 1965 for
//! revealed comparative advantage), from the trade the user has: linked datasets and the
//! document's records combined. Each is a documented pure function of [`Flows`].
//!
//! Conventions, stated once:
//! - `x_ij` is what `i` exports to `j`: `i`'s own report of exports where the data has
//!   one, else `j`'s report of imports from `i` (a mirror figure). BACI holds one
//!   reconciled value per pair, read as the exporter's.
//! - Totals follow the aggregation rule ([`crate::model::hierarchy`]): each value counted
//!   once. Product figures at a level (2, 4 or 6 digits) use that level's breakdown of
//!   each (year, reporter, partner, flow) group; rows coarser than the level (a chapter
//!   without headings, at level 4) have no product at that level and are left out of
//!   product figures.
//! - "World" is the universe of the data at hand: every exporter present in the year.
//!   Every figure carries it ("world = 225 exporters in the data, 2022").

mod build;
mod compute;
mod figures;
mod flows;
mod span;
mod window;

pub use compute::*;
pub use figures::*;
pub use flows::*;
pub use span::*;
pub use window::*;

#[cfg(test)]
mod span_tests;
#[cfg(test)]
mod tests;
