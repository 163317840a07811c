//! The seeded random numbers of the benchmarks and the test-file generator: xorshift64*,
//! enough randomness for generated data, and the same every run. Included with `#[path]`
//! by `benches/*.rs` and `examples/gen_trade_csv.rs`.

// Each includer uses its own subset.
#![allow(dead_code)]

/// xorshift64* state; seed with any odd number.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `(0, 1)`.
    pub fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Log-normal: most flows small, a few very large, as in real trade data.
    pub fn log_normal(&mut self, mu: f64, sigma: f64) -> f64 {
        let z = (-2.0 * self.unit().ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos();
        (mu + sigma * z).exp()
    }
}
