//! Which rows of a long list to put in the DOM: those on screen and a margin around them.
//!
//! Pure arithmetic on a fixed row pitch, so it is unit-tested natively. Why a fixed pitch: the
//! position of row `i` is then `i * pitch` without measuring anything, which is what lets a
//! list of 5,000 rows keep only ~60 of them in the DOM and still scroll to any one of them.

use std::ops::Range;

/// Height of one row plus the gap below it, in CSS pixels. The list hands it to the stylesheet
/// as `--row-pitch`, so the CSS row height and this figure cannot drift apart.
pub const ROW_PITCH_PX: f64 = 52.0;

/// Up to this many rows, every row is in the DOM: cheap enough, and the end-to-end tests (and
/// the browser's find-in-page) see them all.
pub const ALL_ROWS_UP_TO: usize = 200;

/// Rows rendered beyond each edge of the screen. Scrolling re-renders only when the screen
/// leaves this margin, i.e. every ~20 rows of scrolling rather than on every pixel.
pub const OVERSCAN: usize = 20;

/// Where the list is on screen: the top of the list relative to the top of the viewport (as
/// `getBoundingClientRect().top`, negative once the list's start has scrolled away) and the
/// viewport's height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub list_top: f64,
    pub height: f64,
}

/// The rows that are (even partly) on screen.
pub fn on_screen(total: usize, viewport: Viewport) -> Range<usize> {
    let from = (-viewport.list_top).max(0.0);
    let to = (viewport.height - viewport.list_top).max(0.0);
    let first = ((from / ROW_PITCH_PX).floor() as usize).min(total);
    let end = ((to / ROW_PITCH_PX).ceil() as usize).clamp(first, total);
    first..end
}

/// The rows to render next, given what is rendered now: unchanged while the screen stays within
/// the rendered rows (no re-render while scrolling inside the margin), else the screen plus
/// [`OVERSCAN`] on both sides. Short lists are rendered whole.
pub fn next_window(total: usize, rendered: Range<usize>, viewport: Viewport) -> Range<usize> {
    if total <= ALL_ROWS_UP_TO {
        return 0..total;
    }
    let seen = on_screen(total, viewport);
    let rendered = clamp(rendered, total);
    if rendered.start <= seen.start && seen.end <= rendered.end && !rendered.is_empty() {
        return rendered;
    }
    around(total, seen)
}

/// The rows to render so that row `index` sits in the middle of a screen of `height` pixels.
pub fn centred_on(total: usize, index: usize, height: f64) -> Range<usize> {
    if total <= ALL_ROWS_UP_TO {
        return 0..total;
    }
    let half = (height / ROW_PITCH_PX / 2.0).ceil() as usize;
    around(
        total,
        index.saturating_sub(half)..(index + half + 1).min(total),
    )
}

/// `range` cut to a list of `total` rows (the list may have shrunk since it was chosen).
pub fn clamp(range: Range<usize>, total: usize) -> Range<usize> {
    let end = range.end.min(total);
    range.start.min(end)..end
}

/// Pixels of empty space above and below the rendered rows, standing in for the rows that are
/// not in the DOM so the scrollbar and every row's position stay true.
pub fn padding(total: usize, rendered: &Range<usize>) -> (f64, f64) {
    let above = rendered.start as f64 * ROW_PITCH_PX;
    let below = total.saturating_sub(rendered.end) as f64 * ROW_PITCH_PX;
    (above, below)
}

fn around(total: usize, seen: Range<usize>) -> Range<usize> {
    seen.start.saturating_sub(OVERSCAN)..(seen.end + OVERSCAN).min(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(list_top: f64) -> Viewport {
        Viewport {
            list_top,
            height: 520.0, // ten rows
        }
    }

    #[test]
    fn short_lists_are_rendered_whole() {
        assert_eq!(next_window(12, 0..0, at(-10_000.0)), 0..12);
        assert_eq!(centred_on(ALL_ROWS_UP_TO, 150, 520.0), 0..ALL_ROWS_UP_TO);
    }

    #[test]
    fn the_screen_and_a_margin_are_rendered() {
        // List starts 100 px below the top of the screen: rows 0..9 show (8.08 rows of list).
        assert_eq!(on_screen(5000, at(100.0)), 0..9);
        assert_eq!(next_window(5000, 0..0, at(100.0)), 0..9 + OVERSCAN);
        // Scrolled 52,000 px into the list: rows 1000..1010 show.
        assert_eq!(on_screen(5000, at(-52_000.0)), 1000..1010);
        assert_eq!(
            next_window(5000, 0..0, at(-52_000.0)),
            1000 - OVERSCAN..1010 + OVERSCAN
        );
    }

    #[test]
    fn scrolling_within_the_margin_keeps_the_rendered_rows() {
        let rendered = next_window(5000, 0..0, at(-52_000.0));
        // Five rows further down: still inside the margin, nothing to re-render.
        assert_eq!(next_window(5000, rendered.clone(), at(-52_260.0)), rendered);
        // Thirty rows further: re-centred.
        assert_eq!(
            next_window(5000, rendered, at(-53_560.0)),
            1030 - OVERSCAN..1040 + OVERSCAN
        );
    }

    #[test]
    fn the_end_of_the_list_and_a_shrunk_list_stay_in_bounds() {
        assert_eq!(
            next_window(5000, 0..0, at(-5000.0 * 52.0 + 260.0)),
            4995 - OVERSCAN..5000
        );
        // The list shrank under the rendered window.
        assert_eq!(clamp(4000..4060, 300), 300..300);
        assert_eq!(
            next_window(300, 4000..4060, at(-100.0)),
            0..2 + 10 + OVERSCAN
        );
    }

    #[test]
    fn a_focused_row_is_centred() {
        let r = centred_on(5000, 4900, 520.0);
        assert!(r.contains(&4900));
        assert_eq!(r, 4895 - OVERSCAN..4906 + OVERSCAN);
        assert_eq!(centred_on(5000, 4999, 520.0).end, 5000);
    }

    #[test]
    fn padding_stands_in_for_the_missing_rows() {
        assert_eq!(padding(5000, &(100..160)), (5200.0, 4840.0 * 52.0));
        assert_eq!(padding(10, &(0..10)), (0.0, 0.0));
    }
}
