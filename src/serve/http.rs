//! HTTP requests → responses, on axum/hyper: the site's files as GitHub Pages would send them
//! (HTML with the reload script added), and the event stream open pages listen to.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};

use super::inject::{self, EVENTS_PATH};
use super::site::{Found, content_type};
use super::state::{Event, Shared};

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    /// Becomes `true` on Ctrl-C: event streams end so the server can stop.
    stopping: watch::Receiver<bool>,
}

pub fn router(shared: Arc<Shared>, stopping: watch::Receiver<bool>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(file)
        .with_state(App { shared, stopping })
}

async fn file(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return response(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            b"405 Method Not Allowed\n".to_vec(),
        );
    }
    let shared = &app.shared;
    let site = shared.site();
    let overlay = shared.failure();
    let hello = shared.hello();
    let html = |bytes: &[u8]| inject::page(bytes, overlay.as_deref(), &hello);
    if site.is_empty() {
        // No build has succeeded yet: every page is the overlay, waiting for a fix.
        return response(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            inject::no_build_page(overlay.as_deref(), &hello),
        );
    }
    match site.find(uri.path()) {
        Found::File { path, bytes } => {
            let ty = content_type(&path);
            if ty.starts_with("text/html") {
                response(StatusCode::OK, &ty, html(&bytes))
            } else {
                response(StatusCode::OK, &ty, bytes)
            }
        }
        Found::Redirect(to) => {
            let mut r = response(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                format!("Moved to {to}\n").into_bytes(),
            );
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Found::NotFound(Some(page)) => response(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            html(&page),
        ),
        Found::NotFound(None) => response(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            b"404 Not Found\n".to_vec(),
        ),
        Found::Refused => response(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            b"400 Bad Request: this path cannot name a file of the site\n".to_vec(),
        ),
    }
}

fn response(status: StatusCode, ty: &str, body: impl Into<Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(ty) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // A preview must never show a stale copy from the browser's cache.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// Server-sent events: `hello` with the current build first, the current failure if any, then
/// `reload` and `failed` as builds finish, until the server stops.
async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let shared = app.shared.clone();
    let rx = shared.events.subscribe();
    let mut first = vec![SseEvent::default().event("hello").data(shared.hello())];
    if let Some(o) = shared.failure() {
        first.push(failed(&o));
    }
    let queued = stream::iter(first.into_iter().map(Ok));
    let live = stream::unfold((rx, app.stopping), move |(mut rx, mut stopping)| {
        let shared = shared.clone();
        async move {
            loop {
                if *stopping.borrow() {
                    return None;
                }
                tokio::select! {
                    ev = rx.recv() => {
                        let out = match ev {
                            // Browsers drop an event without data: it carries the build's name.
                            Ok(Event::Reload) | Err(broadcast::error::RecvError::Lagged(_)) => {
                                SseEvent::default().event("reload").data(shared.hello())
                            }
                            Ok(Event::Failed(o)) => failed(&o),
                            Err(broadcast::error::RecvError::Closed) => return None,
                        };
                        return Some((Ok(out), (rx, stopping)));
                    }
                    changed = stopping.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                }
            }
        }
    });
    use futures_util::StreamExt;
    Sse::new(queued.chain(live)).keep_alive(KeepAlive::default())
}

fn failed(overlay: &str) -> SseEvent {
    SseEvent::default()
        .event("failed")
        .data(serde_json::to_string(overlay).unwrap_or_default())
}
