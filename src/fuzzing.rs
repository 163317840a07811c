//! Entry points of the fuzz targets (`fuzz/`), kept in the library so that the regression
//! tests (`tests/fuzz_regressions.rs`) run every saved input through exactly the code the
//! fuzzer ran. Each function panics only when an invariant of the app is broken; bad input
//! must come back as an error value.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use crate::io::import::{self, ColumnMap, ImportOutcome, MappingRoles};
use crate::io::{document_to_ron, parse_document};

/// The fuzz targets, by name (the names of `fuzz/fuzz_targets/*.rs`).
pub const TARGETS: [&str; 10] = [
    "document",
    "recovery",
    "detect",
    "import_any",
    "import_parquet",
    "import_comtrade",
    "import_legacy",
    "import_comtradr",
    "import_baci",
    "import_mapped",
];

/// Header of a UN Comtrade (API / bulk) CSV file.
pub const COMTRADE_HEADER: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";
/// Header of a legacy UN Comtrade CSV file.
pub const LEGACY_HEADER: &str = "Classification,Year,Period,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Netweight (kg),Trade Value (US$)";
/// Header of a comtradr CSV file.
pub const COMTRADR_HEADER: &str = "ref_year,reporter_iso,reporter_desc,flow_desc,partner_iso,partner_desc,cmd_code,cmd_desc,primary_value";
/// Header of a CEPII BACI file.
pub const BACI_HEADER: &str = "t,i,j,k,v,q";
/// Header of the file the mapped-CSV target imports with a fixed mapping.
pub const MAPPED_HEADER: &str = "year,reporter,partner,flow,product,value";

/// Runs `data` through the target named `target`. Returns false for an unknown name.
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "document" => document(data),
        "recovery" => recovery(data),
        "detect" => detect(data),
        // The same checks as import_any; its seeds are Parquet files, so the fuzzer
        // mutates footers, page headers and pages rather than CSV text.
        "import_any" | "import_parquet" => import_any(data),
        "import_comtrade" => import_with_header(COMTRADE_HEADER, data),
        "import_legacy" => import_with_header(LEGACY_HEADER, data),
        "import_comtradr" => import_with_header(COMTRADR_HEADER, data),
        "import_baci" => import_with_header(BACI_HEADER, data),
        "import_mapped" => import_mapped(data),
        _ => return false,
    }
    true
}

/// The document loader: a text that parses must write back to a text that parses again.
pub fn document(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = parse_document(text) else {
        return;
    };
    // A document is only as good as its round trip: what was read must be savable and
    // readable again, or the user could open a file they can never save.
    let written = document_to_ron(&doc).expect("a parsed document serializes");
    let again = parse_document(&written);
    assert!(
        again.is_ok(),
        "written document does not parse: {again:?}\n{written}"
    );
}

/// The recovery copy reader, which runs at every start on whatever the recovery folder
/// holds: a copy that reads must write back to a copy that reads again.
pub fn recovery(data: &[u8]) {
    use crate::io::recovery::{read_recovery, recovery_text};
    let path = write_input(data);
    let Ok((meta, doc)) = read_recovery(&path) else {
        return;
    };
    let written = recovery_text(&meta, &doc).expect("a read copy serializes");
    let again = write_input(written.as_bytes());
    let reread = read_recovery(&again);
    assert!(
        reread.is_ok(),
        "written copy does not read: {reread:?}\n{written}"
    );
}

/// The format detector and the mapping dialog's guesses, on any file.
pub fn detect(data: &[u8]) {
    let path = write_input(data);
    let Ok(peek) = import::peek(&path, 20) else {
        return;
    };
    let roles = MappingRoles::guess(&peek.header);
    if let Ok(map) = roles.to_map(&peek.header, &peek.rows) {
        assert!(
            map.max_column() < peek.header.len().max(1) + 1_000_000,
            "mapping points far outside the header"
        );
        let back = MappingRoles::from_map(&map);
        let _ = back.to_map(&peek.header, &peek.rows);
    }
}

/// A whole import of any file (detection, gzip, every layout's row parser).
pub fn import_any(data: &[u8]) {
    import_and_check(data, None);
}

/// An import of `header` followed by `data`, so that the fuzzer spends its time on one
/// layout's rows.
pub fn import_with_header(header: &str, data: &[u8]) {
    import_and_check(&with_header(header, data), None);
}

/// `header`, a line end, then `body`.
fn with_header(header: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(header.len() + 1 + body.len());
    bytes.extend_from_slice(header.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(body);
    bytes
}

/// An import through a column mapping, with ISO or numeric country codes (first byte).
pub fn import_mapped(data: &[u8]) {
    let (numeric, body) = match data.split_first() {
        Some((first, rest)) => (first & 1 == 1, rest),
        None => (false, data),
    };
    let mut map = ColumnMap {
        year: 0,
        reporter_iso: Some(1),
        reporter_code: None,
        reporter_name: None,
        partner_iso: Some(2),
        partner_code: None,
        partner_name: None,
        flow: Some(3),
        product: Some(4),
        product_name: None,
        value: 5,
        value_scale: 1.0,
        quantity: None,
    };
    if numeric {
        map.reporter_code = map.reporter_iso.take();
        map.partner_code = map.partner_iso.take();
        map.flow = None;
        map.value_scale = 1000.0;
    }
    import_and_check(&with_header(MAPPED_HEADER, body), Some(map));
}

/// Imports `bytes` as a file (through `map` when given) and checks the outcome when the
/// import succeeds; refusals are the expected answer to most inputs.
fn import_and_check(bytes: &[u8], map: Option<ColumnMap>) {
    let path = write_input(bytes);
    if let Ok(outcome) = import::import_file(&path, map, &mut |_| {}, &AtomicBool::new(false)) {
        check_outcome(&outcome);
    }
}

/// What every import must hold, whatever the input.
fn check_outcome(outcome: &ImportOutcome) {
    let table = &outcome.table;
    let n = table.len();
    assert_eq!(outcome.rows_read, n as u64 + outcome.rows_rejected);
    assert!(outcome.rejected.len() <= import::MAX_LISTED_REJECTIONS);
    for column in [table.reporter.len(), table.partner.len(), table.flow.len()] {
        assert_eq!(column, n, "columns of different lengths");
    }
    assert!(table.value.len() == n && table.product.len() == n && table.quantity.len() == n);
    let countries = table.countries.len();
    assert!(
        table
            .reporter
            .iter()
            .chain(&table.partner)
            .all(|&c| usize::from(c) < countries),
        "a row points to a country that is not in the table"
    );
    assert!(
        table
            .product
            .iter()
            .all(|&p| (p as usize) < table.products.len()),
        "a row points to a product that is not in the table"
    );
    assert!(
        table.value.iter().all(|v| v.is_finite()),
        "a value that is not a number was kept"
    );
}

/// Writes `data` to this process's one input file (a private folder, so that no other
/// file, such as a BACI country-code companion, is read by accident).
fn write_input(data: &[u8]) -> PathBuf {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    let folder = FOLDER.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        tempfile::Builder::new()
            .prefix("trade-explorer-fuzz")
            .tempdir_in(base)
            .or_else(|_| tempfile::tempdir())
            .expect("a temporary folder for fuzz inputs")
    });
    let path = folder
        .path()
        .join(format!("input-{:?}.csv", std::thread::current().id()));
    let mut file = std::fs::File::create(&path).expect("the fuzz input file can be written");
    file.write_all(data)
        .expect("the fuzz input file can be written");
    path
}
