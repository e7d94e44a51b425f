//! criterion benches over the same clock-free workloads `mountlab bench`
//! times (`src/bench/suite.rs`), on the same generated specs.
//!
//! `cargo bench --bench engine` runs everything; the N = 100 000 build is
//! left to `mountlab bench` (one build takes seconds; criterion would want
//! minutes). Filter with e.g. `cargo bench --bench engine -- build/`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mountlab::bench::gen::generate;
use mountlab::bench::suite::{
    boot, stage_host, CreateTarget, Creates, Lookups, Mountinfo, NineP, Readdir, CREATE_BATCH,
};
use std::time::{Duration, Instant};

/// The allocator the `mountlab` binary uses, so both time the same thing.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn builds(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    for n in [10usize, 100, 1_000, 10_000] {
        let spec = generate(n);
        g.throughput(Throughput::Elements(n as u64));
        for overlay in [false, true] {
            let name = if overlay { "overlay" } else { "plain" };
            g.bench_function(format!("{name}/{n}"), |b| {
                b.iter_batched(
                    || stage_host(&spec).expect("bench host stages"),
                    |host| boot(&spec, host, overlay).expect("bench spec builds"),
                    BatchSize::PerIteration,
                )
            });
        }
    }
    g.finish();
}

fn lookups(c: &mut Criterion) {
    let mut g = c.benchmark_group("lookup");
    for n in [1_000usize, 10_000] {
        let mut l = Lookups::new(n, 1000).expect("lookup setup");
        g.throughput(Throughput::Elements(l.paths.len() as u64));
        g.bench_function(format!("mixed/{n}"), |b| b.iter(|| l.run()));
    }
    g.finish();
}

fn creates(c: &mut Criterion) {
    let mut g = c.benchmark_group("create_write_4k");
    g.throughput(Throughput::Elements(1));
    for (name, t) in [
        ("tmpfs", CreateTarget::Tmpfs),
        ("9p_bind", CreateTarget::NinePBind),
        ("overlay", CreateTarget::Overlay),
    ] {
        let mut cr = Creates::new(t).expect("create setup");
        g.bench_function(name, |b| {
            // Time the creates only; remove each batch untimed.
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let k = left.min(CREATE_BATCH as u64);
                    let t = Instant::now();
                    for _ in 0..k {
                        cr.op().expect("create");
                    }
                    spent += t.elapsed();
                    cr.cleanup().expect("cleanup");
                    left -= k;
                }
                spent
            })
        });
    }
    g.finish();
}

fn misc(c: &mut Criterion) {
    let mut r = Readdir::new().expect("readdir setup");
    c.bench_function("readdir_overlay_1000", |b| {
        b.iter(|| r.op().expect("readdir"))
    });
    for n in [1_000usize, 10_000] {
        let mut m = Mountinfo::new(n).expect("mountinfo setup");
        c.bench_function(&format!("mountinfo/{n}"), |b| {
            b.iter(|| m.op().expect("mountinfo"))
        });
    }
    for (name, log) in [("logged", true), ("unlogged", false)] {
        let mut p = NineP::new(log).expect("9p setup");
        c.bench_function(&format!("p9_walk_getattr_clunk/{name}"), |b| {
            b.iter(|| p.op().expect("9p"))
        });
    }
}

criterion_group!(benches, builds, lookups, creates, misc);
criterion_main!(benches);
