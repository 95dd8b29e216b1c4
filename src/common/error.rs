//! One error path: applets return `Result<i32, Error>`, and the message is
//! printed once, as `PROGRAM: message`, the way GNU's `error()` does.

use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use once_cell::sync::OnceCell;

use super::errno;

/// The name messages start with: argv[0] exactly as given, as GNU's
/// `program_name` is (`/bin/ln: missing file operand`), or the applet name
/// when run as `linkbox APPLET`.
static PROGRAM_NAME: OnceCell<OsString> = OnceCell::new();

/// Set once by the dispatcher before the applet runs.
pub fn set_program_name(name: &OsStr) {
    // A second call would only come from a bug in the dispatcher; the first
    // name stays, which is what a message should show anyway.
    let _ = PROGRAM_NAME.set(name.to_os_string());
}

pub fn program_name() -> &'static OsStr {
    PROGRAM_NAME.get().map_or(OsStr::new("linkbox"), |name| name.as_os_str())
}

/// A failure with its message and the exit status it ends the applet with.
#[derive(Debug)]
pub struct Error {
    /// `None`: everything was already said (help printed, a prompt declined).
    message: Option<String>,
    /// Add GNU's `Try 'PROGRAM --help' for more information.` line.
    usage: bool,
    status: i32,
}

impl Error {
    /// A plain failure, status 1.
    pub fn new(message: impl Into<String>) -> Self {
        Error { message: Some(message.into()), usage: false, status: 1 }
    }

    /// A usage error: the message, then the `Try '... --help'` line; status 1,
    /// as coreutils (procps applets set their own with [`Error::with_status`]).
    pub fn usage(message: impl Into<String>) -> Self {
        Error { message: Some(message.into()), usage: true, status: 1 }
    }

    /// `context: <glibc's words for err>`, status 1.
    pub fn io(context: impl Display, err: &io::Error) -> Self {
        Error::new(format!("{context}: {}", errno::describe(err)))
    }

    /// GNU's `usage (EXIT_FAILURE)` after errors already printed: only the
    /// `Try '... --help'` line, status 1.
    pub fn try_help_only() -> Self {
        Error { message: None, usage: true, status: 1 }
    }

    /// Ends the applet with `status` and prints nothing more.
    pub fn exit(status: i32) -> Self {
        Error { message: None, usage: false, status }
    }

    pub fn with_status(mut self, status: i32) -> Self {
        self.status = status;
        self
    }

    /// Prints the message (and the usage hint) to stderr.
    pub fn report(&self) {
        let mut text = self.message.as_deref().map(line).unwrap_or_default();
        if self.usage {
            text.extend_from_slice(try_help().as_bytes());
            text.push(b'\n');
        }
        if !text.is_empty() {
            write_stderr(&text);
        }
    }
}

/// The applet's final exit status: a success code, or the error reported.
pub fn finish(result: Result<i32, Error>) -> i32 {
    match result {
        Ok(status) => status,
        Err(err) => {
            err.report();
            err.status
        }
    }
}

/// Prints `PROGRAM: message` and carries on (GNU's `error (0, ...)`).
pub fn warn(message: impl Display) {
    write_stderr(&line(&message.to_string()));
}

/// GNU's hint after a usage error, without its newline.
pub fn try_help() -> String {
    format!("Try '{} --help' for more information.", String::from_utf8_lossy(program_name().as_bytes()))
}

fn line(message: &str) -> Vec<u8> {
    let mut text = program_name().as_bytes().to_vec();
    text.extend_from_slice(b": ");
    text.extend_from_slice(message.as_bytes());
    text.push(b'\n');
    text
}

/// One write per message, so lines from concurrent processes do not mix;
/// a failing stderr has nowhere left to report to, so its error is dropped
/// (eprintln! would panic instead).
pub fn write_stderr(bytes: &[u8]) {
    let _ = io::stderr().lock().write_all(bytes);
}
