//! The engine's Web Worker: the page's main thread only draws, and every
//! simulation runs here, so re-simulating a big spec never blocks input.
//!
//! `www/src/worker.js` initialises the wasm and calls [`worker_main`] with
//! the module's exports; from then on Rust answers every message. The
//! worker owns the page's one [`Sandbox`]. A request is
//! `{id, kind, name, args}`:
//!
//! - `kind: "call"`: the wasm export `name` (any free function, e.g. one a
//!   `src/web/<topic>.rs` adds), applied to `args`;
//! - `kind: "open"`: `args = [text, config, stepsJson]` builds a new sandbox
//!   and replays the steps; it replaces the current one only on success;
//! - `kind: "sb"`: the sandbox method `name` on the current sandbox.
//!
//! The answer is `{id, value, ms}` (`ms`: the engine's time, by the worker's
//! `performance.now()`), or `{id, error}` with the engine's message. `open`
//! and a method that changes the sandbox also answer `viewJson` (the view
//! as JSON text: the main thread's `JSON.parse` of it costs a quarter of
//! deserializing the same view as cloned objects, 10 against 44 ms for
//! 1 000 mounts), `steps` and the root's `procMounts` and `mountinfo`,
//! the error too, as the page redraws either way; `value` is `{results}`
//! or `{result}`. A
//! Rust panic posts `{id, panic}` from the panic hook, before the trap
//! unwinds the worker's message handler (the page then rejects `id`).

use super::{install_panic_hook, Sandbox};
use js_sys::{Array, Function, Object, Reflect};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    static SANDBOX: RefCell<Option<Sandbox>> = const { RefCell::new(None) };
    /// The request being answered, for the panic hook's message.
    static CURRENT: Cell<f64> = const { Cell::new(-1.0) };
}

fn scope() -> Option<DedicatedWorkerGlobalScope> {
    js_sys::global().dyn_into().ok()
}

fn now() -> f64 {
    scope()
        .and_then(|s| s.performance())
        .map_or(0.0, |p| p.now())
}

/// Posts `{id, panic: message}` for the request being answered; the panic
/// hook calls it in a worker (where the page's `mountlabPanic` is absent).
pub(super) fn post_panic(message: &str) -> bool {
    let Some(s) = scope() else {
        return false;
    };
    let o = Object::new();
    set(&o, "id", &CURRENT.with(Cell::get).into());
    set(&o, "panic", &message.into());
    s.post_message(&o).is_ok()
}

fn lines(v: Vec<String>) -> JsValue {
    v.into_iter().map(JsValue::from).collect::<Array>().into()
}

