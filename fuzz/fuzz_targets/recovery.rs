#![no_main]
//! Fuzz target `recovery`: see `trade_explorer::fuzzing` for what it checks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    trade_explorer::fuzzing::run("recovery", data);
});
