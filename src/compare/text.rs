//! `mountlab diff`'s text: per destination, each side's outcome side by
//! side in padded columns, the reason under each differing row, agreeing
//! rows folded away unless asked for, and a closing count.

use super::{DiffCell, DiffOutcome, MountDiff};

/// One cell as the text prints it: `mounted tmpfs rw,nosuid #3
/// mode=755`, `dropped`, `absent`.
pub fn cell_text(c: &DiffCell) -> String {
    let mut s = c.outcome.as_str().to_string();
    if c.outcome < DiffOutcome::Added && c.fs.is_none() {
        return s;
    }
    if let Some(fs) = &c.fs {
        s.push(' ');
        s.push_str(fs);
    }
    let mut opts = vec![match c.ro {
        Some(true) => "ro",
        _ => "rw",
    }];
    opts.extend(c.flags.iter().map(String::as_str));
    s.push(' ');
    s.push_str(&opts.join(","));
    if let Some(o) = c.order {
        s.push_str(&format!(" #{o}"));
    }
    if let Some(d) = c.data.as_deref().filter(|d| !d.is_empty()) {
        s.push(' ');
        s.push_str(d);
    }
    s
}

/// The whole text; `all` shows the agreeing rows too.
pub fn render(d: &MountDiff, all: bool) -> String {
    let shown: Vec<(&str, Vec<String>, Option<&str>)> = d
        .rows
        .iter()
        .filter(|r| all || r.differs)
        .map(|r| {
            (
                r.destination.as_str(),
                r.engines.0.iter().map(|(_, c)| cell_text(c)).collect(),
                r.reason.as_deref(),
            )
        })
        .collect();
    let mut widths: Vec<usize> = std::iter::once("DESTINATION".len())
        .chain(d.engines.iter().map(|e| e.len()))
        .collect();
    for (dest, cells, _) in &shown {
        for (w, len) in widths.iter_mut().zip(
            std::iter::once(dest.chars().count()).chain(cells.iter().map(|c| c.chars().count())),
        ) {
            *w = (*w).max(len);
        }
    }
    let line = |out: &mut String, first: &str, rest: &[&str]| {
        let mut l = String::new();
        for (i, (text, w)) in std::iter::once(first)
            .chain(rest.iter().copied())
            .zip(&widths)
            .enumerate()
        {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(text);
            if i < widths.len() - 1 {
                l.extend(std::iter::repeat_n(
                    ' ',
                    w.saturating_sub(text.chars().count()),
                ));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    let mut out = String::new();
    let names: Vec<&str> = d.engines.iter().map(String::as_str).collect();
    line(&mut out, "DESTINATION", &names);
    for (dest, cells, reason) in &shown {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        line(&mut out, dest, &cells);
        if let Some(r) = reason {
            out.push_str("  why: ");
            out.push_str(r);
            out.push('\n');
        }
    }
    let differ = d.rows.iter().filter(|r| r.differs).count();
    let agree = d.rows.len() - differ;
    out.push_str(&format!(
        "{} destinations: {differ} differ, {agree} agree",
        d.rows.len()
    ));
    if !all && agree > 0 {
        out.push_str(" (folded; --all shows them)");
    }
    out.push('\n');
    out
}
