//! One check for every stage's settings: each named number within its range (NaN never
//! is). The stages list their settings with their ranges; this finds the first out of it.

/// A setting: its name, value, and the smallest and largest value its rule can use.
pub(crate) type Limit<'a> = (&'a str, f64, f64, f64);

/// The first setting outside its range, if any.
pub(crate) fn first_out_of_range<'a>(limits: &[Limit<'a>]) -> Option<Limit<'a>> {
    limits
        .iter()
        .copied()
        .find(|&(_, value, min, max)| !(value >= min && value <= max))
}

/// `Err("name must be within min..=max, got value")` for the first setting out of range.
pub(crate) fn check(limits: &[Limit<'_>]) -> Result<(), String> {
    match first_out_of_range(limits) {
        Some((name, value, min, max)) => {
            Err(format!("{name} must be within {min}..={max}, got {value}"))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_nan_are_caught() {
        assert!(check(&[("a", 0.5, 0.0, 1.0)]).is_ok());
        assert!(check(&[("a", 0.5, 0.0, 1.0), ("b", 2.0, 0.0, 1.0)])
            .is_err_and(|e| e.starts_with("b ")));
        assert!(check(&[("c", f64::NAN, 0.0, 1.0)]).is_err());
    }
}
