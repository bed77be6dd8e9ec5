//! `gloss serve`: a site folder → a local preview over HTTP that rebuilds on every save and tells
//! open pages to reload. The site is built in memory and served from there: nothing is written,
//! the `book/` folder of `gloss build` is never touched.

pub mod http;
pub mod inject;
pub mod site;
pub mod state;
pub mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Instant;

use crate::Options;
use crate::config;
use crate::error::{Diagnostic, Diagnostics};
use state::Shared;

pub struct ServeOptions {
    pub build: Options,
    pub bind: IpAddr,
    /// 0 lets the system pick a free port (the URL printed names it).
    pub port: u16,
    pub open: bool,
}

/// Serves until Ctrl-C. Errors are what stops it from starting: no book.toml, the port taken.
pub fn run(opts: ServeOptions) -> Result<(), Diagnostic> {
    let mut build = opts.build;
    build.write = false;
    // The config first: without it there is no base path to serve under.
    let config = config::load(&build.root, &build.overrides, &Diagnostics::new())?;
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("could not read the server's address: {e}")))?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: every device that can reach this machine on the network can \
             read the preview. Leave out `--bind` to serve on this computer only (127.0.0.1).",
            opts.bind
        );
    }

    let shared = Arc::new(Shared::new(&config.base_path));
    let started = Instant::now();
    shared.apply(state::build(&build, &shared.cache), None, &[], started);
    watch::spawn(shared.clone(), build.clone()).map_err(|e| {
        Diagnostic::error(format!("could not start watching the site's files: {e}"))
    })?;

    let url = format!("http://{}{}", addr, config.base_path);
    println!("gloss: serving {url} (Ctrl-C to stop)");
    if opts.open
        && let Err(e) = open::that_detached(&url)
    {
        eprintln!("gloss: could not open a browser ({e}); open {url} yourself");
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("could not start the server: {e}")))?;
    runtime
        .block_on(serve(listener, shared))
        .map_err(|e| Diagnostic::error(format!("the server stopped: {e}")))?;
    println!("gloss: stopped");
    Ok(())
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = http::router(shared, stopping);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            interrupted().await;
            // Ends the open event streams; the server then finishes its other responses and stops.
            let _ = stop.send(true);
        })
        .await
}

/// Ctrl-C, or SIGTERM from a process manager.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    let addr = SocketAddr::new(ip, port);
    TcpListener::bind(addr).map_err(|e| {
        let shown = addr;
        match e.kind() {
            io::ErrorKind::AddrInUse => Diagnostic::error(format!(
                "port {port} is already in use on {ip}: could not serve on {shown}"
            ))
            .help(format!(
                "another server (perhaps another `gloss serve`) is using it. Stop it, or pick another port: \
                 `gloss serve --port {}` (`--port 0` lets the system choose a free one)",
                port.wrapping_add(1).max(1024)
            )),
            io::ErrorKind::PermissionDenied => Diagnostic::error(format!(
                "not allowed to serve on {shown}: {e}"
            ))
            .help("ports below 1024 need special rights: use `--port 3000`"),
            io::ErrorKind::AddrNotAvailable => Diagnostic::error(format!(
                "cannot serve on {shown}: this computer has no address {ip}"
            ))
            .help("leave out `--bind` to serve on 127.0.0.1, or give one of this computer's addresses"),
            _ => Diagnostic::error(format!("could not serve on {shown}: {e}"))
                .help("try another `--port`"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_in_use_is_reported_with_the_port_flag() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind("127.0.0.1".parse().unwrap(), port).unwrap_err();
        assert!(err.message.contains("already in use"), "{}", err.message);
        assert!(
            err.help.as_deref().unwrap_or("").contains("--port"),
            "{:?}",
            err.help
        );
    }
}
