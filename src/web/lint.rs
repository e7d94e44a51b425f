//! The editor's map of the text: where each `spec.mounts[i]` entry is, and
//! where a JSON path is (for an input error's marker), both measured in
//! Rust (`crate::lint::spans`), in the UTF-16 offsets CodeMirror counts.

use super::{str_arg, to_js, JsResult};
use crate::error::{JsonPath, Seg};
use crate::lint::spans::{locate, mount_entries, Lines, TextRange};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// One mount entry of the text: its index in `spec.mounts` and its range.
#[derive(Serialize)]
struct MountRange {
    index: usize,
    #[serde(flatten)]
    range: TextRange,
}

/// `mountRanges(text)`: `[{index, from, to, line, column}]`, one per entry
/// of the spec's `mounts` (`spec.mounts` in a scenario).
#[wasm_bindgen(js_name = mountRanges)]
pub fn mount_ranges(text: JsValue) -> JsResult<JsValue> {
    let text = str_arg(&text, "mountRanges: text")?;
    let lines = Lines::new(&text);
    let out: Vec<MountRange> = mount_entries(&text)
        .into_iter()
        .map(|(index, s)| MountRange {
            index,
            range: lines.range(s),
        })
        .collect();
    to_js(&out)
}

/// `locateJson(text, path)`: the range of the value at `path` (keys and
/// indices, as an input error's `path`), or of its deepest ancestor in the
/// text; null when the text is not JSON there.
#[wasm_bindgen(js_name = locateJson)]
pub fn locate_json(text: JsValue, path: JsValue) -> JsResult<JsValue> {
    let text = str_arg(&text, "locateJson: text")?;
    let path: JsonPath = serde_wasm_bindgen::from_value::<Vec<PathSeg>>(path)
        .map(|v| JsonPath(v.into_iter().map(PathSeg::into_seg).collect()))
        .map_err(|e| JsError::new(&format!("locateJson: path: {e}")))?;
    let found = locate(&text, &path.0).map(|s| Lines::new(&text).range(s));
    to_js(&found)
}

/// A path segment as JavaScript gives it: a key or an index.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum PathSeg {
    Index(usize),
    Key(String),
}

impl PathSeg {
    fn into_seg(self) -> Seg {
        match self {
            PathSeg::Index(i) => Seg::Index(i),
            PathSeg::Key(k) => Seg::Key(k),
        }
    }
}
