//! Writing tables to CSV files for File > Export: a document table as shown, or a linked
//! dataset's rows as filtered.

use std::path::Path;

use crate::model::dataset::TradeTable;
use crate::model::{Document, RecordKind, table};

use super::{SaveError, write_file_atomic};

/// Writes rows `rows` of the document's table of `kind`, in that order, as CSV to `path`
/// (atomically, no backup: an export is not a document).
pub fn write_table_csv(
    path: &Path,
    doc: &Document,
    kind: RecordKind,
    rows: &[usize],
) -> Result<(), SaveError> {
    write_file_atomic(path, &table::rows_to_csv(doc, kind, rows), false)
}

/// Writes a dataset's rows (all, or those listed) as CSV to `path`.
pub fn write_rows_csv(
    path: &Path,
    table: &TradeTable,
    rows: Option<&[u32]>,
) -> Result<(), SaveError> {
    write_file_atomic(path, &rows_csv(table, rows), false)
}

/// Whether an export of `table` (CSV or Parquet) has a flow column: reconciled exporter →
/// importer rows (BACI) have none, which is how the import knows they are reconciled.
pub(super) fn writes_flow(table: &TradeTable) -> bool {
    !table.reconciled
}

/// Rows as CSV with a header, for File > Export: all rows, or those listed.
pub fn rows_csv(table: &TradeTable, rows: Option<&[u32]>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let flow = writes_flow(table);
    let header = [
        "year",
        "reporter",
        "partner",
        "flow",
        "product",
        "product_name",
        "value_usd",
        "quantity",
    ];
    let _ = writer.write_record(header.iter().filter(|c| flow || **c != "flow"));
    let mut write = |i: usize| {
        if let Some(r) = table.row(i) {
            let product = &table.products[r.product as usize];
            let fields = [
                r.year.to_string(),
                table.countries[usize::from(r.reporter)].code.clone(),
                table.countries[usize::from(r.partner)].code.clone(),
                r.flow.label().to_owned(),
                product.code.clone(),
                product.name.clone(),
                r.value.to_string(),
                r.quantity.map(|q| q.to_string()).unwrap_or_default(),
            ];
            let _ = writer.write_record(
                fields
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| flow || *c != 3)
                    .map(|(_, f)| f),
            );
        }
    };
    match rows {
        Some(rows) => rows.iter().for_each(|&i| write(i as usize)),
        None => (0..table.len()).for_each(write),
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DatasetCountry, DatasetProduct, RowFlow};

    #[test]
    fn dataset_rows_are_written_with_a_header() {
        let mut t = TradeTable::default();
        let country = |code: &str| DatasetCountry {
            code: code.into(),
            name: code.into(),
            world: false,
            unknown: false,
        };
        t.countries = vec![country("PAK"), country("KAZ")];
        t.products = vec![DatasetProduct {
            code: "0805".into(),
            name: "Citrus fruit".into(),
        }];
        for (year, reporter, partner, flow, value, quantity) in [
            (2024u16, 0u16, 1u16, RowFlow::Export, 60.0, f32::NAN),
            (2023, 1, 0, RowFlow::Import, 7.5, 3.0),
        ] {
            t.year.push(year);
            t.reporter.push(reporter);
            t.partner.push(partner);
            t.flow.push(flow as u8);
            t.product.push(0);
            t.value.push(value);
            t.quantity.push(quantity);
        }
        let text = String::from_utf8(rows_csv(&t, Some(&[1]))).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("year,reporter,partner,flow,product,product_name,value_usd,quantity")
        );
        assert_eq!(
            lines.next(),
            Some("2023,KAZ,PAK,Import,0805,Citrus fruit,7.5,3")
        );
        assert_eq!(lines.next(), None);
        let all = String::from_utf8(rows_csv(&t, None)).unwrap();
        assert_eq!(all.lines().count(), 3);
    }
}
