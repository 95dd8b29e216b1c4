//! Sizes as GNU reads and prints them: gnulib's `xstrtol` (numbers with
//! unit suffixes, `10K`, `1MB`, `2MiB`), `human_options` (the block size of
//! `--block-size` and the *_BLOCK_SIZE variables) and `human_readable`.

/// gnulib's `strtol_error`, as the messages need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// `invalid -B argument 'x'`
    Invalid,
    /// `invalid suffix in -B argument '1Q'`
    InvalidSuffix,
    /// `-B argument '99999999999999999999' too large`
    Overflow,
}

impl NumberError {
    /// gnulib's `xstrtol_fatal` message for OPTION (`-B` or `--block-size`).
    pub fn message(self, option: &str, arg: &[u8]) -> String {
        let arg = super::quote::quote(arg);
        match self {
            NumberError::Invalid => format!("invalid {option} argument {arg}"),
            NumberError::InvalidSuffix => format!("invalid suffix in {option} argument {arg}"),
            NumberError::Overflow => format!("{option} argument {arg} too large"),
        }
    }
}

/// What `xstrtoumax`/`xstrtoimax` read: the value (saturated on overflow)
/// and how the text fell short, if it did; gnulib keeps the value even
/// then (a caller such as `human_options` uses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed<T> {
    pub value: T,
    pub error: Option<NumberError>,
}

