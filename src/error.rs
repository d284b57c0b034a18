//! Errors as data: every input problem becomes one line naming the file or argument.

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// Syntactically invalid JSON (or another text format) with its position.
    #[error("{origin}:{line}:{column}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid syntax, wrong shape: a JSON pointer says where.
    #[error("{origin}: {pointer}{sep}{message}", sep = if pointer.is_empty() { "" } else { ": " })]
    Shape {
        origin: String,
        pointer: String,
        message: String,
    },
    /// A command-line argument that names nothing known.
    #[error("{message}")]
    Usage { message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn json(origin: &str, e: &serde_json::Error) -> Error {
        let msg = e.to_string();
        // serde_json appends " at line X column Y"; keep only the message part.
        let message = match msg.rfind(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        Error::Syntax {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }

    pub fn shape(origin: &str, pointer: &str, message: impl Into<String>) -> Error {
        Error::Shape {
            origin: origin.to_string(),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
        }
    }

    pub fn io(path: &str, e: &std::io::Error) -> Error {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::InvalidData => "not valid UTF-8 text".to_string(),
            _ => e.to_string(),
        };
        Error::Io {
            path: path.to_string(),
            message,
        }
    }
}

/// Longest input, in characters, that "did you mean" compares: no name azrbac suggests is
/// that long, and comparing a huge key (megabytes) would take seconds and gigabytes.
pub const MAX_SUGGEST_CHARS: usize = 200;

/// "did you mean" help: the closest candidate by normalised Damerau-Levenshtein similarity.
/// Inputs longer than [`MAX_SUGGEST_CHARS`] get none.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    if input.len() > MAX_SUGGEST_CHARS && input.chars().nth(MAX_SUGGEST_CHARS).is_some() {
        return None;
    }
    let needle = input.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(&needle, &c.to_ascii_lowercase());
        if score >= 0.7 && best.is_none_or(|(b, bc)| score > b || (score == b && c < bc)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("Contributer", ["Contributor", "Owner"]),
            Some("Contributor")
        );
        assert_eq!(did_you_mean("zzzz", ["Contributor", "Owner"]), None);
        // A huge input is not compared at all.
        let huge = format!("Contributer{}", " ".repeat(MAX_SUGGEST_CHARS));
        assert_eq!(did_you_mean(&huge, ["Contributor"]), None);
    }

    #[test]
    fn json_error_has_position() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": }").unwrap_err();
        let err = Error::json("f.json", &e);
        assert_eq!(err.to_string(), "f.json:2:8: expected value");
    }
}
