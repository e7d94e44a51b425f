//! Comparing mount namespaces: one spec through several engines
//! (`mountlab diff`, the page's Compare view), or one engine before and
//! after a toggle (the page's "mounts that changed"). Both are the same
//! operation on [`Side`]s: each side's report is read into entries keyed
//! by destination ([`rows`]), the entries are aligned into rows, a row
//! differs when its outcome, filesystem, read-only bit, flags or data
//! differ, and a differing row gets a one-line reason from the sides'
//! decision logs ([`reason`]). The order column is shown, not compared:
//! engines order mounts by different rules on purpose (runsc 2018
//! prepends its own, today's runsc sorts by depth, runc keeps the list).

pub mod reason;
pub mod rows;
pub mod run;
pub mod text;

pub use rows::{engine_label, DiffOutcome, MountFacts, Side};
pub use run::{compare_engines, run_engine, CompareFlags, EngineRunOutput};

use crate::util::FastMap;
use serde::ser::SerializeMap;
use serde::Serialize;

/// One side's cell of a row: what `--format json` prints under the
/// side's name (the facts, flattened, then the reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffCell {
    #[serde(flatten)]
    pub facts: MountFacts,
    /// On a differing row: this side's half of the reason.
    pub reason: Option<String>,
    /// The runtime function behind `reason`.
    pub function: Option<&'static str>,
}

impl std::ops::Deref for DiffCell {
    type Target = MountFacts;
    fn deref(&self) -> &MountFacts {
        &self.facts
    }
}

impl DiffCell {
    fn of(e: Option<&rows::SideEntry>) -> DiffCell {
        DiffCell {
            facts: e.map_or_else(MountFacts::absent, |e| e.facts.clone()),
            reason: None,
            function: None,
        }
    }

    /// What the row compares: everything but the order and the reason,
    /// and the layers only between sides of one engine.
    fn compared(&self, layers: bool) -> Compared<'_> {
        (
            self.outcome,
            &self.fs,
            &self.flags,
            self.ro,
            self.data.as_deref().unwrap_or(""),
            if layers { &self.layers } else { &[] },
        )
    }
}

type Compared<'a> = (
    DiffOutcome,
    &'a Option<String>,
    &'a [String],
    Option<bool>,
    &'a str,
    &'a [String],
);

/// The cells of a row by side name, in the sides' order (a JSON object).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffCells(pub Vec<(String, DiffCell)>);

impl DiffCells {
    /// The cell of the side called `name`.
    pub fn get(&self, name: &str) -> Option<&DiffCell> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
}

impl Serialize for DiffCells {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One destination across the sides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffRow {
    pub destination: String,
    pub differs: bool,
    /// On a differing row, the one-line reason (the sides' halves joined).
    pub reason: Option<String>,
    pub engines: DiffCells,
}

/// The whole comparison: `mountlab diff --format json`, and the page's
/// `compareEngines(...).diff`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountDiff {
    /// The sides' names, in column order.
    pub engines: Vec<String>,
    /// Every destination, agreeing ones too, in path order (a parent
    /// before its children).
    pub rows: Vec<DiffRow>,
}

impl MountDiff {
    /// Whether any row differs (`mountlab diff` exits 1).
    pub fn differs(&self) -> bool {
        self.rows.iter().any(|r| r.differs)
    }
}

/// Aligns the sides by destination. Linear in the mounts: entries are
/// indexed by destination once, then the rows are sorted.
pub fn diff(sides: &[Side]) -> MountDiff {
    let mut index: FastMap<String, usize> = FastMap::default();
    // Per row: its destination and, per side, its entries there.
    let mut table: Vec<(String, Vec<Vec<rows::SideEntry>>)> = Vec::new();
    for (si, side) in sides.iter().enumerate() {
        for (key, e) in rows::entries(side) {
            let ri = *index.entry(key.clone()).or_insert_with(|| {
                table.push((key, vec![Vec::new(); sides.len()]));
                table.len() - 1
            });
            if let Some(cell) = table.get_mut(ri).and_then(|(_, c)| c.get_mut(si)) {
                cell.push(e);
            }
        }
    }
    drop(index);
    let same_engine = sides.windows(2).all(|w| match w {
        [a, b] => a.engine() == b.engine(),
        _ => true,
    });
    table.sort_by(|(a, _), (b, _)| a.split('/').cmp(b.split('/')));
    let rows = table
        .into_iter()
        .map(|(destination, mut per_side)| {
            for es in &mut per_side {
                // The shown entry last: the greatest outcome, the latest
                // mount (the one on top) among equals.
                es.sort_by_key(|e| (e.outcome, e.order));
            }
            let mut cells: Vec<(String, DiffCell)> = sides
                .iter()
                .zip(&per_side)
                .map(|(s, es)| (s.name.to_string(), DiffCell::of(es.last())))
                .collect();
            let differs = cells
                .windows(2)
                .any(|w| matches!(w, [(_, a), (_, b)] if a.compared(same_engine) != b.compared(same_engine)));
            let reason =
                differs.then(|| reason::explain(sides, &per_side, &mut cells, same_engine));
            DiffRow {
                destination,
                differs,
                reason,
                engines: DiffCells(cells),
            }
        })
        .collect();
    MountDiff {
        engines: sides.iter().map(|s| s.name.to_string()).collect(),
        rows,
    }
}

/// One engine's reports before and after a change of flags or spec (the
/// page's toggle): the same rows, the sides named `before` and `after`.
pub fn diff_runs<'a>(
    before: (
        &'a crate::report::Report,
        Option<&'a crate::report::MountNode>,
    ),
    after: (
        &'a crate::report::Report,
        Option<&'a crate::report::MountNode>,
    ),
) -> MountDiff {
    diff(&[
        Side {
            name: "before",
            label: "before",
            report: before.0,
            tree: before.1,
        },
        Side {
            name: "after",
            label: "after",
            report: after.0,
            tree: after.1,
        },
    ])
}
