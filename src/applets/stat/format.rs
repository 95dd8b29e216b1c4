//! The FORMAT of `-c`/`--printf` (and the built-in ones), read once into
//! pieces the way GNU stat's `print_it` walks it for every file: text,
//! `%` directives with printf flags, `--printf`'s backslash escapes with
//! their warnings, and the invalid directive GNU stops at.

use super::printf::{Flags, Precision, Spec};

/// Which directive table the format is read for: only the file table
/// knows the `H`/`L` modifiers (`%Hd`); to `-f` they are unknown letters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Table {
    File,
    FileSystem,
}

/// One `%` directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Directive {
    pub spec: Spec,
    /// `H` (major) or `L` (minor) before `d` or `r`.
    pub modifier: Option<u8>,
    /// The directive letter; an unknown one prints `?`.
    pub letter: u8,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Text(Vec<u8>),
    Directive(Directive),
    /// A `stat: ...` warning on stderr at this point of the output.
    Warning(Vec<u8>),
    /// `%5%` or a trailing `%5`: GNU prints what came before, then stops
    /// with `'%5': invalid directive`.
    Invalid(Vec<u8>),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Format {
    pub pieces: Vec<Piece>,
}

/// How a directive ends: GNU's `format_code_offset` (flags, width,
/// precision) gives the spec and the index of the letter.
fn directive_spec(format: &[u8], percent: usize) -> (Spec, usize) {
    let mut spec = Spec::default();
    let mut at = percent + 1;
    while let Some(flag) = format.get(at).and_then(|&b| Flags::from_byte(b)) {
        spec.flags.insert(flag);
        if flag != Flags::MINUS {
            spec.dropped_string_flags += 1;
        }
        at += 1;
    }
    let (width, after) = number(format, at, &mut spec.overflow);
    spec.width = width;
    at = after;
    if format.get(at) == Some(&b'.') {
        let (precision, after) = number(format, at + 1, &mut spec.overflow);
        spec.precision = if after == at + 1 { Precision::Bare } else { Precision::Digits(precision) };
        at = after;
    }
    (spec, at)
}

/// Decimal digits from `at`, saturating at `i32::MAX` as GNU's strtol use
/// does (setting `overflow` past it); returns the value and the index
/// after the digits.
fn number(format: &[u8], mut at: usize, overflow: &mut bool) -> (usize, usize) {
    let mut value: usize = 0;
    while let Some(digit) = format.get(at).filter(|b| b.is_ascii_digit()) {
        value = value.saturating_mul(10).saturating_add(usize::from(digit - b'0'));
        if value > i32::MAX as usize {
            *overflow = true;
            value = i32::MAX as usize;
        }
        at += 1;
    }
    (value, at)
}

impl Format {
    /// Reads `format`; `escapes` for `--printf`; `trailing` is appended
    /// after each use (`-c`'s newline).
    pub fn parse(format: &[u8], escapes: bool, table: Table, trailing: &[u8]) -> Format {
        let mut pieces = Vec::new();
        let mut text = Vec::new();
        let flush = |text: &mut Vec<u8>, pieces: &mut Vec<Piece>| {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(text)));
            }
        };
        let mut i = 0;
        while i < format.len() {
            match format[i] {
                b'%' => {
                    let (spec, letter_at) = directive_spec(format, i);
                    match format.get(letter_at) {
                        None | Some(b'%') => {
                            if letter_at - i > 1 {
                                let end = (letter_at + 1).min(format.len());
                                flush(&mut text, &mut pieces);
                                pieces.push(Piece::Invalid(format[i..end].to_vec()));
                                return Format { pieces };
                            }
                            text.push(b'%');
                            i = letter_at + 1;
                        }
                        Some(&letter) => {
                            let next = format.get(letter_at + 1).copied();
                            let modified = matches!(letter, b'H' | b'L')
                                && table == Table::File
                                && matches!(next, Some(b'd' | b'r'));
                            let directive = match (modified, next) {
                                (true, Some(next)) => Directive { spec, modifier: Some(letter), letter: next },
                                _ => Directive { spec, modifier: None, letter },
                            };
                            flush(&mut text, &mut pieces);
                            pieces.push(Piece::Directive(directive));
                            i = letter_at + if modified { 2 } else { 1 };
                        }
                    }
                }
                b'\\' if escapes => i = escape(format, i + 1, &mut text, &mut pieces),
                byte => {
                    text.push(byte);
                    i += 1;
                }
            }
        }
        text.extend_from_slice(trailing);
        flush(&mut text, &mut pieces);
        Format { pieces }
    }

    /// The letters of the directives without a modifier, as GNU reads
    /// them to choose what to ask statx for.
    pub fn letters(&self) -> impl Iterator<Item = u8> + '_ {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Directive(directive) if directive.modifier.is_none() => Some(directive.letter),
            _ => None,
        })
    }
}

