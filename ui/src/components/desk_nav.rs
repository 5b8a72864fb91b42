//! The desks' navigation: a bar of tabs at the bottom of a phone, a rail at the left of a wide
//! window (the stylesheet decides which, at 720 px). It shows the desks the core lists, each with
//! the badge the core counted; the open desk is the core's, so a tap sends an intent.

use headsup_protocol::view::{DeskId, DeskTab};
use yew::prelude::*;

/// A badge never grows wider than three characters; the exact count stays in `badge_label`.
const BADGE_MAX: u32 = 99;

#[derive(Properties, PartialEq)]
pub struct DeskNavProps {
    pub desks: Vec<DeskTab>,
    /// The desk the core says is open; `None` while a screen of the UI's own (settings, the
    /// notification check) covers the desks, so no tab claims to be the current page.
    pub current: Option<DeskId>,
    pub on_open: Callback<DeskId>,
}

#[function_component]
pub fn DeskNav(props: &DeskNavProps) -> Html {
    html! {
        <nav id="desk-nav" class="desk-nav" aria-label="Desks">
            <ul role="list">
                { for props.desks.iter().map(|tab| {
                    let id = tab.id;
                    let onclick = props.on_open.reform(move |_: MouseEvent| id);
                    let current = (props.current == Some(id)).then_some("page");
                    html! {
                        <li key={desk_key(id)}>
                            <button type="button" id={format!("desk-{}", desk_key(id))}
                                    class="desk-tab" aria-current={current} {onclick}>
                                <span class="desk-label">{ &tab.label }</span>
                                // The number is for the eye; screen readers hear the sentence.
                                if let Some(count) = tab.badge {
                                    { " " }
                                    <span class="badge" aria-hidden="true">
                                        { badge_text(count) }
                                    </span>
                                }
                                <span class="visually-hidden">{ format!(", {}", tab.badge_label) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}

/// The desk's stable name in ids and keys (`desk-requests`).
fn desk_key(id: DeskId) -> &'static str {
    match id {
        DeskId::Requests => "requests",
    }
}

/// "7", "99", then "99+".
pub fn badge_text(count: u32) -> String {
    if count > BADGE_MAX {
        format!("{BADGE_MAX}+")
    } else {
        count.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::badge_text;

    #[test]
    fn a_badge_caps_at_ninety_nine_plus() {
        assert_eq!(badge_text(1), "1");
        assert_eq!(badge_text(99), "99");
        assert_eq!(badge_text(100), "99+");
        assert_eq!(badge_text(5_000), "99+");
    }
}
