//! A data release of many files as one dataset: a folder and the same files as a zip read
//! in place, companions used and other files left out, mixed layouts refused, a failing
//! file named while the others are read, and the folder's fingerprint and cache.

#[path = "common/baci_parquet.rs"]
mod baci_parquet;

use baci_parquet::{BaciRow, OwnedBaciRow, baci_parquet, baci_parquet_with};

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use trade_explorer::io::import::{self, ImportError, cache, release};

/// Three yearly BACI files (values in thousands of US dollars), by hand:
///
/// | file | t | i (exporter) | j (importer) | k | v |
/// | --- | --- | --- | --- | --- | --- |
/// | Y2021 | 2021 | 586 PAK | 398 KAZ | 080510 | 10.0 |
/// | Y2022 | 2022 | 586 PAK | 398 KAZ | 080510 | 20.0 |
/// | Y2022 | 2022 | 398 KAZ | 586 PAK | 100199 | 5.5 |
/// | Y2023 | 2023 | 586 PAK | 398 KAZ | 300490 | 40.0 |
///
/// Total 75.5 thousand = $75,500 over 2021–2023; country 999 is named "Testland" only by
/// the release's country list, product 300490 "Medicaments (release name)" only by its
/// product list.
const FILES: [(&str, &str); 3] = [
    (
        "BACI_HS92_Y2021_V202401b.csv",
        "t,i,j,k,v,q\n2021,586,398,080510,10.0,1\n",
    ),
    (
        "BACI_HS92_Y2022_V202401b.csv",
        "t,i,j,k,v,q\n2022,586,398,080510,20.0,2\n2022,398,586,100199,5.5,3\n",
    ),
    (
        "BACI_HS92_Y2023_V202401b.csv",
        "t,i,j,k,v,q\n2023,586,398,300490,40.0,4\n2023,999,586,300490,0.0,0\n",
    ),
];
const COUNTRIES: &str =
    "country_code,country_name,country_iso2,country_iso3\n999,Testland,TL,TLX\n";
const PRODUCTS: &str = "code,description\n300490,Medicaments (release name)\n";

fn write_release(dir: &Path) {
    for (name, text) in FILES {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("country_codes_V202401b.csv"), COUNTRIES).unwrap();
    std::fs::write(dir.join("product_codes_HS92_V202401b.csv"), PRODUCTS).unwrap();
    std::fs::write(dir.join("Readme.txt"), "BACI release notes").unwrap();
}

