//! Imported trade data held in columns: a few bytes per row, with countries and products
//! stored once in dictionaries, so that ten million rows fit in a couple of hundred MiB and
//! can be aggregated in tens of milliseconds.
//!
//! Per row: year (u16), reporter (u16), partner (u16), flow and flags (u8), product (u32),
//! value in US dollars (f64) and quantity (f32, NaN when missing): 23 bytes.
//!
//! - `link`: how a dataset is saved in the document.
//! - `table`: the columnar rows and their dictionaries.
//! - `queries`: sums and filters over the rows.
//! - `index`: which blocks of rows hold each country, so one country's sums skip the rest.
//! - `copy`: small datasets copied into the document as records.
//! - `ranges`: work over consecutive ranges of rows on every core.

mod column;
mod copy;
mod index;
mod link;
mod queries;
mod ranges;
mod table;

pub use column::{Column, SharedBytes};
pub use copy::*;
pub use index::*;
pub use link::*;
pub use queries::*;
pub use table::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str, world: bool) -> DatasetCountry {
        DatasetCountry {
            code: code.into(),
            name: code.into(),
            world,
            unknown: false,
        }
    }

    fn product(code: &str) -> DatasetProduct {
        DatasetProduct {
            code: code.into(),
            name: String::new(),
        }
    }

    /// PAK reports to KAZ in 2024: TOTAL 100 (X), chapter 08 60 (X), heading 0805 60 (X),
    /// re-exports 10 (RX), imports 40 (M, chapter 07); World 500 (X).
    fn mixed() -> TradeTable {
        let countries = vec![
            country("PAK", false),
            country("KAZ", false),
            country("W00", true),
        ];
        let products = ["TOTAL", "08", "0805", "07"].map(product).to_vec();
        let rows = [
            (1u16, RowFlow::Export, 0u32, 100.0),
            (1, RowFlow::Export, 1, 60.0),
            (1, RowFlow::Export, 2, 60.0),
            (1, RowFlow::ReExport, 0, 10.0),
            (1, RowFlow::Import, 3, 40.0),
            (2, RowFlow::Export, 0, 500.0),
        ]
        .map(|(partner, flow, prod, value)| (0, partner, flow, prod, value));
        table_of(countries, products, &rows)
    }

    /// A table of 2024 rows (reporter, partner, flow, product, value), flags set.
    fn table_of(
        countries: Vec<DatasetCountry>,
        products: Vec<DatasetProduct>,
        rows: &[(u16, u16, RowFlow, u32, f64)],
    ) -> TradeTable {
        let mut t = TradeTable {
            countries,
            products,
            ..TradeTable::default()
        };
        for &(reporter, partner, flow, prod, value) in rows {
            t.year.push(2024);
            t.reporter.push(reporter);
            t.partner.push(partner);
            t.flow.push(flow as u8);
            t.product.push(prod);
            t.value.push(value);
            t.quantity.push(f32::NAN);
        }
        t.compute_flags();
        t
    }

    #[test]
    fn an_emptied_table_keeps_its_memory_and_nothing_else() {
        let t = mixed();
        t.country_blocks();
        let capacity = t.value.capacity();
        let empty = t.emptied();
        assert_eq!(empty.len(), 0);
        assert!(empty.countries.is_empty() && empty.products.is_empty());
        assert!(!empty.reconciled);
        assert_eq!(empty.value.capacity(), capacity);
        assert!(empty.product.capacity() > 0 && empty.year.capacity() > 0);
        assert_eq!(empty, TradeTable::default());
    }

    #[test]
    fn totals_skip_world_subflows_and_double_counting() {
        let t = mixed();
        // 100 (TOTAL export) + 40 (imports): not 60+60 again, not RX, not World.
        assert_eq!(t.total_usd(), 140.0);
        let sums = focus_sums(&t, "PAK");
        let kaz = sums["KAZ"][&2024];
        assert_eq!((kaz.exports, kaz.imports), (Some(100.0), Some(40.0)));
        assert!(!sums.contains_key("W00"), "World is never a partner");
        // From Kazakhstan's side the same rows are mirror figures.
        let from_kaz = focus_sums(&t, "KAZ");
        let pak = from_kaz["PAK"][&2024];
        assert_eq!(
            (pak.imports_mirror, pak.exports_mirror),
            (Some(100.0), Some(40.0))
        );
    }

    #[test]
    fn a_country_with_itself_counts_in_no_total() {
        let countries = vec![country("ARG", false), country("BRA", false)];
        let products = vec![product("TOTAL")];
        // (reporter, partner, flow, product, value): ARG→BRA 27, ARG→ARG 61,000 (domestic),
        // BRA→ARG 5.
        let rows = [
            (0u16, 1u16, RowFlow::Export, 0u32, 27.0),
            (0, 0, RowFlow::Export, 0, 61_000.0),
            (1, 0, RowFlow::Export, 0, 5.0),
        ];
        let t = table_of(countries, products, &rows);
        assert_eq!(t.total_usd(), 32.0);
        assert_eq!(t.trade_with_itself(), (1, 61_000.0));
        assert_eq!(
            t.flow[1] & (FLAG_IN_TOTALS | FLAG_IN_PRODUCTS),
            0,
            "in no sum"
        );
        let sums = focus_sums(&t, "ARG");
        assert!(!sums.contains_key("ARG"), "not its own partner");
        assert_eq!(sums["BRA"][&2024].exports, Some(27.0));
    }

    #[test]
    fn product_breakdown_uses_the_finest_level_and_rolls_up() {
        let t = mixed();
        let (exports, imports) = pair_products(&t, "PAK", "KAZ", 2024, 2, None);
        assert_eq!(exports, vec![("08".to_owned(), 60.0)]);
        assert_eq!(imports, vec![("07".to_owned(), 40.0)]);
        let (exports, _) = pair_products(&t, "PAK", "KAZ", 2024, 4, Some("08"));
        assert_eq!(exports, vec![("0805".to_owned(), 60.0)]);
    }

    #[test]
    fn reconciled_rows_are_exports_of_one_and_imports_of_the_other() {
        let mut t = TradeTable {
            countries: vec![country("PAK", false), country("KAZ", false)],
            products: vec![product("080510")],
            reconciled: true,
            ..TradeTable::default()
        };
        t.year.push(2022);
        t.reporter.push(0);
        t.partner.push(1);
        t.flow.push(RowFlow::Export as u8);
        t.product.push(0);
        t.value.push(5000.0);
        t.quantity.push(1.5);
        t.compute_flags();
        assert_eq!(focus_sums(&t, "PAK")["KAZ"][&2022].exports, Some(5000.0));
        assert_eq!(focus_sums(&t, "KAZ")["PAK"][&2022].imports, Some(5000.0));
        assert_eq!(t.row(0).unwrap().quantity, Some(1.5));
        let (_, kaz_imports) = pair_products(&t, "KAZ", "PAK", 2022, 6, None);
        assert_eq!(kaz_imports, vec![("080510".to_owned(), 5000.0)]);
    }

    #[test]
    fn pair_totals_sum_what_counts() {
        let t = mixed();
        assert_eq!(pair_totals(&t), vec![((0, 1), 140.0)]);
    }

    /// Rows of two products between PAK (0), KAZ (1) and World (2), whole dollars so that
    /// any order of summing gives the same figures.
    fn two_way(rows: &[(u16, u16, RowFlow, u32, f64)]) -> TradeTable {
        let countries = vec![
            country("PAK", false),
            country("KAZ", false),
            country("W00", true),
        ];
        table_of(countries, vec![product("01"), product("02")], rows)
    }

    #[test]
    fn pair_totals_are_the_same_in_any_number_of_parts_grid_or_map() {
        use RowFlow::{Export, Import};
        let t = two_way(&[
            (0, 1, Export, 0, 10.0),
            (0, 1, Export, 1, 20.0),
            (1, 0, Export, 0, 5.0),
            (0, 2, Export, 0, 1000.0),
            (1, 0, Import, 1, 7.0),
            (0, 1, Import, 0, 3.0),
            (1, 0, Export, 1, 2.0),
        ]);
        // By hand: PAK-KAZ 10 + 20 + 3, KAZ-PAK 5 + 7 + 2; World left out.
        let expected = vec![((0, 1), 33.0), ((1, 0), 14.0)];
        for parts in 1..=8 {
            for dense in [0, 1024] {
                let sums = queries::pair_totals_in(&t, parts, dense);
                assert_eq!(sums, expected, "{parts} parts, grid up to {dense}");
            }
        }
        // Equal totals come out in the grid's order (reporter, then partner) either way.
        let tied = two_way(&[(1, 0, Export, 0, 9.0), (0, 1, Export, 1, 9.0)]);
        for dense in [0, 1024] {
            let sums = queries::pair_totals_in(&tied, 2, dense);
            assert_eq!(
                sums,
                vec![((0, 1), 9.0), ((1, 0), 9.0)],
                "grid up to {dense}"
            );
        }
    }

    #[test]
    fn appending_merges_dictionaries() {
        let mut a = mixed();
        let b = mixed();
        let n = a.len();
        a.append(&b);
        assert_eq!(a.len(), 2 * n);
        assert_eq!(a.countries.len(), 3);
        assert_eq!(a.products.len(), 4);
        assert_eq!(a.row(n).unwrap().partner, 1);
        assert_eq!(
            std::mem::size_of::<u16>() * 3 + 1 + 4 + 8 + 4,
            23,
            "bytes per row"
        );
    }

    #[test]
    fn copied_records_keep_totals_and_products_apart() {
        let t = mixed();
        let copied = to_records(&t, 7, 100, &std::collections::HashSet::new());
        // Totals: PAK→KAZ exports (TOTAL row 100), imports (chapter 07 row 40).
        let totals: Vec<(super::super::document::Flow, f64)> = copied
            .trade
            .iter()
            .filter(|r| r.category.is_none())
            .map(|r| (r.flow, r.value_usd.unwrap_or_default()))
            .collect();
        assert_eq!(
            totals,
            vec![
                (super::super::document::Flow::Export, 100.0),
                (super::super::document::Flow::Import, 40.0)
            ]
        );
        let products: Vec<(&str, f64)> = copied
            .trade
            .iter()
            .filter_map(|r| Some((r.category.as_deref()?, r.value_usd?)))
            .collect();
        // Every product row is copied: the document's rule makes 08 detail of the export
        // total and 0805 detail of 08, so nothing is counted twice.
        assert_eq!(products, vec![("08", 60.0), ("0805", 60.0), ("07", 40.0)]);
        assert!(copied.trade.iter().all(|r| r.source == Some(7)));
        assert_eq!(copied.trade.first().map(|r| r.id), Some(100));
        assert_eq!(copied.categories.len(), 3);
        // The re-export and the World row are not copied.
        assert_eq!(copied.skipped, 2);
    }

    #[test]
    fn row_filters_and_csv() {
        let t = mixed();
        let all = filter_rows(&t, &RowFilter::default());
        assert_eq!(all.len(), t.len());
        let pair = RowFilter {
            country: Some("kaz".into()),
            partner: Some("PAK".into()),
            ..RowFilter::default()
        };
        // Five PAK–KAZ rows; the World row is not between them.
        assert_eq!(filter_rows(&t, &pair), vec![0, 1, 2, 3, 4]);
        let chapter = RowFilter {
            product: "08".into(),
            ..RowFilter::default()
        };
        assert_eq!(filter_rows(&t, &chapter), vec![1, 2]);
        let unknown = RowFilter {
            country: Some("XXX".into()),
            ..RowFilter::default()
        };
        assert!(filter_rows(&t, &unknown).is_empty());
        assert!(
            filter_rows(
                &t,
                &RowFilter {
                    year: Some(2023),
                    ..RowFilter::default()
                }
            )
            .is_empty()
        );
    }
}
