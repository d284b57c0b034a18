//! The two permission planes (control and data) and the wildcard-matching mode.

use std::fmt;

/// Azure separates management operations (`Actions`) from data operations (`DataActions`).
/// A pattern written in one plane never matches an operation of the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Plane {
    Control,
    Data,
}

impl Plane {
    pub const BOTH: [Plane; 2] = [Plane::Control, Plane::Data];

    /// The key used in JSON output for operations of this plane.
    pub fn json_key(self) -> &'static str {
        match self {
            Plane::Control => "actions",
            Plane::Data => "dataActions",
        }
    }

    /// The field names of a permission block that grant and remove on this plane.
    pub fn fields(self) -> (&'static str, &'static str) {
        match self {
            Plane::Control => ("Actions", "NotActions"),
            Plane::Data => ("DataActions", "NotDataActions"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Plane::Control => "control",
            Plane::Data => "data",
        }
    }

    pub fn parse(s: &str) -> Option<Plane> {
        match s.to_ascii_lowercase().as_str() {
            "control" | "actions" | "action" => Some(Plane::Control),
            "data" | "dataactions" | "dataaction" => Some(Plane::Data),
            _ => None,
        }
    }
}

impl fmt::Display for Plane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How `*` between two slashes is interpreted.
///
/// `Azure` (the default) lets `/*/` also match a single `/`, which is how Azure evaluates
/// built-in roles such as AzureML Data Scientist (`workspaces/computes/*/write` removes
/// `workspaces/computes/write`). `Literal` treats every `*` as "any run of characters" only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WildcardMode {
    #[default]
    Azure,
    Literal,
}

impl WildcardMode {
    pub fn as_str(self) -> &'static str {
        match self {
            WildcardMode::Azure => "azure",
            WildcardMode::Literal => "literal",
        }
    }
}
