//! The file layouts Trade Explorer reads, recognised from their header line.

pub use crate::model::dataset::{ColumnMap, Layout};

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
    if let Some(found) = trade_explorer_export(header) {
        return Some(found);
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

/// Trade Explorer's own export (rows or pair totals, CSV or Parquet).
fn trade_explorer_export(header: &[String]) -> Option<(Layout, ColumnMap)> {
    let has = |names: &[&str]| find(header, names);
    // Without a flow column its rows are reconciled exporter → importer figures (BACI).
    if let (Some(year), Some(reporter), Some(partner), Some(value)) = (
        has(&["year"]),
        has(&["reporter"]),
        has(&["partner"]),
        has(&["value_usd"]),
    ) {
        Some((
            Layout::TradeExplorer,
            ColumnMap {
                year,
                reporter_iso: Some(reporter),
                partner_iso: Some(partner),
                flow: has(&["flow"]),
                product: has(&["product"]),
                product_name: has(&["product_name"]),
                value,
                value_scale: 1.0,
                quantity: has(&["quantity"]),
                ..ColumnMap::default()
            },
        ))
    } else {
        None
    }
}

/// The columns a user chose in the mapping dialog, before they are checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingRoles {
    /// Year (or period) column.
    pub year: Option<usize>,
    /// Reporter or exporter column (ISO alpha-3 or numeric code).
    pub reporter: Option<usize>,
    /// Partner or importer column.
    pub partner: Option<usize>,
    /// Flow column; `None` means every row is exporter → importer.
    pub flow: Option<usize>,
    /// Product code column.
    pub product: Option<usize>,
    /// Product description column.
    pub product_name: Option<usize>,
    /// Value column.
    pub value: Option<usize>,
    /// Quantity column.
    pub quantity: Option<usize>,
    /// What one unit of the value column is in US dollars (1, 1,000 or 1,000,000).
    pub scale: f64,
}

impl Default for MappingRoles {
    fn default() -> Self {
        Self {
            year: None,
            reporter: None,
            partner: None,
            flow: None,
            product: None,
            product_name: None,
            value: None,
            quantity: None,
            scale: 1.0,
        }
    }
}

/// Whether most sample values of a column are numbers (numeric country codes) rather than
/// letters (ISO codes).
fn looks_numeric(rows: &[Vec<String>], column: usize) -> bool {
    let values: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.get(column))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    !values.is_empty()
        && values
            .iter()
            .filter(|v| {
                v.split('.')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            })
            .count()
            * 2
            > values.len()
}

impl MappingRoles {
    /// Guesses from the column names, so that the dialog opens with likely choices.
    pub fn guess(header: &[String]) -> MappingRoles {
        let has = |names: &[&str]| find(header, names);
        MappingRoles {
            year: has(&["year", "yr", "t", "period", "time", "refyear"]),
            reporter: has(&[
                "exporter", "reporter", "origin", "iso_o", "iso3_o", "from", "country", "i",
            ]),
            partner: has(&[
                "importer",
                "partner",
                "destination",
                "iso_d",
                "iso3_d",
                "to",
                "j",
            ]),
            flow: has(&["flow", "tradeflow", "direction", "flowcode"]),
            product: has(&["product", "hs", "hs6", "commodity", "cmdcode", "k", "code"]),
            product_name: has(&["description", "productname", "commoditydescription"]),
            value: has(&[
                "value",
                "trade",
                "tradevalue",
                "usd",
                "valueusd",
                "v",
                "flows",
                "amount",
            ]),
            quantity: has(&["quantity", "qty", "q", "weight", "netweight"]),
            scale: 1.0,
        }
    }

    /// The column map, or what is missing. Country columns holding numbers are read as
    /// numeric (M49) codes, others as ISO alpha-3 codes, judged from the sample `rows`.
    pub fn to_map(&self, header: &[String], rows: &[Vec<String>]) -> Result<ColumnMap, String> {
        let mut missing = Vec::new();
        if self.year.is_none() {
            missing.push("year");
        }
        if self.reporter.is_none() {
            missing.push("reporter or exporter");
        }
        if self.partner.is_none() {
            missing.push("partner or importer");
        }
        if self.value.is_none() {
            missing.push("value");
        }
        if !missing.is_empty() {
            return Err(format!("Choose a column for: {}.", missing.join(", ")));
        }
        let used: Vec<usize> = [self.year, self.reporter, self.partner, self.value]
            .into_iter()
            .flatten()
            .collect();
        for (i, c) in used.iter().enumerate() {
            if used[..i].contains(c) {
                let name = header.get(*c).map_or("?", String::as_str);
                return Err(format!(
                    "Column \"{name}\" is chosen for two roles; each role needs its own column."
                ));
            }
        }
        if !(self.scale.is_finite() && self.scale > 0.0) {
            return Err("The value's scale must be a positive number.".to_owned());
        }
        let country = |c: Option<usize>| match c {
            Some(c) if looks_numeric(rows, c) => (None, Some(c)),
            other => (other, None),
        };
        let (reporter_iso, reporter_code) = country(self.reporter);
        let (partner_iso, partner_code) = country(self.partner);
        Ok(ColumnMap {
            year: self.year.unwrap_or_default(),
            reporter_iso,
            reporter_code,
            reporter_name: None,
            partner_iso,
            partner_code,
            partner_name: None,
            flow: self.flow,
            product: self.product,
            product_name: self.product_name,
            value: self.value.unwrap_or_default(),
            value_scale: self.scale,
            quantity: self.quantity,
        })
    }

    /// The roles of a map chosen before (remembered for files with the same header).
    pub fn from_map(map: &ColumnMap) -> MappingRoles {
        MappingRoles {
            year: Some(map.year),
            reporter: map.reporter_iso.or(map.reporter_code),
            partner: map.partner_iso.or(map.partner_code),
            flow: map.flow,
            product: map.product,
            product_name: map.product_name,
            value: Some(map.value),
            quantity: map.quantity,
            scale: map.value_scale,
        }
    }
}

/// The key under which a mapping is remembered: the header's column names.
pub fn header_key(header: &[String]) -> String {
    header.join("\u{1f}")
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

    #[test]
    fn mapping_roles_guess_check_and_tell_codes_apart() {
        let h = header("year,exporter,importer,trade,flag", ',');
        let roles = MappingRoles::guess(&h);
        assert_eq!(
            (roles.year, roles.reporter, roles.partner, roles.value),
            (Some(0), Some(1), Some(2), Some(3))
        );
        let iso = vec![vec!["2020".into(), "PAK".into(), "KAZ".into(), "5".into()]];
        let map = roles.to_map(&h, &iso).unwrap();
        assert_eq!((map.reporter_iso, map.reporter_code), (Some(1), None));
        let numeric = vec![vec!["2020".into(), "586".into(), "398".into(), "5".into()]];
        let map = roles.to_map(&h, &numeric).unwrap();
        assert_eq!((map.reporter_iso, map.reporter_code), (None, Some(1)));
        assert_eq!(MappingRoles::from_map(&map).reporter, Some(1));

        let missing = MappingRoles {
            value: None,
            ..roles.clone()
        };
        assert!(missing.to_map(&h, &iso).unwrap_err().contains("value"));
        let twice = MappingRoles {
            partner: Some(1),
            ..roles.clone()
        };
        assert!(twice.to_map(&h, &iso).unwrap_err().contains("exporter"));
        let bad_scale = MappingRoles {
            scale: 0.0,
            ..roles
        };
        assert!(bad_scale.to_map(&h, &iso).is_err());
    }

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
