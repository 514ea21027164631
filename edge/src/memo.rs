//! The isolate's own page cache, in front of the Cache API.
//!
//! A Cache API lookup is a call out of the isolate and a body stream back in; for the hot pages an isolate
//! serves again and again that costs more CPU than everything else a hit does. So the rendered body of
//! each catalog response is also kept here, in the isolate's memory, under the same versioned key:
//! - bounded (`MAX_BYTES` of bodies; when full it starts over, so the hot pages come back at once);
//! - dropped wholesale when the snapshot version changes (keys of an old version are never asked again);
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
    version: String,
    entries: HashMap<String, Page>,
    bytes: usize,
}

thread_local! {
    static PAGES: RefCell<Pages> = RefCell::new(Pages::default());
}

/// The page kept under `key` of snapshot `version`, unless it has expired by `now` (ms since the epoch).
pub(crate) fn get(version: &str, key: &str, now: f64) -> Option<Page> {
    PAGES.with(|pages| {
        let pages = pages.borrow();
        if pages.version != version {
            return None;
        }
        pages
            .entries
            .get(key)
            .filter(|page| page.expires_at > now)
            .cloned()
    })
}

/// Keeps `page` under `key` of snapshot `version`; a page larger than the whole budget is not kept.
pub(crate) fn put(version: &str, key: &str, page: Page) {
    let size = page.body.len() + key.len();
    if size > MAX_BYTES {
        return;
    }
    PAGES.with(|pages| {
        let mut pages = pages.borrow_mut();
        if pages.version != version || pages.bytes + size > MAX_BYTES {
            // A new version makes every key unreachable; a full budget starts over (see the module doc).
            *pages = Pages {
                version: version.to_owned(),
                ..Pages::default()
            };
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
        put("v1", "/p/lamp", page("<p>lamp</p>", 1_000.0));
        assert_eq!(&*get("v1", "/p/lamp", 999.0).unwrap().body, "<p>lamp</p>");
        assert!(get("v1", "/p/lamp", 1_000.0).is_none());
        assert!(get("v1", "/p/other", 1.0).is_none());
    }

    #[test]
    fn a_new_version_forgets_every_page_of_the_old_one() {
        put("v1", "/", page("old", 5_000.0));
        put("v2", "/p/x", page("new", 5_000.0));
        assert!(get("v1", "/", 1.0).is_none());
        assert!(get("v2", "/", 1.0).is_none());
        assert_eq!(&*get("v2", "/p/x", 1.0).unwrap().body, "new");
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let big = "x".repeat(MAX_BYTES / 3);
        for i in 0..10 {
            put("v1", &format!("/p/{i}"), page(&big, 5_000.0));
            let bytes = PAGES.with(|p| p.borrow().bytes);
            assert!(bytes <= MAX_BYTES, "{bytes} bytes kept after page {i}");
        }
        assert!(get("v1", "/p/9", 1.0).is_some(), "the newest page is kept");
        put("v1", "/huge", page(&"x".repeat(MAX_BYTES + 1), 5_000.0));
        assert!(get("v1", "/huge", 1.0).is_none());
    }
}
