//! The crate's error type: every message is lowercase and prints every field it carries.

/// Why a document or a page could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The bytes are not a PDF lopdf can read (or its page tree is unusable).
    #[error("malformed pdf: {detail}")]
    Malformed { detail: String },
    /// The document is encrypted and neither the empty password nor the given one opens it.
    #[error("encrypted document: wrong or missing password")]
    Encrypted,
    /// A page number outside `1..=count`.
    #[error("page {page} not found (document has {count} pages)")]
    PageNotFound { page: usize, count: usize },
    /// An object asked for by id does not exist or is not what was expected.
    #[error("object {id} {generation} is not {expected}")]
    BadObject {
        id: u32,
        generation: u16,
        expected: &'static str,
    },
    /// A panic inside lopdf or this crate, caught while reading a page (or loading, page 0).
    #[error("panic while reading page {page}: {message}")]
    Panic { page: usize, message: String },
}

/// The message of a caught panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
