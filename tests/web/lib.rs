//! Empty: the tests live in `seam.rs`.