fn write_zip(path: &Path, entries: &[(&str, &str)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn import(path: &Path) -> Result<import::ImportOutcome, ImportError> {
    import::import_file(path, None, &mut |_| {}, &AtomicBool::new(false))
}

fn years(table: &trade_explorer::model::dataset::TradeTable) -> Vec<u16> {
    let mut years = table.year.to_vec();
    years.sort_unstable();
    years.dedup();
    years
}

fn check_release(outcome: &import::ImportOutcome) {
    assert_eq!(outcome.files, 3);
    assert!(outcome.failed_files.is_empty());
    assert_eq!(outcome.table.len(), 5);
    assert_eq!(years(&outcome.table), [2021, 2022, 2023]);
    assert!((outcome.table.total_usd() - 75_500.0).abs() < 1e-6);
    let testland = outcome.table.countries.iter().find(|c| c.code == "TLX");
    assert_eq!(testland.map(|c| c.name.as_str()), Some("Testland"));
    let product = outcome.table.products.iter().find(|p| p.code == "300490");
    assert_eq!(
        product.map(|p| p.name.as_str()),
        Some("Medicaments (release name)")
    );
}

#[test]
fn a_folder_is_one_dataset_with_every_year() {
    let dir = tempfile::tempdir().unwrap();
    write_release(dir.path());
    let listed = release::list(dir.path()).unwrap();
    assert_eq!(listed.data.len(), 3);
    assert_eq!(listed.left_out, ["Readme.txt"]);
    assert!(listed.country_codes.is_some() && listed.product_codes.is_some());
    check_release(&import(dir.path()).unwrap());
    let peek = import::peek(dir.path(), 5).unwrap();
    let source = peek.source.unwrap();
    assert!(source.starts_with("Folder of 3 data files"), "{source}");
    assert!(source.contains("left out: Readme.txt"), "{source}");
}

/// Files linked into a folder (a common way to pick the years of a release) count with
/// their own size, so that progress and the fingerprint see them; a link to a folder is
/// not followed.
#[cfg(unix)]
#[test]
fn linked_files_in_a_folder_count_as_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    let picked = dir.path().join("picked");
    std::fs::create_dir_all(&source).unwrap();
    std::fs::create_dir_all(&picked).unwrap();
    write_release(&source);
    for (name, text) in FILES {
        std::os::unix::fs::symlink(source.join(name), picked.join(name)).unwrap();
        let member = release::list(&picked).unwrap();
        let m = member.data.iter().find(|m| m.name == name).unwrap();
        assert_eq!(m.size, text.len() as u64, "{name}");
    }
    for name in [
        "country_codes_V202401b.csv",
        "product_codes_HS92_V202401b.csv",
    ] {
        std::os::unix::fs::symlink(source.join(name), picked.join(name)).unwrap();
    }
    std::os::unix::fs::symlink(&source, picked.join("loop")).unwrap();
    let listed = release::list(&picked).unwrap();
    assert_eq!(listed.data.len(), 3, "the linked folder is not followed");
    assert!(
        listed
            .left_out
            .contains(&"loop (a link to a folder, not followed)".to_owned()),
        "{:?}",
        listed.left_out
    );
    // A folder of nothing but links to folders says so rather than looking empty.
    let links_only = dir.path().join("links_only");
    std::fs::create_dir_all(&links_only).unwrap();
    std::os::unix::fs::symlink(&source, links_only.join("t=2021")).unwrap();
    let err = release::list(&links_only).unwrap_err().to_string();
    assert!(
        err.ends_with("found: t=2021 (a link to a folder, not followed)"),
        "{err}"
    );
    check_release(&import(&picked).unwrap());
    // Rewriting a linked file changes the folder's fingerprint.
    let before = cache::Fingerprint::of(&picked).unwrap();
    std::fs::write(
        source.join(FILES[0].0),
        "t,i,j,k,v,q\n2021,586,398,080510,11.0,1\n",
    )
    .unwrap();
    assert_ne!(cache::Fingerprint::of(&picked).unwrap(), before);
}

#[test]
fn a_zip_is_read_in_place_to_the_same_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("BACI_HS92_V202401b.zip");
    let mut entries: Vec<(&str, &str)> = FILES.to_vec();
    entries.push(("country_codes_V202401b.csv", COUNTRIES));
    entries.push(("product_codes_HS92_V202401b.csv", PRODUCTS));
    entries.push(("Readme.txt", "notes"));
    write_zip(&zip, &entries);
    assert_eq!(release::kind_of(&zip), release::SourceKind::Zip);
    check_release(&import(&zip).unwrap());
    // Nothing was unpacked beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn files_of_different_layouts_are_refused_with_a_list() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a_baci.csv"), FILES[0].1).unwrap();
    std::fs::write(
        dir.path().join("b_comtradr.csv"),
        "period,reporter_iso,partner_iso,flow_desc,cmd_code,primary_value\n2021,PAK,KAZ,Export,08,100\n",
    )
    .unwrap();
    let err = import(dir.path()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ImportError::MixedLayouts { .. }), "{text}");
    assert!(text.contains("- a_baci.csv: CEPII BACI"), "{text}");
    assert!(text.contains("- b_comtradr.csv: comtradr"), "{text}");
}

