#![no_main]
//! Fuzz target `import_parquet`: see `trade_explorer::fuzzing` for what it checks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    trade_explorer::fuzzing::run("import_parquet", data);
});
