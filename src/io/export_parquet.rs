//! Writing a dataset as Parquet, for DuckDB, polars, Spark and the app itself: its rows
//! (all, or those a filter kept) or its pair totals per year. The columns are those of the
//! CSV export, so the app links its own exports back (the "Trade Explorer export" layout).
//!
//! Strings are dictionary-encoded (countries and products repeat), pages snappy-compressed
//! (what Spark and DuckDB write by default, so every engine reads it), and the file is
//! written atomically like a document.

use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::Type;

use super::{SaveError, write_file_atomic};
use crate::model::dataset::{FLOW_MASK, PairTotal, TradeTable, pair_totals_by_year};

/// Rows per row group: about a million keeps memory per group small and lets readers
/// split a file across threads.
const GROUP_ROWS: usize = 1 << 20;

/// The columns of a rows export (the CSV export's), as (name, Parquet type).
const ROWS_COLUMNS: [(&str, &str); 8] = [
    ("year", "required int32"),
    ("reporter", "required binary"),
    ("partner", "required binary"),
    ("flow", "required binary"),
    ("product", "required binary"),
    ("product_name", "required binary"),
    ("value_usd", "required double"),
    ("quantity", "optional double"),
];

/// The columns of a pair totals export.
const TOTALS_COLUMNS: [(&str, &str); 6] = [
    ("year", "required int32"),
    ("reporter", "required binary"),
    ("partner", "required binary"),
    ("flow", "required binary"),
    ("value_usd", "required double"),
    ("rows", "required int64"),
];

/// The columns written for `table` (see [`super::export::writes_flow`]).
fn columns_for(table: &TradeTable, all: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    all.iter()
        .filter(|(name, _)| *name != "flow" || super::export::writes_flow(table))
        .map(|(name, _)| *name)
        .collect()
}

fn schema(name: &str, names: &[&str], all: &[(&str, &str)]) -> Result<Arc<Type>, ParquetError> {
    let mut text = format!("message {name} {{\n");
    for (column, kind) in all.iter().filter(|(c, _)| names.contains(c)) {
        let annotation = if kind.ends_with("binary") {
            " (STRING)"
        } else {
            ""
        };
        text.push_str(&format!("    {kind} {column}{annotation};\n"));
    }
    text.push('}');
    Ok(Arc::new(parse_message_type(&text)?))
}

fn writer_error(err: &ParquetError) -> SaveError {
    SaveError::Parquet(err.to_string())
}

/// The table's country codes, each made once as Parquet bytes.
fn country_codes(table: &TradeTable) -> Vec<ByteArray> {
    table
        .countries
        .iter()
        .map(|c| ByteArray::from(c.code.as_str()))
        .collect()
}

/// One string column: each dictionary entry made once, then shared by its rows.
fn strings(dictionary: &[ByteArray], ids: impl Iterator<Item = usize>) -> Vec<ByteArray> {
    ids.map(|i| dictionary.get(i).cloned().unwrap_or_default())
        .collect()
}

