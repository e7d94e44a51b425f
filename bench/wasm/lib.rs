//! Empty: the browser bench lives in `bench.rs`.
