//! The isolate's own page cache, in front of the Cache API.
//!
//! A Cache API lookup is a call out of the isolate and a body stream back in; for the hot pages an isolate
//! serves again and again that costs more CPU than everything else a hit does. So the rendered body of
//! each catalog response is also kept here, in the isolate's memory, under the same versioned key:
//! - bounded (`MAX_BYTES` of bodies; when full it starts over, so the hot pages come back at once; keys of
//!   older snapshots are never asked again and go then);
//! - each entry expires when its Cache API entry does (the time travels with the cached response in
//!   `EXPIRES_HEADER`), so an unpublished edit lags no longer than the page TTL, as before.
//!
//! Isolates are per location and short-lived; the Cache API stays the shared layer behind this one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Bodies kept per isolate (of its 128 MB); the demo catalog's pages all fit many times over.
const MAX_BYTES: usize = 8 << 20;
/// Set on what we put into the Cache API: when the entry (and any copy of it here) expires, in ms since
/// the epoch. Never sent to clients.
pub(crate) const EXPIRES_HEADER: &str = "x-meridian-expires";

/// A response as the page cache keeps it: enough to answer again without the Cache API.
#[derive(Clone)]
pub(crate) struct Page {
    pub(crate) status: u16,
    /// Every header but `EXPIRES_HEADER`, as stored.
    pub(crate) headers: Rc<[(String, String)]>,
    pub(crate) body: Rc<str>,
    pub(crate) expires_at: f64,
}

#[derive(Default)]
struct Pages {
    entries: HashMap<String, Page>,
    bytes: usize,
}

thread_local! {
    static PAGES: RefCell<Pages> = RefCell::new(Pages::default());
}

/// The page kept under `key`, unless it has expired by `now` (ms since the epoch).
pub(crate) fn get(key: &str, now: f64) -> Option<Page> {
    PAGES.with(|pages| {
        let pages = pages.borrow();
        pages
            .entries
            .get(key)
            .filter(|page| page.expires_at > now)
            .cloned()
    })
}

/// Keeps `page` under `key`; a page larger than the whole budget is not kept.
pub(crate) fn put(key: &str, page: Page) {
    let size = page.body.len() + key.len();
    if size > MAX_BYTES {
        return;
    }
    PAGES.with(|pages| {
        let mut pages = pages.borrow_mut();
        if pages.bytes + size > MAX_BYTES {
            // A full budget starts over (see the module doc).
            *pages = Pages::default();
        }
        if let Some(old) = pages.entries.insert(key.to_owned(), page) {
            pages.bytes -= old.body.len() + key.len();
        }
        pages.bytes += size;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, expires_at: f64) -> Page {
        Page {
            status: 200,
            headers: Rc::from(vec![("content-type".to_owned(), "text/html".to_owned())]),
            body: Rc::from(body),
            expires_at,
        }
    }

    #[test]
    fn a_kept_page_is_served_until_it_expires() {
        put("/p/lamp", page("<p>lamp</p>", 1_000.0));
        assert_eq!(&*get("/p/lamp", 999.0).unwrap().body, "<p>lamp</p>");
        assert!(get("/p/lamp", 1_000.0).is_none());
        assert!(get("/p/other", 1.0).is_none());
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let big = "x".repeat(MAX_BYTES / 3);
        for i in 0..10 {
            put(&format!("/p/{i}"), page(&big, 5_000.0));
            let bytes = PAGES.with(|p| p.borrow().bytes);
            assert!(bytes <= MAX_BYTES, "{bytes} bytes kept after page {i}");
        }
        assert!(get("/p/9", 1.0).is_some(), "the newest page is kept");
        put("/huge", page(&"x".repeat(MAX_BYTES + 1), 5_000.0));
        assert!(get("/huge", 1.0).is_none());
    }
}