#[test]
fn a_failing_file_is_named_and_the_others_are_read() {
    let dir = tempfile::tempdir().unwrap();
    write_release(dir.path());
    // A gzip file that ends early: its header reads, its body does not.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"t,i,j,k,v,q\n").unwrap();
    for _ in 0..20_000 {
        gz.write_all(b"2024,586,398,080510,1.0,1\n").unwrap();
    }
    let bytes = gz.finish().unwrap();
    std::fs::write(
        dir.path().join("BACI_HS92_Y2024_V202401b.csv.gz"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    let outcome = import(dir.path()).unwrap();
    assert_eq!(outcome.files, 3);
    assert_eq!(outcome.failed_files.len(), 1);
    let (name, why) = &outcome.failed_files[0];
    assert_eq!(name, "BACI_HS92_Y2024_V202401b.csv.gz");
    assert!(why.contains("incomplete or damaged"), "{why}");
    assert!((outcome.table.total_usd() - 75_500.0).abs() < 1e-6);
}

#[test]
fn a_folder_without_data_says_what_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Readme.txt"), "notes").unwrap();
    let err = import(dir.path()).unwrap_err().to_string();
    assert!(err.contains("no trade data file in it"), "{err}");
    assert!(err.contains("Readme.txt"), "{err}");
    // A damaged archive.
    let zip = dir.path().join("broken.zip");
    std::fs::write(&zip, b"PK\x03\x04 not really an archive").unwrap();
    let err = import(&zip).unwrap_err().to_string();
    assert!(err.contains("not a readable zip archive"), "{err}");
}

#[test]
fn the_folders_fingerprint_and_cache_follow_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("release");
    std::fs::create_dir(&data).unwrap();
    write_release(&data);
    let cache_dir = dir.path().join("cache");
    std::fs::create_dir(&cache_dir).unwrap();
    let open = || {
        import::open_dataset(
            &data,
            None,
            Some(&cache_dir),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap()
    };
    let first = open();
    assert!(!first.from_cache);
    let second = open();
    assert!(second.from_cache);
    assert_eq!(second.outcome.table, first.outcome.table);
    assert_eq!(second.outcome.files, 3);
    let before = cache::Fingerprint::of(&data).unwrap();
    // A file added: another fingerprint, the cache is not used, the new year is read.
    std::fs::write(
        data.join("BACI_HS92_Y2024_V202401b.csv"),
        "t,i,j,k,v,q\n2024,586,398,080510,1.5,1\n",
    )
    .unwrap();
    assert_ne!(cache::Fingerprint::of(&data).unwrap(), before);
    let third = open();
    assert!(!third.from_cache);
    assert_eq!(years(&third.outcome.table), [2021, 2022, 2023, 2024]);
    assert!((third.outcome.table.total_usd() - 77_000.0).abs() < 1e-6);
    // A file removed.
    std::fs::remove_file(data.join("BACI_HS92_Y2021_V202401b.csv")).unwrap();
    let fourth = open();
    assert!(!fourth.from_cache);
    assert_eq!(years(&fourth.outcome.table), [2022, 2023, 2024]);
}

/// The whole release's room is reserved once, from the first file's rows per byte: the
/// columns end close to 23 bytes a row (doubling as files are appended left up to a
/// third of them unused: 30.7 bytes a row on three files of a generated release).
#[test]
fn a_folder_of_similar_files_fills_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    for year in 2016..2023 {
        let mut text = String::from("t,i,j,k,v,q\n");
        for row in 0..2_000 {
            text.push_str(&format!("{year},586,398,{:06},1.5,2\n", 10_000 + row));
        }
        std::fs::write(dir.path().join(format!("BACI_HS92_Y{year}_V1.csv")), text).unwrap();
    }
    let table = import(dir.path()).unwrap().table;
    assert_eq!(table.len(), 14_000);
    // 23 bytes of columns a row; the estimate leaves 2 % spare.
    let per_row = table.row_bytes() as f64 / table.len() as f64;
    assert!(per_row < 23.0 * 1.05, "{per_row:.1} bytes a row");
}

/// A folder of Parquet files says how many rows it holds (each file's footer): the whole is
/// reserved exactly, even where the first file's rows per byte would badly mislead (here a
/// first file of distinct values that compress poorly, then files of one repeated row that
/// compress to almost nothing: an estimate from bytes would fall short and the columns grow
/// by doubling).
#[test]
fn a_folder_of_parquet_files_is_reserved_from_their_row_counts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    let mut total = 0;
    for (f, year) in (2016..2023).enumerate() {
        let mut text = String::from("t,i,j,k,v,q\n");
        let rows = if f == 0 { 2_000 } else { 30_000 };
        for row in 0..rows {
            match f {
                0 => text.push_str(&format!(
                    "{year},586,398,{:06},{}.25,2\n",
                    10_000 + row,
                    row * 7919
                )),
                _ => text.push_str(&format!("{year},586,398,100000,1.5,2\n")),
            }
        }
        total += rows;
        std::fs::write(&csv, text).unwrap();
        let table = import(&csv).unwrap().table;
        let bytes = trade_explorer::io::export_parquet::rows_parquet(&table, None).unwrap();
        let parquet = dir.path().join("parquet").join(format!("part-{f}.parquet"));
        std::fs::create_dir_all(parquet.parent().unwrap()).unwrap();
        std::fs::write(parquet, bytes).unwrap();
    }
    let table = import(&dir.path().join("parquet")).unwrap().table;
    assert_eq!(table.len(), total);
    let per_row = table.row_bytes() as f64 / table.len() as f64;
    assert!(per_row <= 23.0, "{per_row:.1} bytes a row");
}

