//! Copying a small dataset into the document as editable records.

use crate::model::document::Id;
use crate::model::hs;

use super::link::DatasetLink;
use super::table::*;

/// Imports of at most this many rows may be copied into a document as editable records;
/// bigger ones are linked.
pub const COPY_LIMIT: usize = 100_000;

/// A dataset's rows as editable records, for copying a small import into the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopiedRecords {
    /// Trade records: one total per (year, reporter, partner, flow) and one per product row.
    pub trade: Vec<crate::model::document::TradeVolume>,
    /// Categories for product codes the document does not have yet.
    pub categories: Vec<crate::model::document::Category>,
    /// Rows not copied: World, re-exports and other "of which" flows, and aggregate rows
    /// whose detail rows are copied instead.
    pub skipped: usize,
}

/// Turns `table` into records citing `source`, numbered from `first_id`. Totals are the
/// sums the views would show (never counting World, sub-flows or an aggregate row with its
/// details); product rows keep their code as category.
pub fn to_records(
    table: &TradeTable,
    source: Id,
    first_id: Id,
    known_categories: &std::collections::HashSet<String>,
) -> CopiedRecords {
    use crate::model::document::{Category, Flow, TradeVolume};
    use std::collections::BTreeMap;
    let mut out = CopiedRecords::default();
    let flow_of = |bits: u8| match (RowFlow::from_bits(bits), table.reconciled) {
        (RowFlow::Export, _) => Some(Flow::Export),
        (RowFlow::Import, _) => Some(Flow::Import),
        _ => None,
    };
    let mut totals: BTreeMap<(u16, u16, u16, u8), (f64, usize)> = BTreeMap::new();
    let mut products = Vec::new();
    for i in 0..table.len() {
        let bits = table.flow[i];
        let Some(flow) = flow_of(bits) else {
            out.skipped += 1;
            continue;
        };
        let product = &table.products[table.product[i] as usize];
        let mut used = false;
        if bits & FLAG_IN_TOTALS != 0 {
            let e = totals
                .entry((
                    table.year[i],
                    table.reporter[i],
                    table.partner[i],
                    flow as u8,
                ))
                .or_default();
            e.0 += table.value[i];
            e.1 += 1;
            used = true;
        }
        if bits & FLAG_IN_PRODUCTS != 0 && product.level() > 0 {
            products.push((i, flow));
            used = true;
        }
        if !used {
            out.skipped += 1;
        }
    }
    let mut id = first_id;
    let country = |c: u16| table.countries[usize::from(c)].code.clone();
    for ((year, reporter, partner, flow), (value, rows)) in totals {
        let flow = if flow == Flow::Export as u8 {
            Flow::Export
        } else {
            Flow::Import
        };
        out.trade.push(TradeVolume {
            id,
            year: Some(i32::from(year)),
            reporter: country(reporter),
            partner: country(partner),
            flow,
            category: None,
            value_usd: Some(value),
            quantity: None,
            source: Some(source),
            note: if rows > 1 {
                format!("Sum of {rows} rows of the imported file")
            } else {
                String::new()
            },
        });
        id += 1;
    }
    let mut new_codes: std::collections::BTreeMap<String, String> = BTreeMap::new();
    for (i, flow) in products {
        let product = &table.products[table.product[i] as usize];
        if !known_categories.contains(&product.code) && !new_codes.contains_key(&product.code) {
            let name = if !product.name.is_empty() {
                product.name.clone()
            } else if let Some(name) = hs::name(&product.code) {
                name.to_owned()
            } else {
                format!("HS {}", product.code)
            };
            new_codes.insert(product.code.clone(), name);
        }
        out.trade.push(TradeVolume {
            id,
            year: Some(i32::from(table.year[i])),
            reporter: country(table.reporter[i]),
            partner: country(table.partner[i]),
            flow,
            category: Some(product.code.clone()),
            value_usd: Some(table.value[i]),
            quantity: None,
            source: Some(source),
            note: String::new(),
        });
        id += 1;
    }
    out.categories = new_codes
        .into_iter()
        .map(|(code, name)| Category {
            code,
            name,
            note: "Added when rows were copied from an imported file".to_owned(),
        })
        .collect();
    out
}

/// Country codes the copied records use that are neither ISO codes nor declared in `doc`
/// (Comtrade's S19 "Other Asia, nes", BACI's numeric codes of areas): declared as groups
/// with the name the file gives, so that the document validates as the import did.
fn undeclared_codes(
    doc: &crate::model::document::Document,
    table: &TradeTable,
    records: &[crate::model::document::TradeVolume],
) -> Vec<crate::model::document::CountryEntry> {
    let used: std::collections::BTreeSet<&str> = records
        .iter()
        .flat_map(|t| [t.reporter.as_str(), t.partner.as_str()])
        .filter(|c| !crate::model::country::is_known(doc, c))
        .collect();
    used.into_iter()
        .map(|code| {
            let name = table
                .countries
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.name.clone())
                .filter(|n| !n.is_empty() && n != code)
                .unwrap_or_else(|| format!("{code} (as the imported file names it)"));
            crate::model::document::CountryEntry {
                code: code.to_owned(),
                name,
                group: true,
            }
        })
        .collect()
}

/// The edit that copies `table` into `doc` as editable records: a source naming the file,
/// categories for new product codes, and the records of [`to_records`]. Returns the edit,
/// the number of trade records and the number of rows not copied.
pub fn copy_rows_edit(
    doc: &crate::model::document::Document,
    table: &TradeTable,
    link: &DatasetLink,
) -> (crate::model::edit::Edit, usize, usize) {
    use crate::model::edit::Edit;
    use crate::model::record::Record;
    use crate::model::validate::RecordKind;
    let source_id = doc.next_id(RecordKind::Source);
    let first_id = doc.next_id(RecordKind::Trade);
    let known: std::collections::HashSet<String> =
        doc.categories.iter().map(|c| c.code.clone()).collect();
    let copied = to_records(table, source_id, first_id, &known);
    let source = crate::model::document::Source {
        id: source_id,
        title: link.name.clone(),
        publisher: String::new(),
        url: String::new(),
        date: None,
        note: format!("Imported from {} ({})", link.path, link.layout.label()),
    };
    let categories = doc.categories.len();
    let trade = doc.trade.len();
    let records = copied.trade.len();
    let groups = undeclared_codes(doc, table, &copied.trade);
    let countries = doc.countries.len();
    let edit = Edit::Batch(vec![
        Edit::Insert(vec![(doc.sources.len(), Record::Source(source))]),
        Edit::Insert(
            groups
                .into_iter()
                .enumerate()
                .map(|(i, c)| (countries + i, Record::Country(c)))
                .collect(),
        ),
        Edit::Insert(
            copied
                .categories
                .into_iter()
                .enumerate()
                .map(|(i, c)| (categories + i, Record::Category(c)))
                .collect(),
        ),
        Edit::Insert(
            copied
                .trade
                .into_iter()
                .enumerate()
                .map(|(i, t)| (trade + i, Record::Trade(t)))
                .collect(),
        ),
    ]);
    (edit, records, copied.skipped)
}
