//! The file layouts Trade Explorer reads, recognised from their header line.

use serde::{Deserialize, Serialize};

/// A known layout of trade data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// UN Comtrade (comtradeplus) CSV or bulk tab-separated text, 47 columns.
    Comtrade,
    /// The legacy UN Comtrade CSV ("Trade Value (US$)", "Reporter ISO", …).
    ComtradeLegacy,
    /// The snake_case layout written by the comtradr R package.
    Comtradr,
    /// CEPII BACI: t, i, j, k, v, q.
    Baci,
    /// Any other CSV, read through a column mapping chosen by the user.
    Mapped,
}

impl Layout {
    /// Name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Comtrade => "UN Comtrade (CSV or bulk text)",
            Layout::ComtradeLegacy => "UN Comtrade legacy CSV",
            Layout::Comtradr => "comtradr (R package) CSV",
            Layout::Baci => "CEPII BACI",
            Layout::Mapped => "CSV with a column mapping",
        }
    }
}

/// Which column holds what. Column indices are 0-based.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnMap {
    /// Year (or a period such as 202401, whose first four digits are the year).
    pub year: usize,
    /// Reporter (or exporter) as ISO alpha-3 code.
    pub reporter_iso: Option<usize>,
    /// Reporter as numeric code.
    pub reporter_code: Option<usize>,
    /// Reporter name.
    pub reporter_name: Option<usize>,
    /// Partner (or importer) as ISO alpha-3 code.
    pub partner_iso: Option<usize>,
    /// Partner as numeric code.
    pub partner_code: Option<usize>,
    /// Partner name.
    pub partner_name: Option<usize>,
    /// Flow code (X, M, RX, …) or description ("Export", "Import").
    pub flow: Option<usize>,
    /// Product code.
    pub product: Option<usize>,
    /// Product description.
    pub product_name: Option<usize>,
    /// Trade value.
    pub value: usize,
    /// Multiplier that turns the value into US dollars (1000 for BACI's thousands).
    pub value_scale: f64,
    /// Quantity.
    pub quantity: Option<usize>,
}

