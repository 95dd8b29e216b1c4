//! GNU's quoting of file names (gnulib `quotearg`), as the C locale does it:
//! only ASCII 0x20..=0x7e is printable, every other byte is escaped.
//!
//! GNU tools quote a file name in a message with `quoteaf` (shell-escape,
//! always quoted: `'a b'`, `"it's"`, `'a'$'\n''b'`), with `quotef` (the same,
//! quoted only when needed, and `:` counts as needing it), and an option
//! argument with `quote` (locale style: `'x'`, `'it\'s'`).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// gnulib's quoting styles (`QUOTING_STYLE` names in the comments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `literal`
    Literal,
    /// `shell`: quoted only when the shell needs it; no escapes.
    Shell,
    /// `shell-always`
    ShellAlways,
    /// `shell-escape`: as `shell`, with `$'\n'` escapes.
    ShellEscape,
    /// `shell-escape-always`
    ShellEscapeAlways,
    /// `c`: `"a\nb"`
    C,
    /// `c-maybe`: as `c`, quotes only when needed.
    CMaybe,
    /// `escape`: as `c` without the quotes.
    Escape,
    /// `locale` in the C locale: `'a\nb'`.
    Locale,
    /// `clocale` in the C locale: `"a\nb"`.
    CLocale,
}

/// GNU `quoteaf`: a file name in a message, always quoted.
pub fn quote_name(name: &OsStr) -> String {
    ascii(quote_as(name.as_bytes(), Style::ShellEscapeAlways, false))
}

/// GNU `quotef`: a file name quoted only when it needs it (`:` included).
pub fn quote_name_if_needed(name: &OsStr) -> String {
    ascii(quote_as(name.as_bytes(), Style::ShellEscape, true))
}

/// GNU `quote`: an option argument or other string in a message.
pub fn quote(text: &[u8]) -> String {
    ascii(quote_as(text, Style::Locale, false))
}

/// `arg` quoted in `style`; `quote_colon` escapes `:` as well (gnulib's
/// `quotearg_colon`).
pub fn quote_as(arg: &[u8], style: Style, quote_colon: bool) -> Vec<u8> {
    match Quoter::new(arg, style, quote_colon, false).run() {
        Ok(quoted) => quoted,
        Err(Restart { style, arg }) => quote_as(arg, style, false),
    }
}

/// The styles above that escape produce ASCII only; `Shell`/`Literal` keep
/// bytes as they are, hence the lossy step for those callers.
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// gnulib's `force_outer_quoting_style`: start again with outer quotes.
struct Restart<'a> {
    style: Style,
    arg: &'a [u8],
}

struct Quoter<'a> {
    arg: &'a [u8],
    /// The style in effect: every shell style works as `ShellAlways` here,
    /// told apart by `backslash_escapes` and `elide_outer_quotes`.
    style: Style,
    quote_colon: bool,
    backslash_escapes: bool,
    elide_outer_quotes: bool,
    closing_quote: &'static [u8],
    out: Vec<u8>,
    pending_shell_escape_end: bool,
    escaping: bool,
}

enum Step {
    /// Ask whether the byte still needs escaping (`quote_these_too`).
    Check,
    Escape,
    Store,
}

fn is_printable(c: u8) -> bool {
    (0x20..=0x7e).contains(&c)
}

