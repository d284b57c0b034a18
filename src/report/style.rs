//! Minimal ANSI styling, used only when the stream is a terminal and `NO_COLOR` is unset.

#[derive(Debug, Clone, Copy)]
pub enum Color {
    Red,
    Green,
    Yellow,
    Bold,
}

pub fn paint(text: &str, color: Color, enabled: bool) -> String {
    if !enabled {
        return text.to_string();
    }
    let code = match color {
        Color::Red => "31",
        Color::Green => "32",
        Color::Yellow => "33",
        Color::Bold => "1",
    };
    format!("\u{1b}[{code}m{text}\u{1b}[0m")
}