impl ColumnMap {
    /// The largest column index used (rows need at least this many fields plus one).
    pub fn max_column(&self) -> usize {
        [
            Some(self.year),
            self.reporter_iso,
            self.reporter_code,
            self.reporter_name,
            self.partner_iso,
            self.partner_code,
            self.partner_name,
            self.flow,
            self.product,
            self.product_name,
            Some(self.value),
            self.quantity,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
    }
}

fn norm(name: &str) -> String {
    name.trim()
        .trim_matches('"')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    let wanted: Vec<String> = names.iter().map(|n| norm(n)).collect();
    header.iter().position(|h| wanted.contains(&norm(h)))
}

/// The layout of a file with this header, and where its columns are.
pub fn detect(header: &[String]) -> Option<(Layout, ColumnMap)> {
    let has = |names: &[&str]| find(header, names);
    // BACI: t, i, j, k, v (q optional).
    if let (Some(t), Some(i), Some(j), Some(k), Some(v)) = (
        has(&["t"]),
        has(&["i"]),
        has(&["j"]),
        has(&["k"]),
        has(&["v"]),
    ) {
        return Some((
            Layout::Baci,
            ColumnMap {
                year: t,
                reporter_code: Some(i),
                partner_code: Some(j),
                product: Some(k),
                value: v,
                value_scale: 1000.0,
                quantity: has(&["q"]),
                ..ColumnMap::default()
            },
        ));
    }
    // Comtrade (comtradeplus): camelCase names.
    if let (Some(value), Some(year)) = (has(&["primaryValue"]), has(&["refYear", "period"]))
        && (has(&["reporterISO"]).is_some() || has(&["reporterCode"]).is_some())
    {
        let snake = header.iter().any(|h| h.contains('_'));
        if !snake {
            return Some((
                Layout::Comtrade,
                ColumnMap {
                    year,
                    reporter_iso: has(&["reporterISO"]),
                    reporter_code: has(&["reporterCode"]),
                    reporter_name: has(&["reporterDesc"]),
                    partner_iso: has(&["partnerISO"]),
                    partner_code: has(&["partnerCode"]),
                    partner_name: has(&["partnerDesc"]),
                    flow: has(&["flowCode", "flowDesc"]),
                    product: has(&["cmdCode"]),
                    product_name: has(&["cmdDesc"]),
                    value,
                    value_scale: 1.0,
                    quantity: has(&["qty"]),
                },
            ));
        }
    }
    // comtradr: snake_case names.
    if let (Some(value), Some(year)) = (has(&["primary_value"]), has(&["ref_year", "period"]))
        && (has(&["reporter_iso"]).is_some() || has(&["reporter_code"]).is_some())
    {
        return Some((
            Layout::Comtradr,
            ColumnMap {
                year,
                reporter_iso: has(&["reporter_iso"]),
                reporter_code: has(&["reporter_code"]),
                reporter_name: has(&["reporter_desc"]),
                partner_iso: has(&["partner_iso"]),
                partner_code: has(&["partner_code"]),
                partner_name: has(&["partner_desc"]),
                flow: has(&["flow_code", "flow_desc"]),
                product: has(&["cmd_code"]),
                product_name: has(&["cmd_desc"]),
                value,
                value_scale: 1.0,
                quantity: has(&["qty"]),
            },
        ));
    }
    // Legacy Comtrade.
    if let (Some(value), Some(year)) = (has(&["Trade Value (US$)"]), has(&["Year", "Period"]))
        && (has(&["Reporter ISO"]).is_some() || has(&["Reporter Code"]).is_some())
    {
        return Some((
            Layout::ComtradeLegacy,
            ColumnMap {
                year,
                reporter_iso: has(&["Reporter ISO"]),
                reporter_code: has(&["Reporter Code"]),
                reporter_name: has(&["Reporter"]),
                partner_iso: has(&["Partner ISO"]),
                partner_code: has(&["Partner Code"]),
                partner_name: has(&["Partner"]),
                flow: has(&["Trade Flow Code", "Trade Flow"]),
                product: has(&["Commodity Code"]),
                product_name: has(&["Commodity"]),
                value,
                value_scale: 1.0,
                quantity: has(&["Qty", "Netweight (kg)"]),
            },
        ));
    }
    None
}

/// The formats and the columns each needs, for the message about an unknown header.
pub fn expected_columns() -> &'static str {
    "Known formats and the columns they need:\n\
     - UN Comtrade CSV or bulk .txt: refYear (or period), reporterISO or reporterCode, partnerISO or partnerCode, flowCode, cmdCode, primaryValue\n\
     - UN Comtrade legacy CSV: Year, Reporter ISO or Reporter Code, Partner ISO or Partner Code, Trade Flow Code, Commodity Code, Trade Value (US$)\n\
     - comtradr CSV: ref_year, reporter_iso, partner_iso, flow_code or flow_desc, cmd_code, primary_value\n\
     - CEPII BACI: t, i, j, k, v (and q)\n\
     Any other CSV can be imported by choosing its columns in the mapping dialog."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &str, sep: char) -> Vec<String> {
        names.split(sep).map(str::to_owned).collect()
    }

    #[test]
    fn recognises_each_layout() {
        let baci = header("t,i,j,k,v,q", ',');
        let (layout, map) = detect(&baci).unwrap();
        assert_eq!(layout, Layout::Baci);
        assert_eq!((map.value_scale, map.quantity), (1000.0, Some(5)));

        let comtrade = header(
            "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate",
            ',',
        );
        assert_eq!(comtrade.len(), 47);
        let (layout, map) = detect(&comtrade).unwrap();
        assert_eq!(layout, Layout::Comtrade);
        assert_eq!(
            (map.year, map.reporter_iso, map.flow, map.product, map.value),
            (3, Some(7), Some(9), Some(20), 43)
        );

        let legacy = header(
            "Classification\tYear\tPeriod\tTrade Flow Code\tReporter Code\tReporter ISO\tPartner Code\tPartner ISO\tCommodity Code\tCommodity\tNetweight (kg)\tTrade Value (US$)",
            '\t',
        );
        assert_eq!(detect(&legacy).unwrap().0, Layout::ComtradeLegacy);

        let comtradr = header(
            "ref_year,reporter_iso,reporter_desc,flow_desc,partner_iso,partner_desc,cmd_code,cmd_desc,primary_value",
            ',',
        );
        let (layout, map) = detect(&comtradr).unwrap();
        assert_eq!(layout, Layout::Comtradr);
        assert_eq!(map.flow, Some(3));

        assert!(detect(&header("exporter,importer,year,trade", ',')).is_none());
    }
}
