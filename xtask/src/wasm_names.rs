//! Drops the `name` section from the worker's wasm before it is uploaded.
//!
//! worker-build always asks wasm-opt to keep function names (`--debuginfo`), for readable panics. In
//! Meridian's worker they were 318 KB of its 1.34 MB (~70 KB gzip): a quarter of what every deploy
//! uploads and every cold isolate fetches and compiles. The named copy is kept next to the cargo build
//! (`worker-names.wasm`) to resolve a `wasm-function[N]` from a production stack trace. (The other large
//! cut, `url` without Unicode domain tables, is a pin in Cargo.lock; a test below keeps it.)

use anyhow::{bail, Result};
use std::fs;
use std::path::Path;

/// Removes the `name` custom section of `wasm` in place, keeping the original at `named_copy`.
/// Returns the sizes before and after.
pub(crate) fn strip(wasm: &Path, named_copy: &Path) -> Result<(usize, usize)> {
    let bytes = fs::read(wasm)?;
    let stripped = without_names(&bytes)?;
    fs::write(named_copy, &bytes)?;
    fs::write(wasm, &stripped)?;
    Ok((bytes.len(), stripped.len()))
}

/// The module's sections in order, minus the custom section called `name`.
fn without_names(module: &[u8]) -> Result<Vec<u8>> {
    if module.len() < 8 || &module[..4] != b"\0asm" {
        bail!("not a wasm module");
    }
    let mut out = module[..8].to_vec();
    let mut at = 8;
    while at < module.len() {
        let start = at;
        let id = module[at];
        let (size, body) = leb128(module, at + 1)?;
        let end = body + size;
        if end > module.len() {
            bail!("a section runs past the end of the module");
        }
        let is_names = id == 0 && {
            let (len, name) = leb128(module, body)?;
            module.get(name..name + len) == Some(b"name".as_slice())
        };
        if !is_names {
            out.extend_from_slice(&module[start..end]);
        }
        at = end;
    }
    Ok(out)
}

/// An unsigned LEB128 number at `at`: its value and the position after it.
fn leb128(bytes: &[u8], mut at: usize) -> Result<(usize, usize)> {
    let (mut value, mut shift) = (0usize, 0);
    loop {
        let Some(&byte) = bytes.get(at) else {
            bail!("truncated wasm module");
        };
        value |= usize::from(byte & 0x7f) << shift;
        at += 1;
        if byte < 0x80 {
            return Ok((value, at));
        }
        shift += 7;
        if shift > 35 {
            bail!("malformed LEB128 number");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_name_section_goes() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let types = [1u8, 4, 1, 0x60, 0, 0];
        let names = [0u8, 7, 4, b'n', b'a', b'm', b'e', 1, 0];
        let producers = [0u8, 4, 3, b'p', b'r', b'o'];
        let module = [
            header.clone(),
            types.to_vec(),
            names.to_vec(),
            producers.to_vec(),
        ]
        .concat();
        let stripped = without_names(&module).unwrap();
        assert_eq!(
            stripped,
            [header, types.to_vec(), producers.to_vec()].concat()
        );
        assert!(without_names(b"nope").is_err());
        assert!(without_names(&[b"\0asm\x01\0\0\0".as_slice(), &[1, 9, 1]].concat()).is_err());
    }

    /// The other big cut of the upload is in Cargo.lock, where a plain `cargo update` would undo it:
    /// idna_adapter 1.0 is the `url` crate's Unicode-free back end (an international domain name must be
    /// written in punycode), saving ~110 KB of Unicode tables in the worker.
    #[test]
    fn the_lock_keeps_url_without_unicode_tables() {
        let lock = std::fs::read_to_string(crate::paths::root().join("Cargo.lock")).unwrap();
        let entry = lock
            .split("[[package]]")
            .find(|p| p.contains("name = \"idna_adapter\""))
            .expect("idna_adapter in Cargo.lock");
        assert!(
            entry.contains("version = \"1.0."),
            "run `cargo update -p idna_adapter --precise 1.0.0` (see xtask/src/wasm_names.rs): {entry}"
        );
    }
}
