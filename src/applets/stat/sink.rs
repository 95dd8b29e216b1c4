//! Where a file's output goes: a line buffer in front of standard output,
//! and messages on stderr in the order GNU's `error()` gives them, which
//! flushes stdout first, so `2>&1` interleaves as with GNU stat.

use std::os::unix::ffi::OsStrExt;

use crate::common::error::{Error, program_name, write_stderr};
use crate::common::output::Output;

pub struct Sink {
    out: Output,
    /// What the current file has printed so far.
    pub line: Vec<u8>,
}

impl Sink {
    pub fn new() -> Sink {
        Sink { out: Output::stdout(), line: Vec::with_capacity(4096) }
    }

    /// Hands the current file's output on to stdout.
    pub fn end_file(&mut self) -> Result<(), Error> {
        self.out.write(&self.line)?;
        self.line.clear();
        Ok(())
    }

    /// Sends everything printed so far to stdout now.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.end_file()?;
        self.out.flush()
    }

    /// `stat: MESSAGE` on stderr after everything printed so far.
    pub fn warn(&mut self, message: impl AsRef<[u8]>) -> Result<(), Error> {
        self.flush()?;
        let mut text = program_name().as_bytes().to_vec();
        text.extend_from_slice(b": ");
        text.extend_from_slice(message.as_ref());
        text.push(b'\n');
        write_stderr(&text);
        Ok(())
    }

    /// Flushes what is left; an error here is a write error.
    pub fn finish(mut self) -> Result<(), Error> {
        self.end_file()?;
        self.out.finish()
    }
}