/// A folder's files are read into parts that are emptied and filled again by later files
/// (their memory reused, their dictionaries not): the release still holds every file's
/// own rows, in name order, with each file's own countries and products, as each file
/// imported alone gives them.
#[test]
fn parts_reused_from_file_to_file_keep_each_files_rows() {
    let dir = tempfile::tempdir().unwrap();
    let reporters = [586, 398, 76, 156, 356, 840, 276];
    let mut expected = Vec::new();
    for (f, year) in (2016..2023).enumerate() {
        let mut text = String::from("t,i,j,k,v,q\n");
        // Each file has its own reporter and products, and fewer rows than the one before.
        for row in 0..(900 - 100 * f) {
            let product = format!("{:06}", 100_000 * f + row);
            text.push_str(&format!("{year},{},4,{product},{row}.5,2\n", reporters[f]));
        }
        let path = dir.path().join(format!("BACI_HS92_Y{year}_V1.csv"));
        std::fs::write(&path, text).unwrap();
        expected.extend(rows_of(&import(&path).unwrap().table));
    }
    let release = import(dir.path()).unwrap();
    assert_eq!(release.files, 7);
    assert_eq!(rows_of(&release.table), expected);
}

/// Every row as (year, reporter, partner, product code, value).
fn rows_of(
    t: &trade_explorer::model::dataset::TradeTable,
) -> Vec<(u16, String, String, String, f64)> {
    (0..t.len())
        .map(|i| {
            (
                t.year[i],
                t.countries[usize::from(t.reporter[i])].code.clone(),
                t.countries[usize::from(t.partner[i])].code.clone(),
                t.products[t.product[i] as usize].code.clone(),
                t.value[i],
            )
        })
        .collect()
}

/// `rows` BACI-like rows of `year` after the header, their values of varying width (a
/// seeded generator: the same text every run).
fn baci_rows(year: u32, rows: usize, seed: u64) -> String {
    let mut state = seed;
    let mut text = String::from("t,i,j,k,v,q\n");
    for _ in 0..rows {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let (i, j, k) = (
            state % 900 + 4,
            (state >> 10) % 900 + 4,
            (state >> 20) % 999_999,
        );
        let value = (state >> 30) % 10_000_000;
        text.push_str(&format!(
            "{year},{i},{j},{k:06},{}.{:03},{}\n",
            value / 1000,
            value % 1000,
            (state >> 50) % 5000
        ));
    }
    text
}

/// Whether `estimate` is within `share` of `rows`.
fn near(estimate: Option<u64>, rows: usize, share: f64) -> bool {
    estimate.is_some_and(|e| (e as f64 - rows as f64).abs() <= share * rows as f64)
}

/// Before an import the app tells whether the rows will fit in memory: the peek says about
/// how many there are. The counts here are those the files were written with.
#[test]
fn the_rows_are_estimated_before_importing() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = [(2021, 60_000), (2022, 80_000), (2023, 100_000)];
    let folder = dir.path().join("release");
    std::fs::create_dir(&folder).unwrap();
    let mut texts = Vec::new();
    for (n, (year, rows)) in sizes.into_iter().enumerate() {
        let text = baci_rows(year, rows, 7 + n as u64);
        let name = format!("BACI_HS92_Y{year}_V202401b.csv");
        std::fs::write(folder.join(&name), &text).unwrap();
        texts.push((name, text));
    }
    let all: usize = sizes.iter().map(|(_, r)| r).sum();
    let estimate = |path: &Path| import::peek(path, 5).unwrap().rows_estimate;
    // A file shorter than the bytes peeked at: its rows counted.
    let small = dir.path().join("small.csv");
    std::fs::write(&small, baci_rows(2020, 1000, 3)).unwrap();
    assert_eq!(estimate(&small), Some(1000));
    // A longer one (2.7 MB): from its first MiB's rows per byte.
    let last = folder.join(&texts[2].0);
    assert!(
        near(estimate(&last), 100_000, 0.02),
        "{:?}",
        estimate(&last)
    );
    // Gzipped: as much larger as the first MiB inflated.
    let gz = dir.path().join("Y2023.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(texts[2].1.as_bytes()).unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    assert!(near(estimate(&gz), 100_000, 0.05), "{:?}", estimate(&gz));
    // A folder and a zip: the first file's rows per byte over all the files' bytes.
    assert!(
        near(estimate(&folder), all, 0.03),
        "{:?}",
        estimate(&folder)
    );
    let zip = dir.path().join("release.zip");
    let entries: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    write_zip(&zip, &entries);
    assert!(near(estimate(&zip), all, 0.03), "{:?}", estimate(&zip));
    // Parquet: the file's own count (6,000 rows written by tests/fixtures/make_parquet_fixtures.py).
    let parquet = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mixed.parquet");
    assert_eq!(estimate(&parquet), Some(6000));
}

