//! What two or more applets share.

// A build with only some applet families (`--no-default-features
// --features du`) leaves the others' share of this code unused.
#![cfg_attr(not(all(feature = "ln", feature = "stat", feature = "du", feature = "pgrep")), allow(dead_code))]
// Until the applet issues (#3-#6) replace the placeholders.
#![allow(dead_code)]

pub mod argmatch;
pub mod args;
pub mod errno;
pub mod error;
pub mod output;
pub mod quote;
pub mod size;
pub mod strftime;
pub mod users;

use std::ffi::OsString;

/// An applet family's entry point: the applet name it was chosen by (from
/// the table, so a family serving several names can tell them apart) and
/// the arguments after argv[0]; returns the exit status.
pub type Entry = fn(&'static str, Vec<OsString>) -> i32;
