//! gnulib's `argmatch`: an option's value names one of a fixed set of
//! choices, exactly or by an abbreviation, and a value that names none gets
//! GNU's two-part message (`invalid argument 'x' for '--time'`, then the
//! valid choices, those meaning the same thing on one line).

use super::error::Error;
use super::quote::quote;

/// The choice `value` names: an exact name, or a prefix of names that all
/// mean the same thing (`--time=a` is `atime` and `access` alike).
pub fn argmatch<T: Copy + PartialEq>(value: &[u8], choices: &[(&str, T)]) -> Option<Result<T, ()>> {
    if let Some(&(_, exact)) = choices.iter().find(|(name, _)| name.as_bytes() == value) {
        return Some(Ok(exact));
    }
    let mut found = None;
    for &(name, meaning) in choices {
        if name.as_bytes().starts_with(value) {
            match found {
                None => found = Some(meaning),
                Some(first) if first != meaning => return Some(Err(())),
                Some(_) => {}
            }
        }
    }
    found.map(Ok)
}

/// argmatch, or GNU's usage error naming `context` and the valid choices.
pub fn xargmatch<T: Copy + PartialEq>(
    context: &str,
    value: &[u8],
    choices: &[(&str, T)],
) -> Result<T, Error> {
    let problem = match argmatch(value, choices) {
        Some(Ok(choice)) => return Ok(choice),
        Some(Err(())) => "ambiguous",
        None => "invalid",
    };
    let mut message = format!(
        "{problem} argument {} for {}\nValid arguments are:",
        quote(value),
        quote(context.as_bytes())
    );
    let mut previous = None;
    for &(name, meaning) in choices {
        let quoted = quote(name.as_bytes());
        if previous == Some(meaning) {
            message.push_str(&format!(", {quoted}"));
        } else {
            message.push_str(&format!("\n  - {quoted}"));
        }
        previous = Some(meaning);
    }
    Err(Error::usage(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMES: [(&str, u8); 5] = [("atime", 0), ("access", 0), ("use", 0), ("ctime", 1), ("status", 1)];

    #[test]
    fn abbreviations_of_one_meaning_match() {
        assert_eq!(argmatch(b"a", &TIMES), Some(Ok(0)));
        assert_eq!(argmatch(b"ctime", &TIMES), Some(Ok(1)));
        assert_eq!(argmatch(b"x", &TIMES), None);
        assert_eq!(argmatch(b"", &TIMES), Some(Err(())));
    }

    #[test]
    fn message_groups_synonyms() {
        let err = format!("{:?}", xargmatch("--time", b"birth", &TIMES).unwrap_err());
        assert!(err.contains(
            "invalid argument 'birth' for '--time'\\nValid arguments are:\\n  - 'atime', 'access', 'use'\\n  - 'ctime', 'status'"
        ));
    }
}