/// The warning before an import: asked only when the estimated rows take more memory than
/// is free (24 bytes a row and 300 MiB), and not for a source whose cache holds its rows
/// (memory-mapped, not read into memory). The release of [`FILES`] has 5 rows; the
/// estimate from its first file's rows per byte is 4 (its 1 row in 39 bytes, of 169).
#[test]
fn the_memory_warning_is_for_rows_that_do_not_fit_and_are_not_cached() {
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    std::fs::create_dir(&release).unwrap();
    write_release(&release);
    let peek = import::peek(&release, 0).unwrap();
    assert_eq!(peek.rows_estimate, Some(4));
    // 300 MiB = 314,572,800 bytes, and 4 rows of 24.
    let needed = 314_572_800 + 4 * 24;
    assert_eq!(import::memory_needed(4), needed);
    let short = import::shortfall(&release, &peek, None, Some(needed - 1), None);
    assert_eq!(
        short,
        Some(import::Shortfall {
            rows: 4,
            needed,
            available: needed - 1,
        })
    );
    assert_eq!(
        import::shortfall(&release, &peek, None, Some(needed), None),
        None
    );
    assert_eq!(import::shortfall(&release, &peek, None, None, None), None);
    // Once read, its cache holds the rows: nothing to warn of.
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let opened = import::open_dataset(
        &release,
        None,
        Some(&cache),
        &mut |_| {},
        &AtomicBool::new(false),
    );
    assert!(!opened.unwrap().from_cache);
    assert_eq!(
        import::shortfall(&release, &peek, None, Some(1), Some(&cache)),
        None
    );
    // A changed source is not what the cache holds.
    std::fs::write(release.join("BACI_HS92_Y2024_V202401b.csv"), FILES[0].1).unwrap();
    assert!(import::shortfall(&release, &peek, None, Some(1), Some(&cache)).is_some());
}

/// A file of no known layout is cached under the columns it was read with: the warning
/// before an import (with the columns remembered for its header) and the check before a
/// linked dataset is read again (with the link's) look for that cache.
#[test]
fn the_memory_warning_finds_the_cache_of_a_file_read_with_chosen_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flows.csv");
    std::fs::write(
        &path,
        "exporter,importer,year,trade\nPAK,KAZ,2022,1.5\nKAZ,PAK,2022,2.5\n",
    )
    .unwrap();
    let map = import::ColumnMap {
        year: 2,
        reporter_iso: Some(0),
        partner_iso: Some(1),
        value: 3,
        value_scale: 1.0,
        ..import::ColumnMap::default()
    };
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let opened = import::open_dataset(
        &path,
        Some(map.clone()),
        Some(&cache),
        &mut |_| {},
        &AtomicBool::new(false),
    );
    assert!(!opened.unwrap().from_cache);
    let peek = import::peek(&path, 0).unwrap();
    assert!(peek.detected.is_none());
    let short = |mapping| import::shortfall(&path, &peek, mapping, Some(1), Some(&cache));
    assert_eq!(short(Some(&map)), None);
    assert!(
        short(None).is_some(),
        "no cache of the file read without columns chosen"
    );
    let again = |mapping| import::source_shortfall(&path, mapping, Some(1), Some(&cache));
    assert_eq!(again(Some(&map)), None);
    assert!(again(None).is_some());
}

/// `bytes` with every byte of row group `group`'s value column (`v`) overwritten: its
/// page header no longer reads.
fn damage_group(bytes: &[u8], group: usize) -> Vec<u8> {
    use parquet::file::reader::FileReader;
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(bytes::Bytes::from(
        bytes.to_vec(),
    ))
    .unwrap();
    let chunk = reader.metadata().row_group(group).column(4);
    let (start, len) = chunk.byte_range();
    let mut damaged = bytes.to_vec();
    for b in &mut damaged[start as usize..(start + len) as usize] {
        *b = 0xff;
    }
    damaged
}