impl<'a> Quoter<'a> {
    fn new(arg: &'a [u8], style: Style, quote_colon: bool, elide: bool) -> Self {
        let mut q = Quoter {
            arg,
            style,
            quote_colon,
            backslash_escapes: false,
            elide_outer_quotes: elide,
            closing_quote: b"",
            out: Vec::with_capacity(arg.len() + 2),
            pending_shell_escape_end: false,
            escaping: false,
        };
        match style {
            Style::CMaybe | Style::C => {
                if style == Style::CMaybe {
                    q.style = Style::C;
                    q.elide_outer_quotes = true;
                }
                q.open(b"\"");
                q.backslash_escapes = true;
            }
            Style::Escape => {
                q.backslash_escapes = true;
                q.elide_outer_quotes = false;
            }
            Style::Locale | Style::CLocale => {
                let quote: &'static [u8] = if style == Style::Locale { b"'" } else { b"\"" };
                q.open(quote);
                q.backslash_escapes = true;
            }
            Style::ShellEscape | Style::Shell | Style::ShellEscapeAlways | Style::ShellAlways => {
                if style == Style::ShellEscape {
                    q.backslash_escapes = true;
                }
                if matches!(style, Style::ShellEscape | Style::Shell) {
                    q.elide_outer_quotes = true;
                }
                if style == Style::ShellEscapeAlways && !q.elide_outer_quotes {
                    q.backslash_escapes = true;
                }
                q.style = Style::ShellAlways;
                q.open(b"'");
            }
            Style::Literal => q.elide_outer_quotes = false,
        }
        q
    }

    fn open(&mut self, quote: &'static [u8]) {
        if !self.elide_outer_quotes {
            self.out.extend_from_slice(quote);
        }
        self.closing_quote = quote;
    }

    fn restart(&self) -> Restart<'a> {
        let style = if self.style == Style::ShellAlways && self.backslash_escapes {
            Style::ShellEscapeAlways
        } else {
            self.style
        };
        Restart { style, arg: self.arg }
    }

    fn start_escape(&mut self) -> Result<(), Restart<'a>> {
        if self.elide_outer_quotes {
            return Err(self.restart());
        }
        self.escaping = true;
        if self.style == Style::ShellAlways && !self.pending_shell_escape_end {
            self.out.extend_from_slice(b"'$'");
            self.pending_shell_escape_end = true;
        }
        self.out.push(b'\\');
        Ok(())
    }

    fn end_escape(&mut self) {
        if self.pending_shell_escape_end && !self.escaping {
            self.out.extend_from_slice(b"''");
            self.pending_shell_escape_end = false;
        }
    }

    fn run(mut self) -> Result<Vec<u8>, Restart<'a>> {
        let arg = self.arg;
        let shell = self.style == Style::ShellAlways;
        let mut encountered_single_quote = false;
        let mut all_c_and_shell_quote_compat = true;

        for i in 0..arg.len() {
            let mut c = arg[i];
            let mut is_right_quote = false;
            let mut compat = false;
            self.escaping = false;

            if self.backslash_escapes
                && !shell
                && !self.closing_quote.is_empty()
                && arg[i..].starts_with(self.closing_quote)
            {
                if self.elide_outer_quotes {
                    return Err(self.restart());
                }
                is_right_quote = true;
            }

            let c_escape = |q: &Self, c: &mut u8, esc: u8| {
                if q.backslash_escapes {
                    *c = esc;
                    Step::Escape
                } else {
                    Step::Check
                }
            };
            let step = match c {
                0 => {
                    if self.backslash_escapes {
                        self.start_escape()?;
                        if !shell && arg.get(i + 1).is_some_and(u8::is_ascii_digit) {
                            self.out.extend_from_slice(b"00");
                        }
                        c = b'0';
                    }
                    Step::Check
                }
                b'?' => {
                    if shell && self.elide_outer_quotes {
                        return Err(self.restart());
                    }
                    Step::Check
                }
                0x07 => c_escape(&self, &mut c, b'a'),
                0x08 => c_escape(&self, &mut c, b'b'),
                0x0c => c_escape(&self, &mut c, b'f'),
                0x0b => c_escape(&self, &mut c, b'v'),
                b'\n' | b'\r' | b'\t' => {
                    if shell && self.elide_outer_quotes {
                        return Err(self.restart());
                    }
                    let esc = match c {
                        b'\n' => b'n',
                        b'\r' => b'r',
                        _ => b't',
                    };
                    c_escape(&self, &mut c, esc)
                }
                b'\\' => {
                    if shell {
                        if self.elide_outer_quotes {
                            return Err(self.restart());
                        }
                        Step::Store
                    } else if self.backslash_escapes
                        && self.elide_outer_quotes
                        && !self.closing_quote.is_empty()
                    {
                        Step::Store
                    } else {
                        c_escape(&self, &mut c, b'\\')
                    }
                }
                b'{' | b'}' | b'#' | b'~' | b' ' => {
                    // Braces matter to a shell only alone, `#` and `~` only
                    // first; the space always.
                    let special = match c {
                        b'{' | b'}' => arg.len() == 1,
                        b'#' | b'~' => i == 0,
                        _ => true,
                    };
                    if special {
                        compat = true;
                        if shell && self.elide_outer_quotes {
                            return Err(self.restart());
                        }
                    }
                    Step::Check
                }
                b'!' | b'"' | b'$' | b'&' | b'(' | b')' | b'*' | b';' | b'<' | b'=' | b'>' | b'[' | b'^'
                | b'`' | b'|' => {
                    if shell && self.elide_outer_quotes {
                        return Err(self.restart());
                    }
                    Step::Check
                }
                b'\'' => {
                    encountered_single_quote = true;
                    compat = true;
                    if shell {
                        if self.elide_outer_quotes {
                            return Err(self.restart());
                        }
                        self.out.extend_from_slice(b"'\\'");
                        self.pending_shell_escape_end = false;
                    }
                    Step::Check
                }
                b'%'
                | b'+'
                | b','
                | b'-'
                | b'.'
                | b'/'
                | b'0'..=b'9'
                | b':'
                | b'A'..=b'Z'
                | b']'
                | b'_'
                | b'a'..=b'z' => {
                    compat = true;
                    Step::Check
                }
                _ => {
                    let printable = is_printable(c);
                    compat = printable;
                    if self.backslash_escapes && !printable {
                        self.start_escape()?;
                        self.out.push(b'0' + (c >> 6));
                        self.out.push(b'0' + ((c >> 3) & 7));
                        c = b'0' + (c & 7);
                        Step::Store
                    } else {
                        Step::Check
                    }
                }
            };

            let step = match step {
                Step::Check => {
                    let colon_needs_escape = ((self.backslash_escapes && !shell) || self.elide_outer_quotes)
                        && self.quote_colon
                        && c == b':';
                    if colon_needs_escape || is_right_quote { Step::Escape } else { Step::Store }
                }
                other => other,
            };
            if let Step::Escape = step {
                self.start_escape()?;
            }
            self.end_escape();
            self.out.push(c);
            if !compat {
                all_c_and_shell_quote_compat = false;
            }
        }

        if self.out.is_empty() && shell && self.elide_outer_quotes {
            return Err(self.restart());
        }
        // An apostrophe is common enough in names that GNU prefers "it's"
        // over 'it'\''s' when nothing else needs the shell's quotes.
        if shell && !self.elide_outer_quotes && encountered_single_quote && all_c_and_shell_quote_compat {
            return Ok(quote_as(arg, Style::C, self.quote_colon));
        }
        if !self.elide_outer_quotes {
            self.out.extend_from_slice(self.closing_quote);
        }
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn always(name: &[u8]) -> String {
        quote_name(OsStr::from_bytes(name))
    }

    #[test]
    fn shell_escape_always_as_gnu_ln_prints() {
        // Each expectation is what GNU ln 9.1 printed in the C locale.
        assert_eq!(always(b"a b"), "'a b'");
        assert_eq!(always(b"a$b"), "'a$b'");
        assert_eq!(always(b"d\"q"), "'d\"q'");
        assert_eq!(always(b"it's"), "\"it's\"");
        assert_eq!(always(b"n\nl"), "'n'$'\\n''l'");
        assert_eq!(always(b"tab\tx"), "'tab'$'\\t''x'");
        assert_eq!(always(b"x\xffy"), "'x'$'\\377''y'");
        assert_eq!(always(b"~h"), "'~h'");
        assert_eq!(always("é".as_bytes()), "''$'\\303\\251'");
        assert_eq!(always(b"plain"), "'plain'");
        assert_eq!(always(b""), "''");
    }

    #[test]
    fn shell_escape_quotes_only_when_needed() {
        let quoted = |name: &[u8]| quote_name_if_needed(OsStr::from_bytes(name));
        assert_eq!(quoted(b"plain"), "plain");
        assert_eq!(quoted(b"a b"), "'a b'");
        assert_eq!(quoted(b"a:b"), "'a:b'");
        assert_eq!(quoted(b"n\nl"), "'n'$'\\n''l'");
        assert_eq!(quoted(b""), "''");
        assert_eq!(quoted(b"it's"), "\"it's\"");
        assert_eq!(quoted(b"x~"), "x~");
    }

    #[test]
    fn locale_style_as_gnu_quote() {
        assert_eq!(quote(b"x"), "'x'");
        assert_eq!(quote(b"it's"), "'it\\'s'");
        assert_eq!(quote(b"a\nb"), "'a\\nb'");
        assert_eq!(quote(b"\xff"), "'\\377'");
    }

    #[test]
    fn c_styles() {
        assert_eq!(quote_as(b"a\"b\\", Style::C, false), b"\"a\\\"b\\\\\"");
        assert_eq!(quote_as(b"ab", Style::CMaybe, false), b"ab");
        assert_eq!(quote_as(b"a b\n", Style::CMaybe, false), b"\"a b\\n\"");
        assert_eq!(quote_as(b"a\0" as &[u8], Style::Escape, false), b"a\\0");
        assert_eq!(quote_as(b"\x001", Style::C, false), b"\"\\0001\"");
        assert_eq!(quote_as(b"a b", Style::Literal, false), b"a b");
        assert_eq!(quote_as(b"a b", Style::Shell, false), b"'a b'");
        assert_eq!(quote_as(b"a\nb", Style::Shell, false), b"'a\nb'");
        assert_eq!(quote_as(b"it's", Style::ShellAlways, false), b"\"it's\"");
        assert_eq!(quote_as(b"it's\x01", Style::ShellAlways, false), b"'it'\\''s\x01'");
    }
}
