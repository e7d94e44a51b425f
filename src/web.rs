//! The WebAssembly face of the engine for the browser playground (`www/`).
//!
//! Thin by design: parse what JavaScript hands over, call the same core the
//! CLI calls, and return serde DTOs through `serde-wasm-bindgen`. Every
//! exported function returns a `Result`, so the page sees a JavaScript
//! `Error` carrying the engine's message, never a trap. A Rust panic (a bug)
//! is reported by a panic hook to `console.error` and to
//! `globalThis.mountlabPanic(message)` when the page defines it.

use crate::engines::Engine;
use crate::error::Error;
use crate::playground::EngineRun;
use crate::playground::{
    analyze_text, default_config, ninep_connections, source_ref_of, Overrides, Playground,
};
use serde::Serialize;
use std::sync::Once;
use wasm_bindgen::prelude::*;

mod compare;
mod worker;

type JsResult<T> = Result<T, JsError>;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = mountlabPanic)]
    fn page_panic(s: &str) -> Result<(), JsValue>;
}

static HOOK: Once = Once::new();

/// Installs the panic hook (idempotent; every entry point calls it).
#[wasm_bindgen(js_name = installPanicHook)]
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = format!("mountlab engine panic (a bug): {info}");
            console_error(&msg);
            // In the engine's worker the page hears of it by message.
            if !worker::post_panic(&msg) {
                let _ = page_panic(&msg);
            }
        }));
    });
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// A string argument. JavaScript may pass anything; wasm-bindgen's glue for a
/// `&str` parameter would read out of bounds on `undefined` (a trap), so
/// every export takes a `JsValue` and checks it here.
fn str_arg(v: &JsValue, what: &str) -> JsResult<String> {
    v.as_string()
        .ok_or_else(|| err(format!("{what} must be a string")))
}

/// An optional string argument: `undefined` or `null` mean absent.
fn opt_str_arg(v: &JsValue, what: &str) -> JsResult<Option<String>> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    str_arg(v, what).map(Some)
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> JsResult<JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| err(format!("cannot hand the result to JavaScript: {e}")))
}

fn overrides_from(js: JsValue) -> JsResult<Overrides> {
    if js.is_undefined() || js.is_null() {
        return Ok(Overrides::default());
    }
    serde_wasm_bindgen::from_value(js).map_err(|e| err(format!("config overrides: {e}")))
}

/// Checks a spec or scenario text without simulating it.
#[wasm_bindgen]
pub fn analyze(text: JsValue) -> JsResult<JsValue> {
    install_panic_hook();
    to_js(&analyze_text(&str_arg(&text, "analyze: text")?))
}

/// `defaultConfig()`: the config a scenario without one runs with
/// (`{overlay: false, file_access: "exclusive"}`), for the page's controls.
#[wasm_bindgen(js_name = defaultConfig)]
pub fn default_config_js() -> JsResult<JsValue> {
    to_js(&default_config())
}

/// `sourceRef("mountSubmount")`: where in gVisor a function lives, or null.
#[wasm_bindgen(js_name = sourceRef)]
pub fn source_ref(function: JsValue) -> JsResult<JsValue> {
    to_js(&source_ref_of(&str_arg(&function, "sourceRef: function")?))
}

/// The page's handle on a [`Playground`].
#[wasm_bindgen]
pub struct Sandbox {
    s: Playground,
}

impl Sandbox {
    /// Errors as JavaScript sees them, labelled for the engine that ran.
    fn js_err(&self) -> impl Fn(Error) -> JsError {
        js_err_on(self.s.engine().sim().engine())
    }
}

/// An engine's error for JavaScript; a fatal one under the label of the
/// engine that would panic.
fn js_err_on(engine: Engine) -> impl Fn(Error) -> JsError {
    move |e| {
        if e.is_fatal() {
            err(format!("{}: {e}", engine.panic_label()))
        } else {
            err(e)
        }
    }
}

#[wasm_bindgen]
impl Sandbox {
    /// `new Sandbox(text, {overlay, file_access})`: sets up the root
    /// container from a scenario or a bare OCI spec and runs its steps.
    /// Throws on input errors (naming the JSON path); a failed *setup* is
    /// not an error here, it is in the report.
    #[wasm_bindgen(constructor)]
    pub fn new(text: JsValue, overrides: JsValue) -> JsResult<Sandbox> {
        install_panic_hook();
        let text = str_arg(&text, "Sandbox: text")?;
        let o = overrides_from(overrides)?;
        // Setup errors live in the report; what fails here is input, so a
        // fatal label is only a fallback, for the engine the overrides name.
        let engine = o.engine.as_deref().and_then(|n| Engine::parse(n).ok());
        Playground::build_with(&text, &o)
            .map(|s| Sandbox { s })
            .map_err(js_err_on(engine.unwrap_or_default()))
    }

