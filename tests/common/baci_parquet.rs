//! BACI-layout Parquet files written with the `parquet` crate, for the suites that read
//! releases (included by path, without the egui helpers of `common`).

// Each test binary uses its own subset.
#![allow(dead_code)]

/// A BACI row: (t, i, j, k, v).
pub type BaciRow<'a> = (i32, i32, i32, &'a str, f64);

/// A BACI row owning its product code.
pub type OwnedBaciRow = (i32, i32, i32, String, f64);

/// A BACI-layout Parquet file (uncompressed) of the row groups given.
pub fn baci_parquet(groups: &[Vec<BaciRow<'_>>]) -> Vec<u8> {
    baci_parquet_with(
        groups,
        parquet::file::properties::WriterProperties::default(),
    )
}

/// [`baci_parquet`] written with `props` (encodings, page version).
pub fn baci_parquet_with(
    groups: &[Vec<BaciRow<'_>>],
    props: parquet::file::properties::WriterProperties,
) -> Vec<u8> {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type};
    use parquet::file::writer::SerializedFileWriter;
    let schema = parquet::schema::parser::parse_message_type(
        "message baci { required int32 t; required int32 i; required int32 j; \
         required binary k (STRING); required double v; }",
    )
    .unwrap();
    let props = std::sync::Arc::new(props);
    let mut writer = SerializedFileWriter::new(Vec::new(), schema.into(), props).unwrap();
    for rows in groups {
        let mut group = writer.next_row_group().unwrap();
        let ints = |f: fn(&BaciRow<'_>) -> i32| -> Vec<i32> { rows.iter().map(f).collect() };
        for c in 0..5 {
            let mut column = group.next_column().unwrap().unwrap();
            match c {
                0..=2 => {
                    let values = [ints(|r| r.0), ints(|r| r.1), ints(|r| r.2)];
                    let typed = column.typed::<Int32Type>();
                    typed.write_batch(&values[c], None, None).unwrap();
                }
                3 => {
                    let k: Vec<ByteArray> = rows.iter().map(|r| ByteArray::from(r.3)).collect();
                    let typed = column.typed::<ByteArrayType>();
                    typed.write_batch(&k, None, None).unwrap();
                }
                _ => {
                    let v: Vec<f64> = rows.iter().map(|r| r.4).collect();
                    let typed = column.typed::<DoubleType>();
                    typed.write_batch(&v, None, None).unwrap();
                }
            }
            column.close().unwrap();
        }
        group.close().unwrap();
    }
    writer.into_inner().unwrap()
}
