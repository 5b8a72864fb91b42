//! The tray icon: how many customers wait, and Show/Quit. With the window closed it is the app's
//! only visible part, while the socket to the LDS stays open.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Runtime};

use crate::window;

const TRAY_ID: &str = "main";
const SHOW_ITEM: &str = "show";
const QUIT_ITEM: &str = "quit";

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, SHOW_ITEM, "Show Heads-Up", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT_ITEM, "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(tooltip(0))
        .menu(&menu)
        // A left click shows the window; the menu stays on the right button.
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            SHOW_ITEM => window::bring_to_front(app),
            QUIT_ITEM => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                window::bring_to_front(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Shows the number of waiting customers in the tooltip and, where the tray has one (macOS,
/// Linux indicators), the title beside the icon. The number is the core's `ViewState::waiting`:
/// which customers count as waiting is a rule, so the shell only words it.
pub fn show_waiting<R: Runtime>(app: &AppHandle<R>, waiting: u32) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let title = (waiting > 0).then(|| waiting.to_string());
    if let Err(error) = tray
        .set_tooltip(Some(tooltip(waiting)))
        .and_then(|()| tray.set_title(title))
    {
        tracing::warn!(%error, "updating the tray failed");
    }
}

fn tooltip(waiting: u32) -> String {
    match waiting {
        0 => "Heads-Up: no customer waiting".to_owned(),
        1 => "Heads-Up: 1 customer waiting".to_owned(),
        n => format!("Heads-Up: {n} customers waiting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooltip_counts_customers() {
        assert_eq!(tooltip(0), "Heads-Up: no customer waiting");
        assert_eq!(tooltip(1), "Heads-Up: 1 customer waiting");
        assert_eq!(tooltip(12), "Heads-Up: 12 customers waiting");
    }
}