/// C's `isspace` in the C locale.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `strtoumax`/`strtoimax` with base 0: the magnitude (saturated), whether
/// it was negative, whether it overflowed, and where the number ended
/// (0 when there was none).
fn strto(text: &[u8]) -> (u128, bool, bool, usize) {
    let mut i = 0;
    while i < text.len() && is_space(text[i]) {
        i += 1;
    }
    let negative = text.get(i) == Some(&b'-');
    if matches!(text.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let (radix, start) = match (text.get(i), text.get(i + 1), text.get(i + 2)) {
        (Some(b'0'), Some(b'x' | b'X'), Some(c)) if c.is_ascii_hexdigit() => (16, i + 2),
        (Some(b'0'), _, _) => (8, i),
        _ => (10, i),
    };
    let mut value: u128 = 0;
    let mut overflow = false;
    let mut end = start;
    while let Some(digit) = text.get(end).and_then(|&c| (c as char).to_digit(radix)) {
        value = value * radix as u128 + digit as u128;
        if value > u64::MAX as u128 + 1 {
            overflow = true;
            value = u64::MAX as u128 + 1;
        }
        end += 1;
    }
    if end == start {
        return (0, false, false, 0);
    }
    (value, negative, overflow, end)
}

/// Multiplies by `base`^`power`, saturating; true on overflow.
fn scale(value: &mut u128, base: u128, power: u32, limit: u128) -> bool {
    for _ in 0..power {
        *value *= base;
        if *value > limit {
            *value = limit;
            return true;
        }
    }
    false
}

/// gnulib's `__xstrtol` suffix handling for a number that ended at `end`,
/// with `limit` the type's largest magnitude.
fn suffixed(
    text: &[u8],
    number: (u128, bool, usize),
    suffixes: &[u8],
    limit: u128,
) -> (u128, Option<NumberError>) {
    let (mut value, mut overflowed, mut end) = number;
    let mut error = overflowed.then_some(NumberError::Overflow);
    if end == 0 {
        // No number: a valid suffix alone stands for 1 of it.
        match text.first() {
            Some(c) if suffixes.contains(c) => value = 1,
            _ => return (0, Some(NumberError::Invalid)),
        }
    }
    let Some(&suffix) = text.get(end) else { return (value, error) };
    if !suffixes.contains(&suffix) {
        return (value, Some(error.unwrap_or(NumberError::InvalidSuffix)));
    }
    let mut base = 1024;
    let mut length = 1;
    if suffixes.contains(&b'0') && b"EGgkKMmPTtYZ".contains(&suffix) {
        match (text.get(end + 1), text.get(end + 2)) {
            (Some(b'i'), Some(b'B')) => length = 3,
            (Some(b'B' | b'D'), _) => {
                base = 1000;
                length = 2;
            }
            _ => {}
        }
    }
    let power = match suffix {
        b'b' => {
            overflowed |= scale(&mut value, 512, 1, limit);
            None
        }
        b'B' => {
            overflowed |= scale(&mut value, 1024, 1, limit);
            None
        }
        b'c' => None,
        b'w' => {
            overflowed |= scale(&mut value, 2, 1, limit);
            None
        }
        b'k' | b'K' => Some(1),
        b'M' | b'm' => Some(2),
        b'G' | b'g' => Some(3),
        b'T' | b't' => Some(4),
        b'P' => Some(5),
        b'E' => Some(6),
        b'Z' => Some(7),
        b'Y' => Some(8),
        _ => return (value, Some(error.unwrap_or(NumberError::InvalidSuffix))),
    };
    if let Some(power) = power {
        overflowed |= scale(&mut value, base, power, limit);
    }
    if overflowed {
        error = Some(NumberError::Overflow);
    }
    end += length;
    if end < text.len() {
        error = Some(error.unwrap_or(NumberError::InvalidSuffix));
    }
    (value, error)
}

/// gnulib `xstrtoumax` with base 0 and `suffixes` the valid unit letters.
pub fn xstrtoumax(text: &[u8], suffixes: &[u8]) -> Parsed<u64> {
    let mut i = 0;
    while i < text.len() && is_space(text[i]) {
        i += 1;
    }
    if text.get(i) == Some(&b'-') {
        return Parsed { value: 0, error: Some(NumberError::Invalid) };
    }
    let (magnitude, _, overflow, end) = strto(text);
    let limit = u64::MAX as u128;
    let overflow = overflow || magnitude > limit;
    let (value, error) = suffixed(text, (magnitude.min(limit), overflow, end), suffixes, limit);
    Parsed { value: value as u64, error }
}

/// gnulib `xstrtoimax` with base 0 and `suffixes` the valid unit letters.
pub fn xstrtoimax(text: &[u8], suffixes: &[u8]) -> Parsed<i64> {
    let (magnitude, negative, overflow, end) = strto(text);
    // strtoimax saturates at INTMAX_MIN or INTMAX_MAX; the suffix then
    // scales the magnitude.
    let limit = if negative { i64::MAX as u128 + 1 } else { i64::MAX as u128 };
    let overflow = overflow || magnitude > limit;
    let (value, error) = suffixed(text, (magnitude.min(limit), overflow, end), suffixes, limit);
    let value = if negative { (value as i128).wrapping_neg() as i64 } else { value as i64 };
    Parsed { value, error }
}

/// How sizes are printed: gnulib's `human_output_opts` as du and df use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HumanStyle {
    /// `-h`, `--si`: the largest unit that keeps the number below the base.
    pub autoscale: bool,
    /// Powers of 1024 rather than 1000.
    pub base_1024: bool,
    /// Print the unit letter (`human_SI`).
    pub unit_letter: bool,
    /// Add `B` after the letter (`-BKB`, `-BKiB`).
    pub unit_bytes: bool,
    /// `'` before the block size: thousands separators, none in the C locale.
    pub group_digits: bool,
}

/// The unit sizes are printed in: the number of bytes a printed 1 stands
/// for, and how it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSize {
    pub bytes: u64,
    pub style: HumanStyle,
}

impl BlockSize {
    pub const HUMAN: BlockSize = BlockSize {
        bytes: 1,
        style: HumanStyle {
            autoscale: true,
            base_1024: true,
            unit_letter: true,
            unit_bytes: false,
            group_digits: false,
        },
    };
    pub const SI: BlockSize = BlockSize {
        bytes: 1,
        style: HumanStyle {
            autoscale: true,
            base_1024: false,
            unit_letter: true,
            unit_bytes: false,
            group_digits: false,
        },
    };

    pub fn plain(bytes: u64) -> BlockSize {
        BlockSize { bytes, style: HumanStyle::default() }
    }

