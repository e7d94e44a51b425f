//! The 9P inspector's and the change marks' wasm exports (#18): a frame
//! decoded with each field's bytes, and what a toggle or an edit changed.

use super::{err, overrides_from, str_arg, to_js, JsResult};
use crate::p9::spans::{decode_spans, from_hex};
use crate::playground::mount_changes_of;
use wasm_bindgen::prelude::*;

/// Decodes one frame given as hex: header and body fields, each with its
/// byte range (`p9::spans::DecodedFrame`).
#[wasm_bindgen(js_name = decode9p)]
pub fn decode_9p(hex: JsValue) -> JsResult<JsValue> {
    super::install_panic_hook();
    let hex = str_arg(&hex, "decode9p: hex")?;
    let bytes = from_hex(&hex).ok_or_else(|| err("decode9p: not a hex string"))?;
    to_js(&decode_spans(&bytes))
}

/// The root container's mounts that changed from one text and config to
/// another, and a sentence saying what `what` (`--overlay`) did
/// (`playground::MountChanges`).
#[wasm_bindgen(js_name = mountChanges)]
pub fn mount_changes(
    before_text: JsValue,
    before_config: JsValue,
    after_text: JsValue,
    after_config: JsValue,
    what: JsValue,
) -> JsResult<JsValue> {
    super::install_panic_hook();
    let bt = str_arg(&before_text, "mountChanges: before text")?;
    let at = str_arg(&after_text, "mountChanges: after text")?;
    let what = str_arg(&what, "mountChanges: what")?;
    let (bo, ao) = (
        overrides_from(before_config)?,
        overrides_from(after_config)?,
    );
    to_js(&mount_changes_of((&bt, &bo), (&at, &ao), &what).map_err(err)?)
}
