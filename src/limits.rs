//! One check for every stage's settings: each named number within its range (NaN never
//! is). The stages list their settings with their ranges; this finds the first out of it
//! and names it in a [`SettingError`], which the pipeline loader prefixes with the
//! section (`settings.table.joint_tol`) and locates in the file.

/// A setting: its name, value, and the smallest and largest value its rule can use.
pub(crate) type Limit<'a> = (&'a str, f64, f64, f64);

/// A setting its stage cannot use: the key (`joint_tol`, or `table.joint_tol` once
/// [`SettingError::within`] named its section) and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct SettingError {
    /// The setting's dotted key below `settings` (`table.joint_tol`, `logical.unit_words`).
    pub key: String,
    pub message: String,
}

impl SettingError {
    /// An error about setting `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> SettingError {
        SettingError {
            key: key.into(),
            message: message.into(),
        }
    }

    /// The same error with its key inside `section` (`joint_tol` → `table.joint_tol`).
    pub fn within(self, section: &str) -> SettingError {
        SettingError {
            key: format!("{section}.{}", self.key),
            message: self.message,
        }
    }
}

/// The first setting outside its range, if any.
pub(crate) fn first_out_of_range<'a>(limits: &[Limit<'a>]) -> Option<Limit<'a>> {
    limits
        .iter()
        .copied()
        .find(|&(_, value, min, max)| !(value >= min && value <= max))
}

/// `Err` naming the first setting out of its range: `must be within min..=max, got value`
/// (an unbounded maximum printed as `..`).
pub(crate) fn check(limits: &[Limit<'_>]) -> Result<(), SettingError> {
    match first_out_of_range(limits) {
        Some((name, value, min, max)) => {
            let max = if max == f64::MAX {
                String::new()
            } else {
                format!("={max}")
            };
            Err(SettingError::new(
                name,
                format!("must be within {min}..{max}, got {value}"),
            ))
        }
        None => Ok(()),
    }
}

/// `Err` for a list setting with an empty entry or none at all (when `non_empty`).
pub(crate) fn check_words(
    name: &str,
    words: &[String],
    non_empty: bool,
) -> Result<(), SettingError> {
    if non_empty && words.is_empty() {
        return Err(SettingError::new(name, "give at least one word"));
    }
    if let Some(i) = words.iter().position(|w| w.trim().is_empty()) {
        return Err(SettingError::new(name, format!("entry {i} is empty")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_nan_are_caught() {
        assert!(check(&[("a", 0.5, 0.0, 1.0)]).is_ok());
        let e = check(&[("a", 0.5, 0.0, 1.0), ("b", 2.0, 0.0, 1.0)]).expect_err("b");
        assert_eq!(e.key, "b");
        assert_eq!(e.to_string(), "b: must be within 0..=1, got 2");
        assert!(check(&[("c", f64::NAN, 0.0, 1.0)]).is_err());
        let e = check(&[("d", -1.0, 0.0, f64::MAX)]).expect_err("d");
        assert_eq!(e.within("s").to_string(), "s.d: must be within 0.., got -1");
        assert!(check_words("w", &[], true).is_err());
        assert!(check_words("w", &["a".into(), " ".into()], false)
            .is_err_and(|e| e.message.contains("entry 1")));
    }
}
