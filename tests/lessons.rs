//! Every lesson (`www/lessons/*.json`) is checked against the engine, as
//! the page would walk it: the lesson file parses, its scenario sets up or
//! fails as the lesson says, every step's "Try:" action runs through the
//! [`Playground`] (a toggle rebuilds it and replays the steps, as the page
//! does) and succeeds or fails exactly as the step says, every mount path
//! a step points at exists in that lesson's tree at that step, and every
//! view it names is one the page has.

use mountlab::playground::{ninep_connections, Overrides, Playground};
use mountlab::report::MountNode;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The views the page has (pane and tab names the lesson runner knows).
const VIEWS: &[&str] = &[
    "spec",
    "tree",
    "why",
    "shell",
    "containers",
    "ninep",
    "proc",
    "mountinfo",
    "restore",
    "warnings",
    "decisions",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    lessons: Vec<IndexEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexEntry {
    file: String,
    title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lesson {
    id: String,
    title: String,
    goal: String,
    /// Relative to `www/`: `presets/docker-default.json` or a lesson's own
    /// `lessons/<name>.scenario.json`.
    scenario: String,
    #[serde(default)]
    config: Option<Config>,
    #[serde(default)]
    setup: Option<Setup>,
    steps: Vec<LessonStep>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    overlay: Option<bool>,
    file_access: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Setup {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    fatal: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonStep {
    text: String,
    #[serde(rename = "try", default)]
    action: Option<Action>,
    #[serde(default)]
    expect: Option<Expect>,
    look: Look,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum Action {
    /// A shell line, in the root or a child container.
    Sh {
        line: String,
        #[serde(default)]
        container: Option<String>,
    },
    /// A config control: `overlay` (bool) or `file_access` (string).
    Toggle { control: String, value: Value },
    /// A click on a mount in the tree.
    Select { mount: String },
    /// A click on a view's tab.
    View { view: String },
    /// Start a child container from the page's child preset.
    AddContainer { cid: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    ok: bool,
    #[serde(default)]
    errno: Option<String>,
    #[serde(default)]
    output_contains: Option<String>,
    #[serde(default)]
    error_contains: Option<String>,
    /// 9P messages the action caused, over every gofer connection.
    #[serde(default)]
    ninep_messages: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Look {
    #[serde(default)]
    mount: Option<String>,
    /// A decision by destination (a mount that failed or was never made
    /// is in the decision log, not in the tree).
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    view: Option<String>,
}

fn www() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(www().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn lessons() -> Vec<(String, Lesson)> {
    let idx: Index = serde_json::from_str(&read("lessons/index.json")).expect("index parses");
    idx.lessons
        .iter()
        .map(|e| {
            let l: Lesson = serde_json::from_str(&read(&format!("lessons/{}", e.file)))
                .unwrap_or_else(|err| panic!("{}: {err}", e.file));
            assert_eq!(l.title, e.title, "{}: index title", e.file);
            (e.file.clone(), l)
        })
        .collect()
}

/// Every 9P message every gofer connection has carried.
fn ninep_total(pg: &Playground) -> u64 {
    ninep_connections(pg.engine())
        .iter()
        .map(|c| c.messages.len() as u64 + c.dropped)
        .sum()
}

fn has_path(n: &MountNode, path: &str) -> bool {
    n.path == path || n.children.iter().any(|c| has_path(c, path))
}

/// The page's session for one lesson: the text, the controls, the handle.
struct Walk {
    text: String,
    o: Overrides,
    pg: Playground,
}

impl Walk {
    fn rebuild(&mut self) {
        let steps = self.pg.steps().to_vec();
        self.pg = Playground::build_with(&self.text, &self.o).expect("rebuilds");
        self.pg.replay(&steps);
    }
}

/// What an action did: ok, errno, the output or error text.
type Outcome = (bool, Option<String>, String);

fn perform(w: &mut Walk, a: &Action, at: &str) -> Option<Outcome> {
    match a {
        Action::Sh { line, container } => Some(match w.pg.run_line(line, container.as_deref()) {
            Ok(r) => (
                r.report.ok,
                r.report.errno.clone(),
                r.report
                    .output
                    .clone()
                    .or(r.report.error.clone())
                    .unwrap_or_default(),
            ),
            Err(e) => (false, e.errno().map(|x| x.symbol()), e.to_string()),
        }),
        Action::Toggle { control, value } => {
            match (control.as_str(), value) {
                ("overlay", Value::Bool(b)) => w.o.overlay = Some(*b),
                ("file_access", Value::String(s)) => w.o.file_access = Some(s.clone()),
                _ => panic!("{at}: unknown toggle {control} = {value}"),
            }
            w.rebuild();
            None
        }
        Action::Select { mount } => {
            check_mount(w, mount, at);
            None
        }
        Action::View { view } => {
            assert!(VIEWS.contains(&view.as_str()), "{at}: unknown view {view}");
            None
        }
        Action::AddContainer { cid } => {
            let child = read("presets/child-container.json");
            Some(match w.pg.add(cid, &child, None) {
                Ok(r) => (r.report.ok, None, String::new()),
                Err(e) => (false, None, e.to_string()),
            })
        }
    }
}

fn check_mount(w: &Walk, path: &str, at: &str) {
    let tree = w.pg.view_dto().tree;
    assert!(
        tree.as_ref().is_some_and(|t| has_path(t, path)),
        "{at}: no mount {path} in the lesson's tree"
    );
}

fn walk(file: &str, l: &Lesson, trace: bool) {
    let text = read(&l.scenario);
    let c = l.config.clone().unwrap_or_default();
    let o = Overrides {
        overlay: c.overlay,
        file_access: c.file_access,
        ..Overrides::default()
    };
    let pg = Playground::build_with(&text, &o).unwrap_or_else(|e| panic!("{file}: {e}"));
    let r = pg.engine().report();
    let setup = l.setup.as_ref();
    assert_eq!(
        r.error.is_none(),
        setup.is_none_or(|s| s.ok),
        "{file}: setup {:?}",
        r.error
    );
    if let Some(s) = setup {
        assert_eq!(r.error, s.error, "{file}: setup error");
        assert_eq!(r.fatal, s.fatal, "{file}: setup fatal");
    }
    let mut w = Walk { text, o, pg };
    assert!(!l.steps.is_empty(), "{file}: no steps");
    assert!(!l.goal.is_empty() && !l.id.is_empty(), "{file}");
    for (i, s) in l.steps.iter().enumerate() {
        let at = format!("{file} step {}", i + 1);
        assert!(!s.text.trim().is_empty(), "{at}: no text");
        let before = ninep_total(&w.pg);
        let got = s.action.as_ref().and_then(|a| perform(&mut w, a, &at));
        let sent = ninep_total(&w.pg) - before;
        if trace {
            eprintln!("{at}: {got:?} ({sent} 9P messages)");
        }
        match (&got, &s.expect) {
            (Some((ok, errno, out)), Some(e)) => {
                assert_eq!(*ok, e.ok, "{at}: ok ({out})");
                assert_eq!(errno, &e.errno, "{at}: errno ({out})");
                if let Some(want) = &e.output_contains {
                    assert!(out.contains(want.as_str()), "{at}: {out:?} lacks {want:?}");
                }
                if let Some(want) = &e.error_contains {
                    assert!(out.contains(want.as_str()), "{at}: {out:?} lacks {want:?}");
                }
                if let Some(n) = e.ninep_messages {
                    assert_eq!(sent, n, "{at}: 9P messages");
                }
            }
            (Some(_), None) => panic!("{at}: an action with a result needs an expect"),
            (None, Some(_)) => panic!("{at}: expect without a command to check"),
            (None, None) => {}
        }
        assert!(
            s.look.mount.is_some() || s.look.view.is_some() || s.look.decision.is_some(),
            "{at}: look at nothing"
        );
        if let Some(m) = &s.look.mount {
            check_mount(&w, m, &at);
        }
        if let Some(d) = &s.look.decision {
            let r = w.pg.engine().report();
            assert!(
                r.decisions.iter().any(|x| &x.destination == d),
                "{at}: no decision at {d}"
            );
        }
        if let Some(v) = &s.look.view {
            assert!(VIEWS.contains(&v.as_str()), "{at}: unknown view {v}");
        }
    }
}

#[test]
fn every_lesson_file_is_listed_once() {
    let idx: Index = serde_json::from_str(&read("lessons/index.json")).expect("index parses");
    let mut listed: Vec<&str> = idx.lessons.iter().map(|e| e.file.as_str()).collect();
    listed.sort_unstable();
    let n = listed.len();
    listed.dedup();
    assert_eq!(listed.len(), n, "a lesson listed twice");
    for entry in std::fs::read_dir(www().join("lessons")).expect("lessons dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".json")
            && !["index.json", "glossary.json", "tour.json"].contains(&name.as_str())
            && !name.ends_with(".scenario.json")
        {
            assert!(
                listed.contains(&name.as_str()),
                "{name} is not in index.json"
            );
        }
    }
}

#[test]
fn every_lesson_walks_as_it_says() {
    let trace = std::env::var_os("MOUNTLAB_LESSON_TRACE").is_some();
    let all = lessons();
    assert!(all.len() >= 9, "{} lessons", all.len());
    let mut ids: Vec<&str> = all.iter().map(|(_, l)| l.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "lesson ids are unique");
    for (file, l) in &all {
        walk(file, l, trace);
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Glossary {
    terms: Vec<Term>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    term: String,
    aliases: Vec<String>,
    text: String,
}

#[test]
fn the_glossary_names_every_term_the_page_uses_once() {
    let g: Glossary =
        serde_json::from_str(&read("lessons/glossary.json")).expect("glossary parses");
    let mut names: Vec<String> = g
        .terms
        .iter()
        .flat_map(|t| std::iter::once(&t.term).chain(&t.aliases))
        .map(|n| n.to_lowercase())
        .collect();
    assert!(g.terms.iter().all(|t| !t.text.trim().is_empty()));
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "a spelling names two terms");
    for must in [
        "gofer",
        "9p",
        "attach point",
        "stub dirs",
        "remote_revalidating",
        "overlay upper",
        "overlay lower",
        "copy-up",
        "whiteout",
        "submount",
        "mount namespace",
        "fscache",
        "gofer fd",
        "--overlay",
        "--file-access",
        "child container",
        "restore environment",
    ] {
        assert!(names.iter().any(|x| x == must), "the glossary lacks {must}");
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tour {
    steps: Vec<TourStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TourStep {
    target: String,
    title: String,
    text: String,
}

#[test]
fn the_tour_walks_spec_tree_why_shell_9p_on_elements_the_page_has() {
    let t: Tour = serde_json::from_str(&read("lessons/tour.json")).expect("tour parses");
    let html = read("index.html");
    let targets: Vec<&str> = t.steps.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "#editor-pane",
            ".tree-pane",
            "#details",
            ".term-pane",
            ".views-pane"
        ]
    );
    for s in &t.steps {
        assert!(!s.title.is_empty() && !s.text.is_empty());
        let needle = match s.target.split_at(1) {
            ("#", id) => format!("id=\"{id}\""),
            (_, class) => format!("{class}\""),
        };
        assert!(html.contains(&needle), "index.html has no {}", s.target);
    }
}
