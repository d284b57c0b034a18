//! Byte offset → 1-based line and column (in characters) in constant time after one linear
//! pass, for the readers that locate every entry by its offset (Terraform, Bicep). Counting
//! from the start of the text for each entry made those readers quadratic.

/// Bytes between two character-count checkpoints.
const CHUNK: usize = 64;

/// Line starts and character-count checkpoints of one text.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    bytes: &'a [u8],
    /// Byte offset of the start of each line (the first is 0).
    starts: Vec<usize>,
    /// Characters in `bytes[..k * CHUNK]`, for each `k`.
    chars: Vec<usize>,
}

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars = Vec::with_capacity(bytes.len() / CHUNK + 1);
        let mut n = 0;
        chars.push(0);
        for chunk in bytes.chunks(CHUNK) {
            n += chunk.iter().filter(|b| starts_char(**b)).count();
            chars.push(n);
        }
        LineIndex {
            bytes,
            starts,
            chars,
        }
    }

    /// Characters in `bytes[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / CHUNK;
        let base = self.chars.get(k).copied().unwrap_or(0);
        let tail = self
            .bytes
            .get(k * CHUNK..offset)
            .map_or(0, |s| s.iter().filter(|b| starts_char(**b)).count());
        base + tail
    }

    /// The 1-based line and column (counted in characters) of a byte offset; an offset past
    /// the end is read as the end.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.bytes.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        (line, column)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: count from the start of the text.
    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
            + 1;
        (line, column)
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncdé\n\nx";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line_col(0), (1, 1));
        assert_eq!(ix.line_col(2), (1, 3));
        assert_eq!(ix.line_col(3), (2, 1));
        assert_eq!(ix.line_col(7), (2, 4));
        assert_eq!(ix.line_col(9), (4, 1));
        assert_eq!(ix.line_col(10), (4, 2));
        assert_eq!(ix.line_col(99), (4, 2));
    }

    proptest! {
        #[test]
        fn agrees_with_counting_from_the_start(text in "[a\\n\u{e9}\u{1f600}\u{200b}]{0,300}", pick in any::<usize>()) {
            let ix = LineIndex::new(&text);
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let offset = boundaries[pick % boundaries.len()];
            prop_assert_eq!(ix.line_col(offset), naive(&text, offset));
        }
    }
}