    /// Report, layered tree, containers, 9P connections and config at once.
    pub fn view(&self) -> JsResult<JsValue> {
        to_js(&self.s.view_dto())
    }

    /// The scenario report (`mountlab run`'s JSON).
    pub fn report(&self) -> JsResult<JsValue> {
        to_js(&self.s.engine().report())
    }

    /// The engine that ran (`runsc-2018`, `runsc`, `runc`).
    pub fn engine(&self) -> String {
        self.s.engine().sim().engine().name().to_string()
    }

    /// The layered mount tree, or null when the root is not set up.
    pub fn tree(&self) -> JsResult<JsValue> {
        to_js(&self.s.engine().sim().tree())
    }

    /// The decision log.
    pub fn decisions(&self) -> JsResult<JsValue> {
        to_js(self.s.engine().sim().decisions())
    }

    /// The 9P message log, per gofer connection.
    #[wasm_bindgen(js_name = ninepLog)]
    pub fn ninep_log(&self) -> JsResult<JsValue> {
        to_js(&ninep_connections(self.s.engine()))
    }

    /// The restore environment (runsc 2018's `createRestoreEnvironment`;
    /// null on the other engines).
    pub fn restore(&self) -> JsResult<JsValue> {
        match self.s.engine() {
            EngineRun::Runsc2018(l) => to_js(&l.restore),
            _ => Ok(JsValue::NULL),
        }
    }

    /// Runs a shell line in the root (`cid` absent) or a child container.
    pub fn run(&mut self, command: JsValue, cid: JsValue) -> JsResult<JsValue> {
        let command = str_arg(&command, "run: command")?;
        let cid = opt_str_arg(&cid, "run: container id")?;
        let r = self
            .s
            .run_line(&command, cid.as_deref())
            .map_err(self.js_err())?;
        to_js(&r)
    }

    /// Starts a child container; `specJson` is an OCI spec or a scenario
    /// object (`spec`, `host`, `gofer_fds`); `hostJson` overrides its host.
    #[wasm_bindgen(js_name = addContainer)]
    pub fn add_container(
        &mut self,
        cid: JsValue,
        spec_json: JsValue,
        host_json: JsValue,
    ) -> JsResult<JsValue> {
        let cid = str_arg(&cid, "addContainer: container id")?;
        let spec_json = str_arg(&spec_json, "addContainer: spec")?;
        let host_json = opt_str_arg(&host_json, "addContainer: host")?;
        let r = self
            .s
            .add(&cid, &spec_json, host_json.as_deref())
            .map_err(self.js_err())?;
        to_js(&r)
    }

    /// `destroyContainerFS(cid)`.
    #[wasm_bindgen(js_name = destroyContainer)]
    pub fn destroy_container(&mut self, cid: JsValue) -> JsResult<JsValue> {
        let cid = str_arg(&cid, "destroyContainer: container id")?;
        let r = self.s.destroy(&cid).map_err(self.js_err())?;
        to_js(&r)
    }

    /// Runs one scenario step given as JSON; step failures are in the result.
    #[wasm_bindgen(js_name = runStep)]
    pub fn run_step(&mut self, step_json: JsValue) -> JsResult<JsValue> {
        let step_json = str_arg(&step_json, "runStep: step")?;
        let r = self.s.step(&step_json).map_err(self.js_err())?;
        to_js(&r)
    }

    /// `replay(stepsJson)`: runs a JSON array of scenario steps as
    /// `mountlab run` would, one result per step (an invalid step is a
    /// result of kind `invalid`; after a runsc panic none runs).
    pub fn replay(&mut self, steps_json: JsValue) -> JsResult<JsValue> {
        let steps_json = str_arg(&steps_json, "replay: steps")?;
        let r = self.s.replay_json(&steps_json).map_err(self.js_err())?;
        to_js(&r)
    }

    /// `/proc/self/mounts` of the root or a child container.
    #[wasm_bindgen(js_name = procMounts)]
    pub fn proc_mounts(&self, cid: JsValue) -> JsResult<Vec<String>> {
        let cid = opt_str_arg(&cid, "procMounts: container id")?;
        self.s
            .engine()
            .proc_mounts(cid.as_deref())
            .map_err(self.js_err())
    }

    /// `/proc/self/mountinfo` of the root or a child container.
    pub fn mountinfo(&self, cid: JsValue) -> JsResult<Vec<String>> {
        let cid = opt_str_arg(&cid, "mountinfo: container id")?;
        self.s
            .engine()
            .mountinfo(cid.as_deref())
            .map_err(self.js_err())
    }

    /// The steps run through this handle, as scenario steps.
    pub fn steps(&self) -> JsResult<JsValue> {
        to_js(self.s.steps())
    }

    /// The scenario plus every step run so far, as pretty JSON.
    #[wasm_bindgen(js_name = scenarioJson)]
    pub fn scenario_json(&self) -> JsResult<String> {
        serde_json::to_string_pretty(&self.s.scenario_value()).map_err(err)
    }
}