/// A dataset's rows (all, or those listed, in that order) as Parquet bytes.
pub fn rows_parquet(table: &TradeTable, rows: Option<&[u32]>) -> Result<Vec<u8>, ParquetError> {
    let names = columns_for(table, &ROWS_COLUMNS);
    let schema = schema("trade_rows", &names, &ROWS_COLUMNS)?;
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, properties())?;
    let codes = country_codes(table);
    let product_codes: Vec<ByteArray> = table
        .products
        .iter()
        .map(|p| ByteArray::from(p.code.as_str()))
        .collect();
    let product_names: Vec<ByteArray> = table
        .products
        .iter()
        .map(|p| ByteArray::from(p.name.as_str()))
        .collect();
    let flows: Vec<ByteArray> = crate::model::dataset::RowFlow::ALL
        .iter()
        .map(|f| ByteArray::from(f.label()))
        .collect();
    // The k-th row written: the k-th listed, or row k when all are written.
    let count = rows.map_or(table.len(), <[u32]>::len);
    let row_at = |k: usize| rows.map_or(k, |r| r[k] as usize);
    for start in (0..count).step_by(GROUP_ROWS) {
        let group = start..(start + GROUP_ROWS).min(count);
        let mut rg = writer.next_row_group()?;
        let mut column = 0;
        while let Some(mut col) = rg.next_column()? {
            let ids = group.clone().map(row_at);
            match names[column] {
                "year" => {
                    let years: Vec<i32> = ids.map(|i| i32::from(table.year[i])).collect();
                    col.typed::<Int32Type>().write_batch(&years, None, None)?;
                }
                "reporter" | "partner" => {
                    let side = if names[column] == "reporter" {
                        &table.reporter
                    } else {
                        &table.partner
                    };
                    let values = strings(&codes, ids.map(|i| usize::from(side[i])));
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                "flow" => {
                    let flow_of = |i: usize| usize::from(table.flow[i] & FLOW_MASK);
                    let values = strings(&flows, ids.map(flow_of));
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                "product" | "product_name" => {
                    let dictionary = if names[column] == "product" {
                        &product_codes
                    } else {
                        &product_names
                    };
                    let values = strings(dictionary, ids.map(|i| table.product[i] as usize));
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                "value_usd" => {
                    let values: Vec<f64> = ids.map(|i| table.value[i]).collect();
                    col.typed::<DoubleType>().write_batch(&values, None, None)?;
                }
                _ => {
                    let quantities: Vec<f32> = ids.map(|i| table.quantity[i]).collect();
                    let levels: Vec<i16> =
                        quantities.iter().map(|q| i16::from(!q.is_nan())).collect();
                    let present: Vec<f64> = quantities
                        .iter()
                        .filter(|q| !q.is_nan())
                        .map(|q| f64::from(*q))
                        .collect();
                    col.typed::<DoubleType>()
                        .write_batch(&present, Some(&levels), None)?;
                }
            }
            col.close()?;
            column += 1;
        }
        rg.close()?;
    }
    writer.into_inner()
}

/// A dataset's totals per (year, reporter, partner, flow) as Parquet bytes, and how many
/// totals they hold.
pub fn pair_totals_parquet(table: &TradeTable) -> Result<(Vec<u8>, usize), ParquetError> {
    let totals = pair_totals_by_year(table);
    let names = columns_for(table, &TOTALS_COLUMNS);
    let schema = schema("trade_pair_totals", &names, &TOTALS_COLUMNS)?;
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, properties())?;
    let codes = country_codes(table);
    for group in totals.chunks(GROUP_ROWS) {
        let mut rg = writer.next_row_group()?;
        let mut column = 0;
        while let Some(mut col) = rg.next_column()? {
            match names[column] {
                "year" => {
                    let years: Vec<i32> = group.iter().map(|t| i32::from(t.year)).collect();
                    col.typed::<Int32Type>().write_batch(&years, None, None)?;
                }
                "reporter" | "partner" => {
                    let reporter = names[column] == "reporter";
                    let side =
                        |t: &PairTotal| usize::from(if reporter { t.reporter } else { t.partner });
                    let values = strings(&codes, group.iter().map(side));
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                "flow" => {
                    let values: Vec<ByteArray> = group
                        .iter()
                        .map(|t| ByteArray::from(t.flow.label()))
                        .collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                "value_usd" => {
                    let values: Vec<f64> = group.iter().map(|t| t.value).collect();
                    col.typed::<DoubleType>().write_batch(&values, None, None)?;
                }
                _ => {
                    let values: Vec<i64> = group
                        .iter()
                        .map(|t| i64::try_from(t.rows).unwrap_or(i64::MAX))
                        .collect();
                    col.typed::<Int64Type>().write_batch(&values, None, None)?;
                }
            }
            col.close()?;
            column += 1;
        }
        rg.close()?;
    }
    Ok((writer.into_inner()?, totals.len()))
}

fn properties() -> Arc<WriterProperties> {
    Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("Trade Explorer {}", env!("CARGO_PKG_VERSION")))
            .build(),
    )
}

/// Writes a dataset's rows (all, or those listed) as Parquet to `path`, atomically;
/// returns the number of rows written.
pub fn write_rows_parquet(
    path: &Path,
    table: &TradeTable,
    rows: Option<&[u32]>,
) -> Result<usize, SaveError> {
    let bytes = rows_parquet(table, rows).map_err(|e| writer_error(&e))?;
    write_file_atomic(path, &bytes, false)?;
    Ok(rows.map_or(table.len(), <[u32]>::len))
}

/// Writes a dataset's pair totals per year as Parquet to `path`, atomically; returns the
/// number of totals written.
pub fn write_pair_totals_parquet(path: &Path, table: &TradeTable) -> Result<usize, SaveError> {
    let (bytes, totals) = pair_totals_parquet(table).map_err(|e| writer_error(&e))?;
    write_file_atomic(path, &bytes, false)?;
    Ok(totals)
}