/// A folder of Parquet files is read as one stream of row groups into one table. A file
/// that fails after some of its row groups were appended is taken out whole: its rows, the
/// countries and products only it brought, and its refusals. The dataset is then exactly
/// the other files' (dictionaries included, so the countries list shows no country that
/// has no rows).
#[test]
fn a_parquet_file_failing_part_way_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // a.parquet, first by name: Afghanistan (4) → Albania (8), one row refused (negative
    // value), then a damaged second row group.
    let first = vec![
        (2021, 4, 8, "010121", 7.0),
        (2021, 4, 8, "020110", -1.0),
        (2021, 8, 4, "010121", 3.0),
    ];
    let second = vec![(2021, 4, 8, "030111", 9.0)];
    let a = damage_group(&baci_parquet(&[first, second]), 1);
    std::fs::write(dir.path().join("a.parquet"), a).unwrap();
    // b.parquet: Pakistan (586) → Kazakhstan (398), a row group a row.
    let b_groups = vec![
        vec![(2022, 586, 398, "080510", 10.0)],
        vec![(2022, 586, 398, "300490", 2.5)],
        vec![(2022, 398, 586, "100199", 5.5)],
    ];
    std::fs::write(dir.path().join("b.parquet"), baci_parquet(&b_groups)).unwrap();
    let only_b = tempfile::tempdir().unwrap();
    std::fs::write(only_b.path().join("b.parquet"), baci_parquet(&b_groups)).unwrap();
    let alone = import(only_b.path()).unwrap();

    // Which thread reads what, and which part's memory it reuses, changes from run to run
    // (a part that held a.parquet's rows must not bring its countries into b.parquet's).
    for run in 0..40 {
        let outcome = import(dir.path()).unwrap();
        assert_eq!(outcome.files, 1);
        assert_eq!(outcome.failed_files.len(), 1, "{:?}", outcome.failed_files);
        assert_eq!(outcome.failed_files[0].0, "a.parquet");
        assert!(!outcome.failed_files[0].1.is_empty());
        assert_eq!((outcome.rows_read, outcome.rows_rejected), (3, 0));
        assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
        assert_eq!(outcome.table, alone.table, "run {run}");
    }
    let outcome = import(dir.path()).unwrap();
    // By hand: 10.0 + 2.5 + 5.5 thousand dollars.
    assert_eq!(outcome.table.total_usd(), 18_000.0);
    let codes: Vec<&str> = outcome
        .table
        .countries
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(codes, ["PAK", "KAZ"]);
}

/// Row groups of several Parquet files, read on every thread, end up in file and row
/// order with each file's own countries and products, and each refusal is listed with its
/// file and that file's line (row 0 is line 2, as in the CSV the file would be).
#[test]
fn parquet_files_stream_into_one_table_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let reporters = [586, 398, 76, 156, 392];
    let mut expected = Vec::new();
    for (f, year) in (2018..2023).enumerate() {
        let product = |g: usize, r: usize| format!("{:06}", 100_000 * f + 10 * g + r);
        let groups: Vec<Vec<OwnedBaciRow>> = (0..3)
            .map(|g| {
                (0..4)
                    .map(|r| {
                        // The last row of file 2's middle group is refused.
                        let value = if (f, g, r) == (2, 1, 3) {
                            -1.0
                        } else {
                            r as f64 + 0.5
                        };
                        (year, reporters[f], 4, product(g, r), value)
                    })
                    .collect()
            })
            .collect();
        for (g, rows) in groups.iter().enumerate() {
            for (r, row) in rows.iter().enumerate() {
                if (f, g, r) != (2, 1, 3) {
                    let country = |n: i32| match n {
                        586 => "PAK",
                        398 => "KAZ",
                        76 => "BRA",
                        156 => "CHN",
                        392 => "JPN",
                        _ => "AFG",
                    };
                    let value = row.4 * 1000.0;
                    expected.push((
                        year as u16,
                        country(row.1).to_owned(),
                        "AFG".to_owned(),
                        row.3.clone(),
                        value,
                    ));
                }
            }
        }
        let borrowed: Vec<Vec<BaciRow<'_>>> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|r| (r.0, r.1, r.2, r.3.as_str(), r.4))
                    .collect()
            })
            .collect();
        let name = format!("part-{f}.parquet");
        std::fs::write(dir.path().join(name), baci_parquet(&borrowed)).unwrap();
    }
    let outcome = import(dir.path()).unwrap();
    assert_eq!(outcome.files, 5);
    assert_eq!(rows_of(&outcome.table), expected);
    assert_eq!(outcome.rows_rejected, 1);
    assert_eq!(outcome.rejected.len(), 1);
    let (line, why) = &outcome.rejected[0];
    // Group 1's last row is the file's row 7: line 9.
    assert_eq!(*line, 9, "{why}");
    assert!(why.starts_with("part-2.parquet: "), "{why}");
}