    /// GNU's default: 1024 bytes, or 512 when POSIXLY_CORRECT is set.
    pub fn default_size() -> BlockSize {
        BlockSize::plain(if std::env::var_os("POSIXLY_CORRECT").is_some() { 512 } else { 1024 })
    }

    /// gnulib `human_options`: the block size SPEC names (`--block-size`'s
    /// argument), or with `None` the first of the variables `variable`
    /// (e.g. DU_BLOCK_SIZE), BLOCK_SIZE and BLOCKSIZE that is set. On an
    /// error the block size gnulib would go on with comes back too (a
    /// variable's error is ignored, an option's is fatal).
    pub fn parse(spec: Option<&[u8]>) -> (BlockSize, Option<NumberError>) {
        let from_env;
        let spec = match spec {
            Some(spec) => spec,
            None => {
                from_env = ["BLOCK_SIZE", "BLOCKSIZE"].iter().find_map(std::env::var_os);
                match &from_env {
                    Some(value) => std::os::unix::ffi::OsStrExt::as_bytes(value.as_os_str()),
                    None => return (BlockSize::default_size(), None),
                }
            }
        };
        let (mut style, spec) = match spec.strip_prefix(b"'") {
            Some(rest) => (HumanStyle { group_digits: true, ..HumanStyle::default() }, rest),
            None => (HumanStyle::default(), spec),
        };
        const NAMED: [(&str, BlockSize); 2] = [("human-readable", BlockSize::HUMAN), ("si", BlockSize::SI)];
        if let Some(Ok(named)) = super::argmatch::argmatch(spec, &NAMED) {
            let group_digits = style.group_digits;
            return (BlockSize { bytes: 1, style: HumanStyle { group_digits, ..named.style } }, None);
        }
        let parsed = xstrtoumax(spec, b"eEgGkKmMpPtTyYzZ0");
        let mut error = parsed.error;
        if error.is_none() {
            // A unit with no number before it (`K`, `MiB`) is printed too.
            if !spec.iter().any(u8::is_ascii_digit) {
                let last = spec.len() - 1;
                style.unit_letter = true;
                style.unit_bytes = spec[last] == b'B';
                style.base_1024 = spec[last] != b'B' || last > 0 && spec[last - 1] == b'i';
            }
        } else {
            style = HumanStyle::default();
        }
        let mut bytes = match error {
            // gnulib stores the number only when it read one.
            Some(NumberError::Invalid) => 0,
            _ => parsed.value,
        };
        if bytes == 0 {
            bytes = BlockSize::default_size().bytes;
            error = Some(NumberError::Invalid);
        }
        (BlockSize { bytes, style }, error)
    }