/// One `--printf` escape after the backslash at `at - 1`, as GNU's
/// `print_it` reads it; returns the index after it.
fn escape(format: &[u8], at: usize, text: &mut Vec<u8>, pieces: &mut Vec<Piece>) -> usize {
    let is_octal = |b: &u8| (b'0'..=b'7').contains(b);
    let Some(&first) = format.get(at) else {
        warn(text, pieces, b"warning: backslash at end of format".to_vec());
        text.push(b'\\');
        return at;
    };
    if is_octal(&first) {
        // Up to three digits; GNU's putchar keeps the low byte of \777.
        let mut value: u32 = 0;
        let mut end = at;
        while end < at + 3 && format.get(end).is_some_and(is_octal) {
            value = value * 8 + u32::from(format[end] - b'0');
            end += 1;
        }
        text.push(value as u8);
        return end;
    }
    if first == b'x' && format.get(at + 1).is_some_and(u8::is_ascii_hexdigit) {
        let mut value: u32 = 0;
        let mut end = at + 1;
        while end < at + 3 && format.get(end).is_some_and(u8::is_ascii_hexdigit) {
            value = value * 16 + (format[end] as char).to_digit(16).unwrap_or(0);
            end += 1;
        }
        text.push(value as u8);
        return end;
    }
    let byte = match first {
        b'a' => 0x07,
        b'b' => 0x08,
        b'e' => 0x1b,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 0x0b,
        b'"' | b'\\' => first,
        other => {
            let mut message = b"warning: unrecognized escape '\\".to_vec();
            message.push(other);
            message.push(b'\'');
            warn(text, pieces, message);
            other
        }
    };
    text.push(byte);
    at + 1
}

fn warn(text: &mut Vec<u8>, pieces: &mut Vec<Piece>, message: Vec<u8>) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
    pieces.push(Piece::Warning(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(letter: u8) -> Piece {
        Piece::Directive(Directive { spec: Spec::default(), modifier: None, letter })
    }

    fn text(s: &[u8]) -> Piece {
        Piece::Text(s.to_vec())
    }

    #[test]
    fn directives_and_text() {
        let format = Format::parse(b"a%n%%b%Hd%Hx", false, Table::File, b"\n");
        assert_eq!(
            format.pieces,
            vec![
                text(b"a"),
                directive(b'n'),
                text(b"%b"),
                Piece::Directive(Directive { spec: Spec::default(), modifier: Some(b'H'), letter: b'd' }),
                directive(b'H'),
                text(b"x\n"),
            ]
        );
        let format = Format::parse(b"%Hd", false, Table::FileSystem, b"");
        assert_eq!(format.pieces, vec![directive(b'H'), text(b"d")]);
    }

    #[test]
    fn specs() {
        let format = Format::parse(b"%-010.3n%.X%'I#+ 5y", false, Table::File, b"");
        let specs: Vec<Spec> = format
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Directive(d) => Some(d.spec),
                _ => None,
            })
            .collect();
        assert_eq!(specs[0].width, 10);
        assert!(specs[0].flags.contains(Flags::MINUS.union(Flags::ZERO)));
        assert_eq!(specs[0].precision, Precision::Digits(3));
        assert_eq!(specs[1].precision, Precision::Bare);
        assert_eq!(specs[2].width, 5);
    }

    #[test]
    fn percent_at_the_end_and_invalid_directives() {
        assert_eq!(Format::parse(b"a%", false, Table::File, b"\n").pieces, vec![text(b"a%\n")]);
        assert_eq!(
            Format::parse(b"a%5%b", false, Table::File, b"\n").pieces,
            vec![text(b"a"), Piece::Invalid(b"%5%".to_vec())]
        );
        assert_eq!(Format::parse(b"%-", false, Table::File, b"").pieces, vec![Piece::Invalid(b"%-".to_vec())]);
    }

    #[test]
    fn printf_escapes() {
        let format = Format::parse(b"\\t\\101\\x41g\\xZ\\\\\\\"\\777\\", true, Table::File, b"");
        assert_eq!(
            format.pieces,
            vec![
                text(b"\tAAg"),
                Piece::Warning(b"warning: unrecognized escape '\\x'".to_vec()),
                text(b"xZ\\\"\xff"),
                Piece::Warning(b"warning: backslash at end of format".to_vec()),
                text(b"\\"),
            ]
        );
        assert_eq!(Format::parse(b"\\n", false, Table::File, b"").pieces, vec![text(b"\\n")]);
    }
}
