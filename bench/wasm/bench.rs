//! The bench suite timed in headless Chromium with `performance.now()`.
//! Prints one `wasm <key> <N> <ns per op>` line per figure to the console.

#![cfg(target_arch = "wasm32")]

use mountlab::bench::gen::generate;
use mountlab::bench::suite::{boot, stage_host, CreateTarget, Creates, Lookups, Mountinfo, NineP, Readdir};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance");
    let f: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into())
        .expect("now")
        .dyn_into()
        .expect("function");
    f.call0(&perf).expect("call").as_f64().expect("number")
}

/// Median ns per op over `samples` samples of at least `min_ms` each;
/// `step` returns how many operations it did.
fn measure(samples: usize, min_ms: f64, mut step: impl FnMut() -> u64) -> f64 {
    measure_timed(samples, min_ms, || {
        let t = now_ms();
        let ops = step();
        (ops, now_ms() - t)
    })
}

/// As [`measure`], for steps that time only part of what they do: `step`
/// returns (operations, milliseconds spent on them).
fn measure_timed(samples: usize, min_ms: f64, mut step: impl FnMut() -> (u64, f64)) -> f64 {
    let mut v = Vec::new();
    for _ in 0..samples {
        let (mut ops, mut spent) = (0u64, 0.0);
        while spent < min_ms || ops == 0 {
            let (n, ms) = step();
            ops += n;
            spent += ms;
        }
        v.push(spent * 1e6 / ops as f64);
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[wasm_bindgen_test]
fn suite() {
    for n in [10usize, 100, 1_000, 10_000] {
        let g = generate(n);
        for (key, overlay) in [("build", false), ("build_overlay", true)] {
            // As natively: the host is staged and the sandbox dropped
            // outside the timed part.
            let ns = measure_timed(5, 200.0, || {
                let host = stage_host(&g).expect("stage host");
                let t = now_ms();
                let sb = boot(&g, host, overlay).expect("build");
                let ms = now_ms() - t;
                drop(sb);
                (1, ms)
            });
            console_log!("wasm {key} {n} {ns:.0}");
        }
    }
    let mut l = Lookups::new(1_000, 1_000).expect("lookups");
    let count = l.paths.len() as u64;
    console_log!(
        "wasm lookup 1000 {:.1}",
        measure(5, 200.0, || {
            l.run();
            count
        })
    );
    for (key, t) in [
        ("create_tmpfs", CreateTarget::Tmpfs),
        ("create_9p", CreateTarget::NinePBind),
        ("create_overlay", CreateTarget::Overlay),
    ] {
        let mut c = Creates::new(t).expect("creates");
        // Creation and the untimed removal alternate in batches of 1000.
        let mut v = Vec::new();
        for _ in 0..5 {
            let t0 = now_ms();
            for _ in 0..1000 {
                c.op().expect("create");
            }
            v.push((now_ms() - t0) * 1e6 / 1000.0);
            c.cleanup().expect("cleanup");
        }
        v.sort_by(f64::total_cmp);
        console_log!("wasm {key} - {:.1}", v[2]);
    }
    let mut r = Readdir::new().expect("readdir");
    console_log!(
        "wasm readdir_overlay_1000 - {:.0}",
        measure(5, 200.0, || {
            r.op().expect("readdir");
            1
        })
    );
    let mut m = Mountinfo::new(1_000).expect("mountinfo");
    console_log!(
        "wasm mountinfo 1000 {:.0}",
        measure(5, 200.0, || {
            m.op().expect("mountinfo");
            1
        })
    );
    let mut p = NineP::new(true).expect("9p");
    console_log!(
        "wasm p9_walk_getattr_clunk - {:.0}",
        measure(5, 200.0, || {
            for _ in 0..100 {
                p.op().expect("9p");
            }
            100
        })
    );
}