    /// gnulib `human_readable (n, buf, opts, 1, self.bytes)`, rounding up
    /// (du's `human_ceiling`).
    pub fn format(&self, n: u64, out: &mut Vec<u8>) {
        let base: u128 = if self.style.base_1024 { 1024 } else { 1000 };
        const EXPONENT_MAX: u32 = 8;
        const POWER_LETTER: &[u8; 9] = b"\0KMGTPEZY";
        let to = self.bytes as u128;
        let n = n as u128;
        // AMT.TENTHS and what was dropped: 0 nothing, 1 less than half a
        // tenth, 2 exactly half, 3 more than half.
        let (mut amt, mut tenths, mut rounding): (u128, u128, u128) = if to <= 1 {
            (n, 0, 0)
        } else {
            let r10 = (n % to) * 10;
            let r2 = (r10 % to) * 2;
            (n / to, r10 / to, if r2 < to { u128::from(r2 > 0) } else { 2 + u128::from(to < r2) })
        };
        let mut exponent: Option<u32> = None;
        let mut fraction: Option<u8> = None;
        if self.style.autoscale {
            let mut e = 0;
            if base <= amt {
                loop {
                    let r10 = (amt % base) * 10 + tenths;
                    let r2 = (r10 % base) * 2 + (rounding >> 1);
                    amt /= base;
                    tenths = r10 / base;
                    rounding = if r2 < base {
                        u128::from(r2 + rounding != 0)
                    } else {
                        2 + u128::from(base < r2 + rounding)
                    };
                    e += 1;
                    if !(base <= amt && e < EXPONENT_MAX) {
                        break;
                    }
                }
                if amt < 10 {
                    if rounding > 0 {
                        tenths += 1;
                        rounding = 0;
                        if tenths == 10 {
                            amt += 1;
                            tenths = 0;
                        }
                    }
                    if amt < 10 {
                        fraction = Some(tenths as u8);
                        tenths = 0;
                        rounding = 0;
                    }
                }
            }
            exponent = Some(e);
        }
        if tenths + rounding > 0 {
            amt += 1;
            if let Some(e) = exponent.as_mut()
                && amt == base
                && *e < EXPONENT_MAX
            {
                *e += 1;
                fraction = Some(0);
                amt = 1;
            }
        }
        out.extend_from_slice(amt.to_string().as_bytes());
        if let Some(tenths) = fraction {
            out.push(b'.');
            out.push(b'0' + tenths);
        }
        if self.style.unit_letter {
            let exponent = exponent.unwrap_or_else(|| {
                let mut e = 0;
                let mut power: u128 = 1;
                while power < to {
                    power *= base;
                    e += 1;
                    if e == EXPONENT_MAX {
                        break;
                    }
                }
                e
            });
            if exponent > 0 {
                out.push(if !self.style.base_1024 && exponent == 1 {
                    b'k'
                } else {
                    POWER_LETTER[exponent as usize]
                });
            }
            if self.style.unit_bytes {
                if self.style.base_1024 && exponent > 0 {
                    out.push(b'i');
                }
                out.push(b'B');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(size: BlockSize, n: u64) -> String {
        let mut out = Vec::new();
        size.format(n, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_rounds_up_with_one_decimal_below_ten() {
        let cases = [
            (0, "0"),
            (1, "1"),
            (1023, "1023"),
            (1024, "1.0K"),
            (1025, "1.1K"),
            (10239, "10K"),
            (10240, "10K"),
        ];
        for (n, text) in cases {
            assert_eq!(shown(BlockSize::HUMAN, n), text, "{n}");
        }
        assert_eq!(shown(BlockSize::HUMAN, 10241), "11K");
        assert_eq!(shown(BlockSize::HUMAN, 1024 * 1024 - 1), "1.0M");
        assert_eq!(shown(BlockSize::SI, 999), "999");
        assert_eq!(shown(BlockSize::SI, 1001), "1.1k");
        assert_eq!(shown(BlockSize::SI, 9_999_999), "10M");
        assert_eq!(shown(BlockSize::plain(1024), 4097), "5");
    }

    #[test]
    fn block_size_specs() {
        let parse = |s: &str| BlockSize::parse(Some(s.as_bytes()));
        assert_eq!(parse("1K").0, BlockSize::plain(1024));
        assert_eq!(parse("KB").0.bytes, 1000);
        assert!(parse("KB").0.style.unit_bytes && !parse("KB").0.style.base_1024);
        assert!(parse("KiB").0.style.base_1024);
        assert_eq!(parse("human").0, BlockSize::HUMAN);
        assert_eq!(parse("0").1, Some(NumberError::Invalid));
        assert_eq!(parse("-1").1, Some(NumberError::Invalid));
        assert_eq!(parse("1Q").1, Some(NumberError::InvalidSuffix));
        assert_eq!(parse("1X").0.bytes, 1);
        assert_eq!(parse("99999999999999999999").1, Some(NumberError::Overflow));
    }

    #[test]
    fn signed_thresholds() {
        let suffixes = b"kKmMGTPEZY0";
        assert_eq!(xstrtoimax(b"-1K", suffixes), Parsed { value: -1024, error: None });
        assert_eq!(xstrtoimax(b"0x10", suffixes).value, 16);
        assert_eq!(xstrtoimax(b"x", suffixes).error, Some(NumberError::Invalid));
        assert_eq!(xstrtoimax(b"2MB", suffixes).value, 2_000_000);
    }
}