fn set(o: &Object, key: &str, v: &JsValue) {
    // Setting a field on a fresh plain object cannot fail.
    let _ = Reflect::set(o, &key.into(), v);
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The message of a thrown value (a `JsError` is an `Error`).
fn message_of(e: &JsValue) -> JsValue {
    let m = get(e, "message");
    if m.is_string() {
        m
    } else {
        format!("{e:?}").into()
    }
}

/// `workerMain(exports)`: answers every later message of this worker.
#[wasm_bindgen(js_name = workerMain)]
pub fn worker_main(exports: JsValue) -> Result<(), JsError> {
    install_panic_hook();
    let s = scope().ok_or_else(|| JsError::new("workerMain: not in a dedicated worker"))?;
    let out = s.clone();
    let on = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let reply = answer(&exports, &ev.data());
        if out.post_message(&reply).is_err() {
            // A value that cannot be cloned: say so instead of going silent.
            let o = Object::new();
            set(&o, "id", &get(&ev.data(), "id"));
            set(
                &o,
                "error",
                &"the engine's answer could not be posted".into(),
            );
            let _ = out.post_message(&o);
        }
    });
    s.set_onmessage(Some(on.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on.forget();
    Ok(())
}

fn answer(exports: &JsValue, req: &JsValue) -> JsValue {
    let id = get(req, "id");
    CURRENT.with(|c| c.set(id.as_f64().unwrap_or(-1.0)));
    let kind = get(req, "kind").as_string().unwrap_or_default();
    let name = get(req, "name").as_string().unwrap_or_default();
    let args: Array = get(req, "args").dyn_into().unwrap_or_default();
    let t0 = now();
    let o = Object::new();
    set(&o, "id", &id);
    let r = match kind.as_str() {
        "call" => call(exports, &name, &args),
        "open" => open(&args, &o),
        "sb" => on_sandbox(&name, &args, &o),
        _ => Err(format!("unknown request kind {kind:?}").into()),
    };
    match r {
        Ok(v) => set(&o, "value", &v),
        Err(e) => set(&o, "error", &message_of(&e)),
    }
    set(&o, "ms", &(now() - t0).into());
    o.into()
}

/// A wasm export by name, looked up in the module's exports so a new one
/// needs no change here.
fn call(exports: &JsValue, name: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f: Function = get(exports, name)
        .dyn_into()
        .map_err(|_| JsValue::from(format!("the engine has no function {name:?}")))?;
    f.apply(&JsValue::NULL, args)
}

/// `open(text, config, stepsJson)`: the session's new sandbox.
fn open(args: &Array, reply: &Object) -> Result<JsValue, JsValue> {
    let mut sb = Sandbox::new(args.get(0), args.get(1))?;
    let results = sb.replay(args.get(2))?;
    set_view(&sb, reply)?;
    let o = Object::new();
    set(&o, "results", &results);
    SANDBOX.with(|c| match c.try_borrow_mut() {
        Ok(mut cur) => {
            *cur = Some(sb);
            Ok(o.into())
        }
        Err(_) => Err(stopped()),
    })
}

/// The sandbox's view (as JSON text) and steps, on the reply.
fn set_view(sb: &Sandbox, reply: &Object) -> Result<(), JsValue> {
    let json = serde_json::to_string(&sb.s.view_dto())
        .map_err(|e| JsValue::from(format!("cannot hand the view to the page: {e}")))?;
    set(reply, "viewJson", &json.into());
    set(reply, "steps", &sb.steps()?);
    // The root's tables with the view, so the page draws them at once.
    if let Ok(v) = sb.proc_mounts(JsValue::UNDEFINED) {
        set(reply, "procMounts", &lines(v));
    }
    if let Ok(v) = sb.mountinfo(JsValue::UNDEFINED) {
        set(reply, "mountinfo", &lines(v));
    }
    Ok(())
}

fn stopped() -> JsValue {
    "the engine stopped after a panic; reload the page".into()
}

/// A method of the current sandbox.
fn on_sandbox(name: &str, args: &Array, reply: &Object) -> Result<JsValue, JsValue> {
    SANDBOX.with(|c| {
        let mut cur = c.try_borrow_mut().map_err(|_| stopped())?;
        let sb = cur
            .as_mut()
            .ok_or_else(|| JsValue::from("no sandbox: fix the spec first"))?;
        let a = |i| args.get(i);
        let changed = match name {
            "run" => Some(sb.run(a(0), a(1))),
            "addContainer" => Some(sb.add_container(a(0), a(1), a(2))),
            "destroyContainer" => Some(sb.destroy_container(a(0))),
            "runStep" => Some(sb.run_step(a(0))),
            "replay" => Some(sb.replay(a(0))),
            _ => None,
        };
        let Some(r) = changed else {
            return read(sb, name, args);
        };
        // The page redraws after a step whether it ran or threw.
        set_view(sb, reply)?;
        let o = Object::new();
        set(&o, "result", &r?);
        Ok(o.into())
    })
}

/// The methods that only read the sandbox.
fn read(sb: &Sandbox, name: &str, args: &Array) -> Result<JsValue, JsValue> {
    Ok(match name {
        "view" => sb.view()?,
        "report" => sb.report()?,
        "tree" => sb.tree()?,
        "decisions" => sb.decisions()?,
        "ninepLog" => sb.ninep_log()?,
        "restore" => sb.restore()?,
        "steps" => sb.steps()?,
        "engine" => sb.engine().into(),
        "procMounts" => lines(sb.proc_mounts(args.get(0))?),
        "mountinfo" => lines(sb.mountinfo(args.get(0))?),
        "scenarioJson" => sb.scenario_json()?.into(),
        _ => return Err(format!("the sandbox has no method {name:?}").into()),
    })
}
