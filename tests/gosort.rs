//! `mountlab::gosort::slice` against Go's own `sort.Slice`: every vector in
//! `tests/fixtures/gosort-vectors.json` was produced by Go 1.26.3 (the Go
//! that builds gVisor 3c5eee17) running `tests/tools/gosort_vectors.go`.
//! Each one sorts indices by a small key, so equal keys are common and the
//! order they end in is exactly what an unstable sort leaves.

use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    name: String,
    keys: Vec<u32>,
    perm: Vec<usize>,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("fixtures/gosort-vectors.json");
    serde_json::from_str(text).expect("fixture parses")
}

#[test]
fn every_vector_matches_go_sort_slice() {
    let all = vectors();
    assert_eq!(all.len(), 414, "fixture regenerated with other cases?");
    let mut wrong = Vec::new();
    for (i, v) in all.iter().enumerate() {
        let mut idx: Vec<usize> = (0..v.keys.len()).collect();
        mountlab::gosort::slice(&mut idx, |a, b| v.keys[*a] < v.keys[*b]);
        if idx != v.perm {
            wrong.push(format!("#{i} {} n={}", v.name, v.keys.len()));
        }
    }
    assert!(wrong.is_empty(), "differ from Go: {wrong:?}");
}

#[test]
fn the_vectors_are_not_what_a_stable_sort_gives() {
    // Guards the fixture itself: if Go's order were the stable order, the
    // test above could not tell a port from `sort_by_key`.
    let unstable = vectors()
        .iter()
        .filter(|v| {
            let mut idx: Vec<usize> = (0..v.keys.len()).collect();
            idx.sort_by_key(|i| v.keys[*i]);
            idx != v.perm
        })
        .count();
    assert_eq!(unstable, 327);
}
