//! Standard output as GNU's `close_stdout` treats it: buffered, and a failed
//! write is an error (`write error: No space left on device`, status 1),
//! never a panic; a closed pipe ends the process quietly, as SIGPIPE ends a
//! GNU tool.

use std::fmt;
use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};

use super::error::Error;

pub struct Output {
    inner: BufWriter<StdoutLock<'static>>,
}

impl Output {
    pub fn stdout() -> Self {
        let stdout = io::stdout();
        // A person watching a terminal sees each line as it comes (std's
        // stdout is line-buffered); a pipe or file gets large writes.
        let capacity = if stdout.is_terminal() { 0 } else { 64 * 1024 };
        Output { inner: BufWriter::with_capacity(capacity, stdout.lock()) }
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.inner.write_all(bytes).map_err(write_error)
    }

    /// Lets `write!(out, ...)` return our error type.
    pub fn write_fmt(&mut self, args: fmt::Arguments) -> Result<(), Error> {
        self.inner.write_fmt(args).map_err(write_error)
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        self.inner.flush().map_err(write_error)
    }

    /// Flushes what is left; every applet that prints ends with this.
    pub fn finish(mut self) -> Result<(), Error> {
        self.flush()
    }
}

fn write_error(err: io::Error) -> Error {
    if err.raw_os_error() == Some(nix::libc::EPIPE) {
        die_of_sigpipe();
    }
    Error::io("write error", &err)
}

/// The Rust runtime ignores SIGPIPE, so a closed pipe shows up as EPIPE;
/// a GNU tool would have been killed by the signal, and its parent (a shell
/// pipeline) expects exactly that, so restore the default and raise it.
fn die_of_sigpipe() -> ! {
    use nix::sys::signal::{SigHandler, Signal, raise, signal};
    // SAFETY: installing SIG_DFL runs no handler code in this process.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    let _ = raise(Signal::SIGPIPE);
    std::process::exit(141)
}