/// Cancel while a folder of Parquet files streams in: the import stops with nothing
/// linked (the threads, also one waiting for a file being opened, all finish).
#[test]
fn cancelling_a_parquet_stream_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    for f in 0..6 {
        let groups: Vec<Vec<BaciRow<'_>>> = (0..4)
            .map(|_| vec![(2020 + f, 586, 398, "080510", 1.0); 50])
            .collect();
        let name = format!("part-{f}.parquet");
        std::fs::write(dir.path().join(name), baci_parquet(&groups)).unwrap();
    }
    let cancel = AtomicBool::new(false);
    let mut reports = 0;
    let result = import::import_file(
        dir.path(),
        None,
        &mut |_| {
            reports += 1;
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        },
        &cancel,
    );
    assert!(matches!(result, Err(ImportError::Cancelled)), "{result:?}");
    assert!(reports >= 1);
    // Not cancelled, the same folder reads whole: 6 files × 4 groups × 50 rows.
    let whole = import(dir.path()).unwrap();
    assert_eq!((whole.files, whole.table.len()), (6, 1200));
}

/// A folder of many files, some failing part-way, read as one stream by threads that wait
/// on each other (`csv_release.rs`): every run finishes with the good files' rows in name
/// order (a file that fails is taken out again); a Cancel ends it whatever the threads
/// are waiting for.
#[test]
fn a_folder_of_many_files_some_failing_reads_in_order_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for (f, year) in (2001..2013).enumerate() {
        let path = dir.path().join(format!("BACI_HS92_Y{year}_V1.csv"));
        if f % 4 == 1 {
            // Damaged gzip: the header reads, the body does not.
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(baci_rows(year, 3_000, f as u64 + 7).as_bytes())
                .unwrap();
            let bytes = gz.finish().unwrap();
            std::fs::write(path.with_extension("csv.gz"), &bytes[..bytes.len() / 2]).unwrap();
            continue;
        }
        std::fs::write(&path, baci_rows(year, 2_000 + 500 * (f % 3), f as u64 + 7)).unwrap();
        expected.extend(rows_of(&import(&path).unwrap().table));
    }
    // On a thread, so that workers left waiting fail the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let path = dir.path().to_path_buf();
    std::thread::spawn(move || {
        for _ in 0..5 {
            let release = import(&path).unwrap();
            let _ = tx.send((
                release.files,
                release.failed_files.len(),
                rows_of(&release.table),
            ));
        }
    });
    for _ in 0..5 {
        let (files, failed, rows) = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the folder's import did not finish within a minute");
        assert_eq!((files, failed), (9, 3));
        assert_eq!(rows, expected);
    }
    let cancel = AtomicBool::new(false);
    let result = import::import_file(
        dir.path(),
        None,
        &mut |_| cancel.store(true, std::sync::atomic::Ordering::Relaxed),
        &cancel,
    );
    assert!(matches!(result, Err(ImportError::Cancelled)), "{result:?}");
}

/// Files the `parquet` crate panicked on or ended the process with (found by mutating
/// the fixtures and by the fuzz target `import_parquet`; kept under
/// `fuzz/regressions/import_parquet`): a metadata field it unwraps, a column chunk of
/// negative length, a length that overflows an allocation, a delta encoding's count of
/// 2^56 values it allocated a buffer for, a footer declaring a list of 6e15 entries in
/// 685 bytes it reserved room for, and a footer whose malformed number the crate read
/// past to a list of billions (those three aborts, which no guard catches); and a page
/// header whose fields the crate skipped for ever past the file's end.
fn files_the_reader_broke_on() -> Vec<(String, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/import_parquet");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 7);
    files
}

