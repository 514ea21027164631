//! Ed25519 signature checks through the platform's WebCrypto (`crypto.subtle`), called by name through
//! `js_sys` so the worker needs neither curve code nor web-sys' crypto bindings. The imported key is kept
//! per isolate.

use crate::error::{EdgeError, EdgeResult};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

thread_local! {
    /// The imported public key, once per isolate (the key is per isolate too, see `Config`).
    static KEY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// `crypto.subtle.verify("Ed25519", key, signature, signed)`.
pub(crate) async fn ed25519_holds(
    key: &[u8; 32],
    signed: &[u8],
    signature: &[u8],
) -> EdgeResult<bool> {
    let subtle = subtle()?;
    let key = match KEY.with(|k| k.borrow().clone()) {
        Some(key) => key,
        None => {
            let imported = import_key(&subtle, key).await?;
            KEY.with(|k| *k.borrow_mut() = Some(imported.clone()));
            imported
        }
    };
    let args = Array::of4(
        &algorithm()?,
        &key,
        &Uint8Array::from(signature),
        &Uint8Array::from(signed),
    );
    let holds = call(&subtle, "verify", &args).await?;
    Ok(holds.as_bool() == Some(true))
}

async fn import_key(subtle: &JsValue, key: &[u8; 32]) -> EdgeResult<JsValue> {
    let usages = Array::of1(&JsValue::from_str("verify"));
    let args = Array::of5(
        &JsValue::from_str("raw"),
        &Uint8Array::from(&key[..]),
        &algorithm()?,
        &JsValue::FALSE,
        &usages,
    );
    call(subtle, "importKey", &args).await
}

fn algorithm() -> EdgeResult<JsValue> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"Ed25519".into()).map_err(js_error)?;
    Ok(algorithm.into())
}

fn subtle() -> EdgeResult<JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js_error)?;
    Reflect::get(&crypto, &"subtle".into()).map_err(js_error)
}

/// Calls the promise-returning method `name` of `target` and awaits it.
async fn call(target: &JsValue, name: &str, args: &Array) -> EdgeResult<JsValue> {
    let method: Function = Reflect::get(target, &name.into())
        .map_err(js_error)?
        .dyn_into()
        .map_err(js_error)?;
    let promise: Promise = method
        .apply(target, args)
        .map_err(js_error)?
        .dyn_into()
        .map_err(js_error)?;
    JsFuture::from(promise).await.map_err(js_error)
}

fn js_error(err: JsValue) -> EdgeError {
    EdgeError::Internal(worker::Error::from(err))
}