#[test]
fn parquet_the_reader_panics_on_is_refused_as_damaged_alone_or_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files_the_reader_broke_on() {
        let path = dir.path().join(&name);
        std::fs::write(&path, &bytes).unwrap();
        let err = import(&path)
            .expect_err("a damaged file is refused")
            .to_string();
        assert!(err.contains("the file looks damaged"), "{name}: {err}");
    }
    // Beside a sound file, each is named as a file that failed and the rest is read.
    let rows = vec![
        vec![(2022, 586, 398, "080510", 10.0)],
        vec![(2022, 398, 586, "100199", 5.5)],
    ];
    std::fs::write(dir.path().join("sound.parquet"), baci_parquet(&rows)).unwrap();
    let outcome = import(dir.path()).unwrap();
    assert_eq!(outcome.files, 1);
    let mut failed: Vec<&str> = outcome
        .failed_files
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    failed.sort_unstable();
    let expected: Vec<String> = files_the_reader_broke_on()
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(failed, expected);
    for (name, why) in &outcome.failed_files {
        assert!(why.contains("looks damaged"), "{name}: {why}");
    }
    // By hand: 10.0 + 5.5 thousand dollars.
    assert_eq!(outcome.table.total_usd(), 15_500.0);
    // The same files in a zip, read from memory rather than from a file.
    let zip_path = dir.path().join("release.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let sound = baci_parquet(&rows);
    let damaged = files_the_reader_broke_on();
    let members = damaged
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .chain([("sound.parquet", sound.as_slice())]);
    for (name, bytes) in members {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    let outcome = import(&zip_path).unwrap();
    assert_eq!(outcome.failed_files.len(), damaged.len());
    for (name, why) in &outcome.failed_files {
        assert!(why.contains("looks damaged"), "{name}: {why}");
    }
    assert_eq!(outcome.table.total_usd(), 15_500.0);
}

#[test]
fn a_value_beyond_a_thousand_trillion_dollars_is_refused_not_summed() {
    // BACI's values are in thousands: 2e12 is two thousand trillion dollars, and 1e306
    // would be infinite once multiplied (a total of it was shown as 18 quintillion).
    let rows = vec![vec![
        (2022, 586, 398, "080510", 10.0),
        (2022, 586, 398, "080520", 2e12),
        (2022, 586, 398, "080530", 1e306),
        (2022, 398, 586, "100199", 5.5),
    ]];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("values.parquet");
    std::fs::write(&path, baci_parquet(&rows)).unwrap();
    let csv = dir.path().join("values.csv");
    std::fs::write(
        &csv,
        "t,i,j,k,v,q\n2022,586,398,080510,10,\n2022,586,398,080520,2e12,\n\
         2022,586,398,080530,1e306,\n2022,398,586,100199,5.5,\n",
    )
    .unwrap();
    for path in [path, csv] {
        let outcome = import(&path).unwrap();
        assert_eq!(
            (outcome.rows_read, outcome.rows_rejected),
            (4, 2),
            "{path:?}"
        );
        // By hand: 10.0 + 5.5 thousand dollars.
        assert_eq!(outcome.table.total_usd(), 15_500.0);
        for (_, why) in &outcome.rejected {
            assert!(
                why.contains("more than a thousand trillion dollars"),
                "{why}"
            );
        }
    }
}

#[test]
fn delta_encoded_pages_of_several_blocks_read_whole() {
    // Version-2 pages, no dictionary: product codes as DELTA_BYTE_ARRAY (prefix lengths,
    // then suffixes, whose header the page check finds by walking the prefix lengths'
    // blocks), the integers as DELTA_BINARY_PACKED; 3,000 rows make many blocks.
    use parquet::basic::Encoding;
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use parquet::schema::types::ColumnPath;
    let codes: Vec<String> = (0..3000)
        .map(|n| format!("{:06}", 10_000 + n * 7))
        .collect();
    let rows: Vec<BaciRow<'_>> = codes
        .iter()
        .enumerate()
        .map(|(n, k)| {
            (
                2022,
                [4, 8, 586][n % 3],
                [398, 586][n % 2],
                k.as_str(),
                1.0 + n as f64 / 4.0,
            )
        })
        .collect();
    let mut props = WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_dictionary_enabled(false)
        .set_data_page_row_count_limit(1000)
        .set_column_encoding(ColumnPath::from("k"), Encoding::DELTA_BYTE_ARRAY);
    for column in ["t", "i", "j"] {
        props = props.set_column_encoding(ColumnPath::from(column), Encoding::DELTA_BINARY_PACKED);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delta.parquet");
    std::fs::write(
        &path,
        baci_parquet_with(std::slice::from_ref(&rows), props.build()),
    )
    .unwrap();
    let outcome = import(&path).unwrap();
    assert_eq!((outcome.rows_read, outcome.rows_rejected), (3000, 0));
    // The rows' own sum, in thousands of dollars, excluding a country with itself
    // (586 → 586 every sixth row).
    let counted: f64 = rows.iter().filter(|r| r.1 != r.2).map(|r| r.4).sum();
    assert_eq!(outcome.table.total_usd(), counted * 1000.0);
    assert_eq!(outcome.table.products.len(), 3000);
}
